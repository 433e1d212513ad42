package org.permcheck.zoo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/** The backward passes (G1-G4) through the valid row_id_map slots. Planted bugs are marked {@code // BUG}. */
final class PlantedGradients {
    private PlantedGradients() {}

    /** G1, G2: gather-sum of the row gradients; grad_probs gathered from grad_permuted_probs. */
    static Map<String, Tensor> dispatchBackward(Invocation inv, Bug bug) {
        Tensor g = inv.input("grad_output");
        Tensor gpp = inv.inputs().get("grad_permuted_probs");
        Slots s = new Slots(inv.input("row_id_map"), bug == Bug.DBWD_IGNORES_PAD_OFFSETS
                ? java.util.Optional.empty() : inv.optionalInput("pad_offsets"));             // BUG when ignored
        DType dt = g.dtype();
        Tensor gradInp = Tensor.zeros(dt, s.tokens, g.dim(1));
        Tensor gradProbs = gpp == null ? null : Tensor.zeros(gpp.dtype(), s.tokens, s.experts);
        if (gradProbs != null && bug == Bug.DBWD_GRAD_PROBS_UNINIT) {                           // BUG: uninitialized
            gradProbs.fill(PlantedDispatch.nanBits(gpp.dtype()));
        }
        for (int t = 0; t < s.tokens; t++) {
            int n = s.count(t);
            for (long h = 0; h < g.dim(1); h++) {
                float acc = 0f;
                for (int i = 0; i < n; i++) acc = acc + Slots.f32At(g, s.src(t, i), h);
                gradInp.setBits(t, h, FloatFormats.fromF32(dt, acc));
            }
            if (gradProbs != null) {
                for (int i = 0; i < n; i++) {
                    long src = s.src(t, i);
                    gradProbs.setBits(t, s.expert(t, i), src >= 0 && src < gpp.rows() ? gpp.bits(src, 0) : 0);
                }
            }
        }
        Map<String, Tensor> res = new LinkedHashMap<>();
        res.put("grad_inp", gradInp);
        if (gradProbs != null) res.put("grad_probs", gradProbs);
        return res;
    }

    /** G3, G4: scatter of grad_output (times the merging prob) and the per-slot dot product. */
    static Map<String, Tensor> combineBackward(Invocation inv, Bug bug) {
        Tensor g = inv.input("grad_output");
        Tensor fwd = inv.input("fwd_input");
        Tensor probs = inv.inputs().get("merging_probs");
        Slots s = new Slots(inv.input("row_id_map"), inv.optionalInput("pad_offsets"));
        boolean fma = inv.profile().fusedMultiplyAdd();
        DType dt = g.dtype();
        Tensor gradInp = Tensor.zeros(dt, fwd.rows(), fwd.dim(1));
        if (bug == Bug.FREE_CBWD_UNTARGETED_ROWS) gradInp.fill(PlantedDispatch.nanBits(dt));      // freedom: untargeted rows (G3)
        Tensor gmp = probs == null ? null : Tensor.zeros(probs.dtype(), s.tokens, s.experts);
        int launched = bug == Bug.CBWD_DROPS_TOKENS_PAST_32768 ? Math.min(s.tokens, PlantedDispatch.BEYOND_BUDGET_TOKENS) : s.tokens; // BUG: 32 blocks
        for (int t = 0; t < launched; t++) {
            for (int i = 0; i < s.count(t); i++) {
                long src = s.src(t, i);
                int e = s.expert(t, i);
                if (src < 0 || src >= fwd.rows()) continue;
                if (probs == null || bug == Bug.CBWD_NO_PROB_SCALE) {                              // BUG when unscaled
                    gradInp.copyRowFrom(g, t, src);
                } else {
                    float p = probs.getF32(t, e);
                    for (long h = 0; h < g.dim(1); h++) gradInp.setBits(src, h, FloatFormats.fromF32(dt, g.getF32(t, h) * p));
                }
                if (gmp != null) {
                    float acc = 0f;
                    for (long h = 0; h < g.dim(1); h++) {
                        float a = fwd.getF32(src, h);
                        float b = g.getF32(t, h);
                        acc = fma ? Math.fma(a, b, acc) : acc + a * b;
                        if (bug == Bug.CBWD_GMP_LOW_PRECISION && probs.dtype() != DType.F32) {       // BUG: round every add
                            acc = FloatFormats.toF32(probs.dtype(), FloatFormats.fromF32(probs.dtype(), acc));
                        }
                    }
                    gmp.setBits(t, e, FloatFormats.fromF32(probs.dtype(), acc));
                }
            }
        }
        Map<String, Tensor> res = new LinkedHashMap<>();
        res.put("grad_inp", gradInp);
        if (gmp != null) res.put("grad_merging_probs", gmp);
        return res;
    }
}
