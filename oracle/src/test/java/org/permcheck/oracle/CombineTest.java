package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.f32;
import static org.permcheck.oracle.Calls.shape;
import static org.permcheck.oracle.WorkedExampleTest.INP;
import static org.permcheck.oracle.WorkedExampleTest.ROUTING;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** token_combine (C1-C6); expected values by hand. */
class CombineTest {
    /** row_id_map of the worked example (WorkedExampleTest). */
    static Tensor map() {
        return Calls.of(Op.DISPATCH).in("inp", INP).in("routing_map", ROUTING).attr("num_out_tokens", 7).run().values().get("row_id_map");
    }

    private static Calls combine(Tensor y, Tensor map) {
        return Calls.of(Op.COMBINE).in("inp", y).in("row_id_map", map);
    }

    /** Permuted rows y[r] = [r+1, -(r+1)] (7 rows). */
    private static Tensor permuted(DType d) {
        Tensor y = Tensor.zeros(d, 7, 2);
        for (int r = 0; r < 7; r++) {
            y.setF32(r, 0, r + 1);
            y.setF32(r, 1, -(r + 1));
        }
        return y;
    }

    @Test
    void rule_C1_C3_weightedSumByHand() {
        // merging probs: t0 {e0:.5, e1:.25}, t1 {e0:2, e2:4}, t2 {e2:1}, t3 {e0:1, e1:-1}, t4 none
        Tensor mp = f32(shape(5, 3), .5f, .25f, 9f, 2f, 9f, 4f, 9f, 9f, 1f, 1f, -1f, 9f, 9f, 9f, 9f);
        Expected x = combine(permuted(DType.F32), map()).in("merging_probs", mp).run();
        Tensor out = x.values().get("output");
        assertArrayEquals(shape(5, 2), out.shape());
        // rows: 0:(t0,e0) 1:(t1,e0) 2:(t3,e0) 3:(t0,e1) 4:(t3,e1) 5:(t1,e2) 6:(t2,e2); y[r] = r+1
        float[] want = {1 * .5f + 4 * .25f, 2 * 2f + 6 * 4f, 7 * 1f, 3 * 1f + 5 * -1f, 0f};
        for (int t = 0; t < 5; t++) {
            assertEquals(want[t], out.getF32(t, 0), "token " + t);
            assertEquals(-want[t], out.getF32(t, 1), 0f, "token " + t);
        }
        assertEquals(0L, out.bits(4, 0), "C3: a token routed nowhere is +0.0");
        assertEquals(0L, out.bits(4, 1), "C3: a token routed nowhere is +0.0 (not -0.0)");
        assertEquals(want[1], x.reference().get("output").getF64(1, 0), 0.0, "C5: f64 reference");
    }

    @Test
    void rule_C1_withoutMergingProbsIsAPlainSum() {
        Tensor out = combine(permuted(DType.BF16), map()).run().values().get("output");
        assertEquals(DType.BF16, out.dtype());
        float[] want = {1 + 4, 2 + 6, 7, 3 + 5, 0};
        for (int t = 0; t < 5; t++) assertEquals(want[t], out.getF32(t, 0), "token " + t);
    }

    /**
     * Token 0 is routed to e1 (row 3, summed first) and e0 (row 0). With y[3] = -(1+2^-11) (p=1) and
     * y[0] = p = 1+2^-12: the product 1+2^-11+2^-24 rounds (tie to even) to 1+2^-11, so separate
     * multiply and add gives exactly 0, while an FMA keeps the 2^-24.
     */
    @Test
    void rule_C2_contractionDependsOnTheProfile() {
        Tensor y = Tensor.zeros(DType.F32, 7, 1);
        y.setF32(3, 0, -(1f + 0x1p-11f));
        y.setF32(0, 0, 1f + 0x1p-12f);
        Tensor mp = Tensor.filled(DType.F32, Float.floatToRawIntBits(1f), 5, 3);
        mp.setF32(0, 0, 1f + 0x1p-12f);
        Tensor teJax = combine(y, map()).in("merging_probs", mp).run().values().get("output");
        Tensor torch = combine(y, map()).in("merging_probs", mp).profile(Profile.TORCH_MASK_PAD).run().values().get("output");
        assertEquals(0f, teJax.getF32(0, 0));
        assertEquals(0x1p-24f, torch.getF32(0, 0));
        Expected x = combine(y, map()).in("merging_probs", mp).run();
        assertEquals(0x1p-24, x.reference().get("output").getF64(0, 0), 0.0, "C5: the f64 reference is exact here");
    }

    @Test
    void rule_C4_onlyValidSlotsAreReadAndNonRoutedProbsNeverLeak() {
        Tensor clean = map();
        Tensor garbage = clean.copy();
        Tensor valid = Calls.of(Op.DISPATCH).in("inp", INP).in("routing_map", ROUTING).attr("num_out_tokens", 7).run().specified().get("row_id_map");
        for (long i = 0; i < garbage.numel(); i++) if (valid.getLong(i) == 0) garbage.setLong(i, 123456 + i);
        Tensor mp = Tensor.filled(DType.F32, 0x7FC00000L, 5, 3); // NaN everywhere ...
        for (int t = 0; t < 5; t++) for (int e = 0; e < 3; e++) if (ROUTING.getLong(t, e) == 1) mp.setF32(t, e, .5f); // ... but the routed entries
        Tensor a = combine(permuted(DType.F32), clean).in("merging_probs", mp).run().values().get("output");
        Tensor b = combine(permuted(DType.F32), garbage).in("merging_probs", mp).run().values().get("output");
        assertTrue(a.bitEquals(b), "garbage in invalid slots changes nothing");
        for (long i = 0; i < a.numel(); i++) assertTrue(!Float.isNaN(a.getF32(i)), "no NaN leaks from a non-routed merging prob");
    }

