package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.WorkedExampleTest.ROUTING;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Block scales travel with their rows (docs/spec.md F1-F4, X22, X23), on the worked example's routing
 * (t0: e0,e1; t1: e0,e2; t2: e2; t3: e0,e1; t4: none). Expected rows by hand: unpadded the tokens of
 * rows 0..6 are 0,1,3 | 0,3 | 1,2; with align 4 they are 0,1,3,pad | 0,3,pad,pad | 1,2,pad,pad.
 */
class QuantizedScalesTest {
    static final int[] UNPADDED_TOKENS = {0, 1, 3, 0, 3, 1, 2};
    static final int[] PADDED_TOKENS = {0, 1, 3, -1, 0, 3, -1, -1, 1, 2, -1, -1};

    /** fp8 payload [5, h], every byte distinct by position. */
    private static Tensor fp8(int h) {
        Tensor x = Tensor.zeros(DType.F8E4M3, 5, h);
        for (long i = 0; i < 5L * h; i++) x.setBits(i, (i * 7 + 1) & 0x7F);
        return x;
    }

    /** Recipe 1 scales [5, b]: scale (t, j) = 2^(4t + j - 8), distinct per token and block. */
    private static Tensor blockScales(int b) {
        Tensor s = Tensor.zeros(DType.F32, 5, b);
        for (int t = 0; t < 5; t++) for (int j = 0; j < b; j++) s.setF32(t, j, (float) Math.scalb(1.0, 4 * t + j - 8));
        return s;
    }

    /** Recipe 2 scales [5, b]: E8M0 byte (t, j) = 120 + 4t + j. */
    private static Tensor e8m0(int b) {
        Tensor s = Tensor.zeros(DType.U8, 5, b);
        for (int t = 0; t < 5; t++) for (int j = 0; j < b; j++) s.setBits(t, j, 120 + 4 * t + j);
        return s;
    }

    private static Calls call(Tensor inp, Tensor scale, long recipe, long numOut) {
        return Calls.of(Op.DISPATCH).in(Ports.INP, inp).in(Ports.ROUTING_MAP, ROUTING).in(Ports.SCALE_INV, scale)
                .attr("num_out_tokens", numOut).attr("scale_recipe", recipe);
    }

    @Test
    void rule_F1_F2_blockwiseScalesFollowTheirRowsBitForBit() {
        // H = 130: ceil(130/128) = 2 blocks
        Expected x = call(fp8(130), blockScales(2), 1, 7).run();
        Tensor s = x.values().get(Ports.PERMUTED_SCALE_INV);
        assertEquals(DType.F32, s.dtype());
        assertTrue(s.sameShape(7, 2), s.shapeString());
        for (int r = 0; r < 7; r++) {
            int t = UNPADDED_TOKENS[r];
            for (int j = 0; j < 2; j++) assertEquals((float) Math.scalb(1.0, 4 * t + j - 8), s.getF32(r, j), "row " + r + " block " + j);
        }
    }

    @Test
    void rule_F1_F3_mxfp8ScalesPaddedRowsAreZeroAndExtraRowsUnspecified() {
        // H = 40: ceil(40/32) = 2 E8M0 bytes per row; torch-mask-pad, align 4: 12 rows
        Expected x = call(fp8(40), e8m0(2), 2, 7).profile(Profile.TORCH_MASK_PAD).attr("align_size", 4).run();
        Tensor s = x.values().get(Ports.PERMUTED_SCALE_INV);
        assertEquals(DType.U8, s.dtype());
        assertTrue(s.sameShape(12, 2), s.shapeString());
        for (int r = 0; r < 12; r++) {
            int t = PADDED_TOKENS[r];
            for (int j = 0; j < 2; j++) assertEquals(t < 0 ? 0 : 120 + 4 * t + j, s.bits(r, j), "row " + r + " block " + j);
        }
        assertNull(x.specified().get(Ports.PERMUTED_SCALE_INV), "a padded buffer specifies every scale row (F3)");
        // unpadded with 3 extra rows: rows 7..9 are unspecified (F3, as D5)
        Expected extra = call(fp8(40), e8m0(2), 2, 10).run();
        Tensor mask = extra.specified().get(Ports.PERMUTED_SCALE_INV);
        for (int r = 0; r < 10; r++) assertEquals(r < 7, mask.getLong(r) != 0, "row " + r);
    }

