package org.permcheck.oracle.dispatch;

import org.permcheck.oracle.layout.RowIdMap.Routes;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The one reduction of the mask family (C1, C2, C3, C5; reused by G1): for every token, the sum over
 * its routed experts in descending expert order of {@code f32(payload[src]) * f32(weight)}; a token
 * routed nowhere sums nothing and stays exactly +0.0 (C3; G1 says the same for the gradient).
 * Computes three things side by side, element by element:
 * <ul>
 *   <li>the bit-faithful value: fp32 accumulator starting at +0.0, separate multiply and add or a
 *       fused multiply-add (the profile's contraction), one final rounding (C2);</li>
 *   <li>the float64 reference (products of two floats are exact in f64) (C5);</li>
 *   <li>the C5 slack {@code (n+1) * 2^-24 * sum |term|}.</li>
 * </ul>
 */
public final class RowReduction {
    /** 2^-24: the unit roundoff of fp32. */
    static final double F32_UNIT_ROUNDOFF = 0x1p-24;

    public record Result(Tensor values, Tensor reference, Tensor slack) {}

    private RowReduction() {}

    /**
     * C1 (C3 for n(t) = 0), with the C5 reference and slack alongside.
     *
     * @param weights {@code [T,E]} merging probabilities, or null for a plain sum (C1 without
     *                merging_probs: the factor is absent, which equals multiplying by exactly 1)
     */
    public static Result sum(Tensor payload, Routes routes, Tensor weights, boolean fused, DType outDtype) {
        int nt = routes.numTokens();
        int h = (int) payload.rowElems();
        Tensor values = Tensor.zeros(outDtype, nt, h);
        Tensor reference = Tensor.zeros(DType.F64, nt, h);
        Tensor slack = Tensor.zeros(DType.F64, nt, h);
        float[] x = new float[h];
        float[] acc = new float[h];
        double[] ref = new double[h];
        double[] magnitude = new double[h];
        for (int t = 0; t < nt; t++) {
            int n = routes.count(t);
            if (n == 0) continue; // C3: tokens routed nowhere stay exactly +0.0
            java.util.Arrays.fill(acc, 0f);
            java.util.Arrays.fill(ref, 0d);
            java.util.Arrays.fill(magnitude, 0d);
            // i = 0 is the highest expert: every column accumulates in descending expert order (C1)
            for (int i = 0; i < n; i++) {
                float p = weights == null ? 1f : weights.getF32(t, routes.expert(t, i));
                payload.readRowF32(routes.source(t, i), x);
                for (int c = 0; c < h; c++) {
                    acc[c] = multiplyAdd(x[c], p, acc[c], fused);
                    double term = (double) x[c] * (double) p;
                    ref[c] += term;
                    magnitude[c] += Math.abs(term);
                }
            }
            values.writeRowF32(t, acc); // one final rounding into the output dtype
            reference.writeRowF64(t, ref);
            for (int c = 0; c < h; c++) magnitude[c] *= (n + 1) * F32_UNIT_ROUNDOFF;
            slack.writeRowF64(t, magnitude);
        }
        return new Result(values, reference, slack);
    }

    /** C2: {@code acc + x*p} with the product rounded first (te-jax), or one fused rounding (torch). */
    static float multiplyAdd(float x, float p, float acc, boolean fused) {
        return fused ? Math.fma(x, p, acc) : acc + x * p;
    }
}
