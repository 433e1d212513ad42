package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.f32;
import static org.permcheck.oracle.Calls.shape;
import static org.permcheck.oracle.WorkedExampleTest.INP;
import static org.permcheck.oracle.WorkedExampleTest.ROUTING;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The VJPs (G1-G4). Besides hand values, each gradient is checked as an adjoint: for a linear map
 * f, {@code <f(x), g> = <x, f^T(g)>}, computed in f64 from the oracle's own forward and backward
 * (values chosen as small dyadic numbers so every f64 sum is exact).
 */
class GradientTest {

    private static Expected dispatch(Long align) {
        Calls c = Calls.of(Op.DISPATCH).in("inp", INP).in("routing_map", ROUTING).attr("num_out_tokens", 7);
        if (align != null) c.attr("align_size", align);
        return c.run();
    }

    private static Tensor dyadic(SplittableRandom rnd, long... shape) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) t.setF32(i, (rnd.nextInt(64) - 32) / 8f);
        return t;
    }

    private static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (long i = 0; i < a.numel(); i++) s += a.getF64(i) * b.getF64(i);
        return s;
    }

    @Test
    void rule_G1_dispatchBackwardSumsTheRowsOfEachToken() {
        Expected d = dispatch(4L);
        Tensor g = Tensor.zeros(DType.F32, 16, 2);
        for (int r = 0; r < 16; r++) g.setF32(r, 0, r + 1); // padded rows carry garbage that must not be read
        Expected x = Calls.of(Op.DISPATCH_BACKWARD).in("grad_output", g).in("row_id_map", d.values().get("row_id_map"))
                .in("pad_offsets", d.values().get("pad_offsets")).run();
        Tensor gi = x.values().get("grad_inp");
        assertArrayEquals(shape(5, 2), gi.shape());
        // padded rows: t0 -> rows 0 (e0), 4 (e1); t1 -> 1, 8; t2 -> 9; t3 -> 2, 5; t4 none
        float[] want = {1 + 5, 2 + 9, 10, 3 + 6, 0};
        for (int t = 0; t < 5; t++) assertEquals(want[t], gi.getF32(t, 0), "token " + t);
        assertEquals(0L, gi.bits(4, 1));
        assertEquals(want[1], x.reference().get("grad_inp").getF64(1, 0), 0.0);
        assertTrue(x.reference().containsKey("grad_inp.slack"));
    }

    @Test
    void rule_G1_G2_dispatchBackwardIsTheAdjointOfDispatch() {
        SplittableRandom rnd = new SplittableRandom(1);
        Tensor x = dyadic(rnd, 5, 2);
        Tensor p = dyadic(rnd, 5, 3);
        Expected d = Calls.of(Op.DISPATCH).in("inp", x).in("routing_map", ROUTING).in("probs", p).attr("num_out_tokens", 7).run();
        Tensor g = dyadic(rnd, 7, 2);
        Tensor gp = dyadic(rnd, 7);
        Expected b = Calls.of(Op.DISPATCH_BACKWARD).in("grad_output", g).in("row_id_map", d.values().get("row_id_map"))
                .in("grad_permuted_probs", gp).run();
        // the probs part: <permuted_probs, gp> = <probs, grad_probs>
        assertEquals(dot(d.values().get("permuted_probs"), gp), dot(p, b.values().get("grad_probs")), 0.0);
        // the payload part (probs may zero rows in the forward, D3, so compare with the prob-free dispatch)
        Tensor out = Calls.of(Op.DISPATCH).in("inp", x).in("routing_map", ROUTING).attr("num_out_tokens", 7).run().values().get("output");
        assertEquals(dot(out, g), dot(x, b.reference().get("grad_inp")), 0.0);
    }

    @Test
    void rule_G2_gradProbsIsAGatherZeroOffTheRoutingEvenWhereTheForwardProbWasZero() {
        Tensor gp = f32(shape(7), 1, 2, 3, 4, 5, 6, 7);
        gp.setBits(6, 0x80000000L); // -0.0 travels as bits
        Expected b = Calls.of(Op.DISPATCH_BACKWARD).in("grad_output", Tensor.zeros(DType.F32, 7, 2))
                .in("row_id_map", dispatch(null).values().get("row_id_map")).in("grad_permuted_probs", gp).run();
        Tensor g = b.values().get("grad_probs");
        // rows: 0:(t0,e0) 1:(t1,e0) 2:(t3,e0) 3:(t0,e1) 4:(t3,e1) 5:(t1,e2) 6:(t2,e2)
        float[][] want = {{1, 4, 0}, {2, 0, 6}, {0, 0, -0f}, {3, 5, 0}, {0, 0, 0}};
        for (int t = 0; t < 5; t++) {
            for (int e = 0; e < 3; e++) assertEquals(Float.floatToRawIntBits(want[t][e]) & 0xFFFFFFFFL, g.bits(t, e), "grad_probs[" + t + "," + e + "]");
        }
    }

    @Test
    void rule_G3_combineBackwardScattersAndLeavesUntargetedRowsUnspecified() {
        Expected d = dispatch(4L); // 16-row padded buffer
        Tensor g = Calls.tokens(DType.BF16, 5, 2);
        Tensor fwd = Tensor.zeros(DType.BF16, 16, 2);
        Expected x = Calls.of(Op.COMBINE_BACKWARD).in("grad_output", g).in("row_id_map", d.values().get("row_id_map"))
                .in("fwd_input", fwd).in("pad_offsets", d.values().get("pad_offsets")).run();
        Tensor gi = x.values().get("grad_inp");
        Tensor mask = x.specified().get("grad_inp");
        assertArrayEquals(shape(16, 2), gi.shape());
        int[] tokens = WorkedExampleTest.PADDED_TOKENS;
        for (int r = 0; r < 16; r++) {
            boolean targeted = r < tokens.length && tokens[r] >= 0;
            assertEquals(targeted ? 1 : 0, mask.getLong(r), "row " + r);
            if (targeted) assertTrue(gi.rowEquals(r, g, tokens[r]), "row " + r + " is a copy of grad_output[" + tokens[r] + "]");
        }
    }

    @Test
    void rule_G3_G4_withMergingProbsByHand() {
        Tensor map = dispatch(null).values().get("row_id_map");
        Tensor g = f32(shape(5, 2), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        Tensor fwd = Tensor.zeros(DType.F32, 7, 2);
        for (int r = 0; r < 7; r++) { fwd.setF32(r, 0, r); fwd.setF32(r, 1, 1); }
        Tensor mp = f32(shape(5, 3), .5f, .25f, 0, 2, 0, 4, 0, 0, 1, 1, -1, 0, 0, 0, 0);
        Expected x = Calls.of(Op.COMBINE_BACKWARD).in("grad_output", g).in("row_id_map", map).in("fwd_input", fwd).in("merging_probs", mp).run();
        Tensor gi = x.values().get("grad_inp");
        // row 3 = (t0,e1): g[0] * .25 = [.25, .5]; row 5 = (t1,e2): g[1] * 4 = [12, 16]
        assertEquals(.25f, gi.getF32(3, 0));
        assertEquals(.5f, gi.getF32(3, 1));
        assertEquals(12f, gi.getF32(5, 0));
        assertEquals(-7f, gi.getF32(4, 0)); // (t3,e1): 7 * -1
        Tensor gm = x.values().get("grad_merging_probs");
        // grad_mp[t,e] = <fwd[row], g[t]>: (t0,e0) row 0: 0*1 + 1*2 = 2; (t0,e1) row 3: 3*1 + 1*2 = 5; (t1,e2) row 5: 5*3 + 4 = 19
        assertEquals(2f, gm.getF32(0, 0));
        assertEquals(5f, gm.getF32(0, 1));
        assertEquals(19f, gm.getF32(1, 2));
        assertEquals(0L, gm.bits(0, 2), "non-routed entries are +0.0");
        assertEquals(0L, gm.bits(4, 0));
        assertEquals(19.0, x.reference().get("grad_merging_probs").getF64(1, 2), 0.0);
        assertEquals(3 * 0x1p-24 * 19, x.reference().get("grad_merging_probs.slack").getF64(1, 2), 0.0, "C5: n = H = 2 terms");
    }

    @Test
    void rule_G3_G4_combineBackwardIsTheAdjointOfCombine() {
        SplittableRandom rnd = new SplittableRandom(2);
        Tensor map = dispatch(null).values().get("row_id_map");
        Tensor y = dyadic(rnd, 7, 3);
        Tensor mp = dyadic(rnd, 5, 3);
        Tensor g = dyadic(rnd, 5, 3);
        Expected fwd = Calls.of(Op.COMBINE).in("inp", y).in("row_id_map", map).in("merging_probs", mp).run();
        Expected bwd = Calls.of(Op.COMBINE_BACKWARD).in("grad_output", g).in("row_id_map", map).in("fwd_input", y).in("merging_probs", mp).run();
        // d/dy: <combine(y), g> = <y, grad_inp>   (every row of the 7-row buffer is targeted)
        assertEquals(dot(fwd.reference().get("output"), g), dot(y, bwd.values().get("grad_inp")), 1e-9);
        // d/dp: combine is linear in p too: <combine(y; p), g> = <p, grad_merging_probs> (on routed entries)
        assertEquals(dot(fwd.reference().get("output"), g), dot(mp, bwd.reference().get("grad_merging_probs")), 1e-9);
    }

    @Test
    void rule_X5_X6_X1_gradientPreconditions() {
        Tensor map = dispatch(null).values().get("row_id_map");
        Calls.of(Op.DISPATCH_BACKWARD).in("grad_output", Tensor.zeros(DType.F8E4M3, 7, 2)).in("row_id_map", map).rejects("X5");
        Calls.of(Op.DISPATCH_BACKWARD).in("grad_output", Tensor.zeros(DType.F32, 7, 2)).in("row_id_map", map)
                .in("grad_permuted_probs", Tensor.zeros(DType.F32, 6)).rejects("X1");
        Calls.of(Op.COMBINE_BACKWARD).in("grad_output", Tensor.zeros(DType.F32, 5, 3)).in("row_id_map", map)
                .in("fwd_input", Tensor.zeros(DType.F32, 7, 2)).rejects("X1");
        Calls.of(Op.COMBINE_BACKWARD).in("grad_output", Tensor.zeros(DType.F8E5M2, 5, 2)).in("row_id_map", map)
                .in("fwd_input", Tensor.zeros(DType.F8E5M2, 7, 2)).in("merging_probs", Tensor.zeros(DType.F32, 5, 3)).rejects("X5");
        Tensor dup = map.copy();
        dup.setLong(1, 1, 0); // t1 now also names row 0, which t0 owns
        Calls.of(Op.COMBINE_BACKWARD).in("grad_output", Tensor.zeros(DType.F32, 5, 2)).in("row_id_map", dup)
                .in("fwd_input", Tensor.zeros(DType.F32, 7, 2)).rejects("X6");
        // an fp8 cotangent without merging probs is only moved: allowed
        Expected ok = Calls.of(Op.COMBINE_BACKWARD).in("grad_output", Tensor.zeros(DType.F8E4M3, 5, 2)).in("row_id_map", map)
                .in("fwd_input", Tensor.zeros(DType.F8E4M3, 7, 2)).run();
        assertEquals(DType.F8E4M3, ok.values().get("grad_inp").dtype());
    }
}
