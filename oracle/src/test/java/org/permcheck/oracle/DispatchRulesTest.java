package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.i32;
import static org.permcheck.oracle.Calls.longs;
import static org.permcheck.oracle.Calls.shape;
import static org.permcheck.oracle.WorkedExampleTest.INP;
import static org.permcheck.oracle.WorkedExampleTest.ROUTING;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** token_dispatch rules beyond the worked example; expected values by hand from docs/spec.md. */
class DispatchRulesTest {

    private static Calls dispatch(Tensor inp, Tensor routing, long numOut) {
        return Calls.of(Op.DISPATCH).in("inp", inp).in("routing_map", routing).attr("num_out_tokens", numOut);
    }

    @Test
    void rule_D3_zeroAndNegativeZeroProbabilityGiveAPositiveZeroRowNaNCopies() {
        Tensor probs = Tensor.zeros(DType.F32, 5, 3);
        probs.setF32(0, 0, 0f);                       // (t0,e0) -> row 0: +0.0 prob
        probs.setBits(0, 1, 0x80000000L);             // (t0,e1) -> row 3: -0.0 prob
        probs.setBits(1, 0, 0x7FC00000L);             // (t1,e0) -> row 1: NaN prob copies the row
        probs.setF32(3, 0, 0.5f);                     // (t3,e0) -> row 2
        probs.setF32(3, 1, 1e-30f);                   // (t3,e1) -> row 4: tiny but non-zero copies
        probs.setF32(1, 2, .5f);
        probs.setF32(2, 2, .5f);
        Tensor inp = INP.copy();
        inp.setBits(0, 0, 0x80000000L); // a -0.0 element in token 0 must NOT survive in a zeroed row
        Expected x = dispatch(inp, ROUTING, 7).in("probs", probs).run();
        Tensor out = x.values().get("output");
        for (int row : new int[] {0, 3}) {
            assertEquals(0L, out.bits(row, 0), "row " + row + " col 0 is +0.0");
            assertEquals(0L, out.bits(row, 1), "row " + row + " col 1 is +0.0");
        }
        assertTrue(out.rowEquals(1, inp, 1), "NaN prob copies token 1");
        assertTrue(out.rowEquals(2, inp, 3));
        assertTrue(out.rowEquals(4, inp, 3), "a tiny non-zero prob copies");
        // D4: the probabilities themselves are bit copies, -0.0 and NaN included
        Tensor pp = x.values().get("permuted_probs");
        assertEquals(0x80000000L, pp.bits(3));
        assertEquals(0x7FC00000L, pp.bits(1));
    }

    @Test
    void rule_D2_fp8PayloadIsMovedAsRawBits() {
        for (DType d : new DType[] {DType.F8E4M3, DType.F8E5M2, DType.BF16, DType.F16}) {
            Tensor inp = Tensor.zeros(d, 5, 3);
            for (long i = 0; i < 15; i++) inp.setBits(i, d.size() == 1 ? (i * 37 + 0x7D) & 0xFF : (i * 4099 + 0x7C01) & 0xFFFF); // incl. NaN patterns
            Tensor out = dispatch(inp, ROUTING, 7).run().values().get("output");
            assertEquals(d, out.dtype());
            int[] tokens = WorkedExampleTest.UNPADDED_TOKENS;
            for (int r = 0; r < tokens.length; r++) assertTrue(out.rowEquals(r, inp, tokens[r]), d + " row " + r);
        }
    }

    @Test
    void rule_D5_rowsPastTheUsedOnesAreUnspecifiedForOutputAndProbs() {
        Tensor probs = Tensor.filled(DType.BF16, 0x3F80, 5, 3);
        Expected x = dispatch(INP, ROUTING, 10).in("probs", probs).run();
        assertArrayEquals(shape(10, 2), x.values().get("output").shape());
        assertArrayEquals(shape(10), x.values().get("permuted_probs").shape());
        for (String port : new String[] {"output", "permuted_probs"}) {
            Tensor mask = x.specified().get(port);
            assertArrayEquals(shape(10), mask.shape(), port);
            for (int r = 0; r < 10; r++) assertEquals(r < 7 ? 1 : 0, mask.getLong(r), port + " row " + r);
        }
        assertEquals(DType.BF16, x.values().get("permuted_probs").dtype());
    }

    @Test
    void rule_P2_alignOneIsTheUnpaddedLayoutWithZeroPadOffsets() {
        Expected padded = dispatch(INP, ROUTING, 7).attr("align_size", 1).run();
        Expected plain = dispatch(INP, ROUTING, 7).run();
        // W = ((7 + 3*0) // 1) * 1 = 7: the same rows
        assertTrue(padded.values().get("output").bitEquals(plain.values().get("output")));
        assertArrayEquals(new long[] {0, 0, 0}, longs(padded.values().get("pad_offsets")));
    }

    @Test
    void rule_P4_torchMaskPadOmitsPadOffsetsWhenAlreadyAligned() {
        // counts [3,2,2] with A=1 are aligned: pad_offsets absent for torch-mask-pad, present (zeros) for te-jax
        Expected torch = dispatch(INP, ROUTING, 7).profile(Profile.TORCH_MASK_PAD).attr("align_size", 1).run();
        assertFalse(torch.values().containsKey("pad_offsets"));
        assertArrayEquals(new long[] {3, 2, 2}, longs(torch.values().get("tokens_per_expert")));
        // counts [2,2,0] with A=2 (aligned, one empty expert): still absent; buffer exactly 4 rows
        Tensor r = i32(shape(2, 3), 1, 1, 0, 1, 1, 0);
        Expected t2 = dispatch(Calls.tokens(DType.F32, 2, 2), r, 4).profile(Profile.TORCH_MASK_PAD).attr("align_size", 2).run();
        assertFalse(t2.values().containsKey("pad_offsets"));
        assertArrayEquals(shape(4, 2), t2.values().get("output").shape());
    }