    @Test
    void rule_C5_referenceAndSlackBoundTheBitFaithfulValue() {
        // bf16 values with cancellation: the bit-faithful result must lie within atol + rtol*|r| + slack
        Tensor y = Tensor.zeros(DType.BF16, 7, 3);
        float[] v = {300f, -299f, 1.0078125f, 2.5f, -7.75f, 1e-3f, 65504f};
        for (int r = 0; r < 7; r++) for (int c = 0; c < 3; c++) y.setF32(r, c, v[(r + c) % 7] * (c + 1));
        Tensor mp = f32(shape(5, 3), .3f, .7f, 0, .1f, 0, .9f, 0, 0, 1, .51f, .49f, 0, 0, 0, 0);
        Expected x = combine(y, map()).in("merging_probs", mp).run();
        Tensor out = x.values().get("output");
        Tensor ref = x.reference().get("output");
        Tensor slack = x.reference().get("output.slack");
        assertEquals(DType.F64, ref.dtype());
        assertArrayEquals(out.shape(), slack.shape());
        double tol = Math.pow(0x1p-7, 2.0 / 3.0); // bf16: eps^(2/3)
        for (long i = 0; i < out.numel(); i++) {
            double r = ref.getF64(i);
            assertTrue(Math.abs(out.getF64(i) - r) <= tol + tol * Math.abs(r) + slack.getF64(i), "element " + i);
            assertTrue(slack.getF64(i) >= 0);
        }
        // token 0, col 0: y[3]*.7 + y[0]*.3 = 2.5*.7 + 300*.3 computed in f64 from the exact f32 factors
        double want = (double) 2.5f * (double) .7f + (double) 300f * (double) .3f;
        assertEquals(want, ref.getF64(0, 0), 0.0);
        assertEquals(3 * 0x1p-24 * (Math.abs((double) 2.5f * .7f) + Math.abs((double) 300f * .3f)), slack.getF64(0, 0), 1e-18);
    }

    @Test
    void rule_C6_X5_fp8IsNotReducedButMixedProbDtypesAre() {
        Calls.of(Op.COMBINE).in("inp", Tensor.zeros(DType.F8E4M3, 7, 2)).in("row_id_map", map()).rejects("X5");
        Calls.of(Op.COMBINE).in("inp", Tensor.zeros(DType.F8E5M2, 7, 2)).in("row_id_map", map()).rejects("X5");
        Tensor mp = Tensor.filled(DType.BF16, 0x3F00, 5, 3); // 0.5 in bf16, inp f32
        Tensor out = combine(permuted(DType.F32), map()).in("merging_probs", mp).run().values().get("output");
        assertEquals(DType.F32, out.dtype());
        assertEquals(.5f * 7, out.getF32(2, 0));
    }

    @Test
    void rule_X6_X1_malformedRowIdMapsAndShapes() {
        Tensor m = map();
        Tensor badCount = m.copy();
        badCount.setLong(0, 6, 4); // n > E
        combine(permuted(DType.F32), badCount).rejects("X6");
        Tensor badOrder = m.copy();
        badOrder.setLong(0, 3, 0);
        badOrder.setLong(0, 4, 1); // ascending experts
        combine(permuted(DType.F32), badOrder).rejects("X6");
        Tensor outOfRange = m.copy();
        outOfRange.setLong(1, 0, 7); // row 7 of a 7-row tensor
        combine(permuted(DType.F32), outOfRange).rejects("X6");
        // pad offsets push a source out of range
        combine(permuted(DType.F32), m).in("pad_offsets", Calls.i32(shape(3), 0, 0, 5)).rejects("X6");
        combine(permuted(DType.F32), m).in("pad_offsets", Calls.i32(shape(2), 0, 0)).rejects("X1");
        combine(permuted(DType.F32), Tensor.zeros(DType.I32, 5, 6)).rejects("X1");
        combine(permuted(DType.F32), m).in("merging_probs", Tensor.zeros(DType.F32, 5, 2)).rejects("X1");
    }

    @Test
    void rule_C1_padOffsetsReadTheFusedUnpaddedRows() {
        // dispatch padded (A=4, 16 rows), then combine with pad_offsets and weights 1/n(t): round trip
        Expected d = Calls.of(Op.DISPATCH).in("inp", INP).in("routing_map", ROUTING).attr("num_out_tokens", 7).attr("align_size", 4).run();
        Tensor mp = f32(shape(5, 3), .5f, .5f, 0, .5f, 0, .5f, 0, 0, 1, .5f, .5f, 0, 0, 0, 0);
        Tensor out = Calls.of(Op.COMBINE).in("inp", d.values().get("output")).in("row_id_map", d.values().get("row_id_map"))
                .in("merging_probs", mp).in("pad_offsets", d.values().get("pad_offsets")).run().values().get("output");
        for (int t = 0; t < 4; t++) assertTrue(out.rowEquals(t, INP, t), "token " + t + " round-trips exactly (12.1 invariant 3)");
        assertEquals(0L, out.bits(4, 0), "token 4 routed nowhere");
    }
}