    @Test
    void rule_F4_aZeroProbabilityZeroesThePayloadRowButCopiesItsScales() {
        Tensor probs = Tensor.zeros(DType.F32, 5, 3);
        probs.setF32(0, 0, 0.5f);
        probs.setBits(0, 1, 0x80000000L); // (t0,e1) -> row 3, -0.0
        probs.setF32(1, 0, 0.5f);          // (t1,e2) -> row 5 keeps +0.0
        probs.setF32(2, 2, 0.5f);
        probs.setF32(3, 0, 0.5f);
        probs.setF32(3, 1, 0.5f);
        Expected x = call(fp8(130), blockScales(2), 1, 7).in(Ports.PROBS, probs).run();
        Tensor out = x.values().get(Ports.OUTPUT), s = x.values().get(Ports.PERMUTED_SCALE_INV);
        for (int r : new int[] {3, 5}) {
            assertEquals(0L, out.bits(r, 0), "row " + r + " payload zeroed (D3)");
            int t = UNPADDED_TOKENS[r];
            assertEquals((float) Math.scalb(1.0, 4 * t - 8), s.getF32(r, 0), "row " + r + " scale copied (F4)");
            assertEquals((float) Math.scalb(1.0, 4 * t + 1 - 8), s.getF32(r, 1));
        }
    }

    @Test
    void rule_F2_indexFormCallsMoveScalesAsTheirMaskForm() {
        // the worked example in the index form: t0 -> {1, 0}, t1 -> {2, 0}, t2 -> {2}, t3 -> {0, 1}, t4 -> none
        Tensor ids = Tensor.i32(new long[] {5, 2}, 1, 0, 2, 0, 2, -1, 0, 1, -1, -1);
        Expected x = Calls.of(Op.DISPATCH).in(Ports.INP, fp8(40)).in(Ports.TOPK_IDS, ids).in(Ports.SCALE_INV, e8m0(2))
                .attr("num_out_tokens", 7).attr("num_experts", 3).attr("scale_recipe", 2).run();
        Tensor s = x.values().get(Ports.PERMUTED_SCALE_INV);
        for (int r = 0; r < 7; r++) assertEquals(120 + 4 * UNPADDED_TOKENS[r], s.bits(r, 0), "row " + r);
    }

    @Test
    void rule_X22_scalesComeWithAnFp8PayloadTheirRecipeAndShape() {
        call(fp8(130), blockScales(2), 1, 7).run(); // valid
        Calls.of(Op.DISPATCH).in(Ports.INP, fp8(130)).in(Ports.ROUTING_MAP, ROUTING).in(Ports.SCALE_INV, blockScales(2))
                .attr("num_out_tokens", 7).rejects("X22"); // no recipe
        Calls.of(Op.DISPATCH).in(Ports.INP, fp8(130)).in(Ports.ROUTING_MAP, ROUTING).attr("scale_recipe", 1)
                .attr("num_out_tokens", 7).rejects("X22"); // no scales
        call(fp8(130), blockScales(2), 3, 7).rejects("X22"); // no such recipe
        call(Calls.tokens(DType.BF16, 5, 130), blockScales(2), 1, 7).rejects("X22"); // not an fp8 payload
        call(fp8(130), blockScales(1), 1, 7).rejects("X22"); // ceil(130/128) = 2, not 1
        call(fp8(130), e8m0(2), 1, 7).rejects("X22"); // recipe 1 is f32
        call(fp8(40), blockScales(2), 2, 7).rejects("X22"); // recipe 2 is uint8
        call(fp8(40), e8m0(1), 2, 7).rejects("X22"); // ceil(40/32) = 2
    }

    @Test
    void rule_X23_everyOtherOpRefusesScales() {
        Tensor map = Tensor.i32(new long[] {2, 5}, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1);
        Calls.of(Op.COMBINE).in(Ports.INP, Tensor.zeros(DType.F32, 2, 40)).in(Ports.ROW_ID_MAP, map)
                .in(Ports.SCALE_INV, e8m0(2)).rejects("X23");
        Calls.of(Op.DISPATCH_BACKWARD).in(Ports.GRAD_OUTPUT, Tensor.zeros(DType.F32, 2, 40)).in(Ports.ROW_ID_MAP, map)
                .attr("scale_recipe", 2).rejects("X23");
        assertFalse(Op.COMBINE.attrs().contains("scale_recipe"));
    }
}