    @Test
    void rule_P1_P3_emptyExpertsGetNoRowsAndLargeAlignPadsEveryNonEmptyGroup() {
        // counts [0,3,0,1], A=8: target [0,8,0,8], pad_offsets [0,0,5,5]; W = ((4 + 4*7)//8)*8 = 32
        Tensor r = i32(shape(3, 4), 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0);
        Expected x = dispatch(Calls.tokens(DType.F32, 3, 1), r, 4).attr("align_size", 8).run();
        assertArrayEquals(new long[] {0, 8, 0, 8}, longs(x.values().get("tokens_per_expert")));
        assertArrayEquals(new long[] {0, 0, 5, 5}, longs(x.values().get("pad_offsets")));
        Tensor out = x.values().get("output");
        assertArrayEquals(shape(32, 1), out.shape());
        assertEquals(1f, out.getF32(0, 0));   // e1: t0, t1, t2
        assertEquals(11f, out.getF32(1, 0));
        assertEquals(21f, out.getF32(2, 0));
        assertEquals(1f, out.getF32(8, 0));   // e3: t0 at Σ target before = 8
        for (int row = 0; row < 32; row++) {
            if (row != 0 && row != 1 && row != 2 && row != 8) assertEquals(0L, out.bits(row, 0), "row " + row);
        }
    }

    @Test
    void rule_X3_numOutTokensMustCoverTheRoutedPairs() {
        dispatch(INP, ROUTING, 6).rejects("X3");
        dispatch(INP, ROUTING, 0).rejects("X3");
        dispatch(INP, ROUTING, -1).rejects("X3");
        Calls.of(Op.DISPATCH).in("inp", INP).in("routing_map", ROUTING).rejects("X3");
        // T with no routed pair still needs num_out_tokens > 0
        dispatch(INP, Tensor.zeros(DType.I32, 5, 3), 0).rejects("X3");
        Expected none = dispatch(INP, Tensor.zeros(DType.BOOL, 5, 3), 2).run();
        assertEquals(0, none.specified().get("output").getLong(0), "no routed pair: every row unspecified");
    }

    @Test
    void rule_X4_alignSizeMustBePositiveAndTorchRequiresIt() {
        dispatch(INP, ROUTING, 7).attr("align_size", 0).rejects("X4");
        dispatch(INP, ROUTING, 7).attr("align_size", -4).rejects("X4");
        dispatch(INP, ROUTING, 7).profile(Profile.TORCH_MASK_PAD).rejects("X4");
    }

    @Test
    void rule_X1_X2_X5_badShapesRoutingValuesAndDtypes() {
        dispatch(INP, i32(shape(4, 3), new long[12]), 7).rejects("X1");                 // token count mismatch
        dispatch(INP.reshape(10), ROUTING, 7).rejects("X1");                          // 1-D inp
        dispatch(INP, Tensor.zeros(DType.I32, 5, 0), 7).rejects("X1");               // no experts
        dispatch(INP, ROUTING, 7).in("probs", Tensor.zeros(DType.F32, 5, 2)).rejects("X1");
        Tensor two = ROUTING.copy();
        two.setLong(2, 2, 2);
        dispatch(INP, two, 7).rejects("X2");
        Tensor neg = ROUTING.copy();
        neg.setLong(0, 0, -1);
        dispatch(INP, neg, 7).rejects("X2");
        dispatch(INP, Tensor.zeros(DType.F32, 5, 3), 7).rejects("X2");               // float routing map
        dispatch(INP, ROUTING, 7).in("probs", Tensor.zeros(DType.F8E4M3, 5, 3)).rejects("X5");
        dispatch(Tensor.zeros(DType.F64, 5, 2), ROUTING, 7).rejects("X5");
        dispatch(Tensor.zeros(DType.I32, 5, 2), ROUTING, 7).rejects("X5");
    }

    @Test
    void rule_X1_unknownOrMissingPortsAndAttributes() {
        dispatch(INP, ROUTING, 7).in("prob", Tensor.zeros(DType.F32, 5, 3)).rejects("X1");   // a typo is not ignored
        dispatch(INP, ROUTING, 7).attr("align", 4).rejects("X1");
        Calls.of(Op.DISPATCH).in("routing_map", ROUTING).attr("num_out_tokens", 7).rejects("X1");
        Calls.of(Op.COMBINE).in("inp", INP).rejects("X1");
    }

    @Test
    void rule_X2_boolAndInt64RoutingMapsAreAccepted() {
        Tensor asBool = Tensor.zeros(DType.BOOL, 5, 3);
        Tensor asLong = Tensor.zeros(DType.I64, 5, 3);
        for (long i = 0; i < 15; i++) {
            asBool.setLong(i, ROUTING.getLong(i));
            asLong.setLong(i, ROUTING.getLong(i));
        }
        Tensor want = dispatch(INP, ROUTING, 7).run().values().get("output");
        assertTrue(want.bitEquals(dispatch(INP, asBool, 7).run().values().get("output")));
        assertTrue(want.bitEquals(dispatch(INP, asLong, 7).run().values().get("output")));
    }
}
