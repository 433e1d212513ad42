package org.permcheck.oracle.dispatch;

import org.permcheck.oracle.layout.RowIdMap.Routes;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The one reduction of the mask family (C1, C2, C5; reused by G1): for every token, the sum over
 * its routed experts in descending expert order of {@code f32(payload[src]) * f32(weight)}.
 * Computes three things side by side, element by element:
 * <ul>
 *   <li>the bit-faithful value: fp32 accumulator starting at +0.0, separate multiply and add or a
 *       fused multiply-add (the profile's contraction), one final rounding (C2);</li>
 *   <li>the float64 reference (products of two floats are exact in f64) (C5);</li>
 *   <li>the C5 slack {@code (n+1) * 2^-24 * sum |term|}.</li>
 * </ul>
 */
final class RowReduction {
    /** 2^-24: the unit roundoff of fp32. */
    static final double F32_UNIT_ROUNDOFF = 0x1p-24;

    record Result(Tensor values, Tensor reference, Tensor slack) {}

    private RowReduction() {}

    /**
     * @param weights {@code [T,E]} merging probabilities, or null for a plain sum (C1 without
     *                merging_probs: the factor is absent, which equals multiplying by exactly 1)
     */
    static Result sum(Tensor payload, Routes routes, Tensor weights, boolean fused, DType outDtype) {
        int nt = routes.numTokens();
        long h = payload.rowElems();
        Tensor values = Tensor.zeros(outDtype, nt, h);
        Tensor reference = Tensor.zeros(DType.F64, nt, h);
        Tensor slack = Tensor.zeros(DType.F64, nt, h);
        for (int t = 0; t < nt; t++) {
            int n = routes.count(t);
            if (n == 0) continue; // C3: tokens routed nowhere stay exactly +0.0
            float[] p = new float[n];
            for (int i = 0; i < n; i++) p[i] = weights == null ? 1f : weights.getF32(t, routes.expert(t, i));
            for (long c = 0; c < h; c++) {
                float acc = 0f;
                double ref = 0d;
                double magnitude = 0d;
                for (int i = 0; i < n; i++) { // i = 0 is the highest expert: descending order (C1)
                    float x = payload.getF32(routes.source(t, i), c);
                    acc = multiplyAdd(x, p[i], acc, fused);
                    double term = (double) x * (double) p[i];
                    ref += term;
                    magnitude += Math.abs(term);
                }
                values.setF32(t, c, acc); // one final rounding into the output dtype
                reference.setBits(t, c, Double.doubleToRawLongBits(ref));
                slack.setBits(t, c, Double.doubleToRawLongBits((n + 1) * F32_UNIT_ROUNDOFF * magnitude));
            }
        }
        return new Result(values, reference, slack);
    }

    /** C2: {@code acc + x*p} with the product rounded first (te-jax), or one fused rounding (torch). */
    static float multiplyAdd(float x, float p, float acc, boolean fused) {
        return fused ? Math.fma(x, p, acc) : acc + x * p;
    }
}
