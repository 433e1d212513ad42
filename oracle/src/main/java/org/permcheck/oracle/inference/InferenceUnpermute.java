package org.permcheck.oracle.inference;

import java.util.Map;

import org.permcheck.contract.Expected;
import org.permcheck.contract.InferencePermutePreconditions;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core's inference unpermute, {@code mcore_inference_unpermute} (docs/spec.md V6): row t
 * ({@code t < valid_tokens}) of the f32 output sums {@code f32(inp[r]) * permuted_probs[r]} over the rows
 * {@code r < n_used} whose permutation_map entry is t (a -1 row adds nothing); the kernel adds with atomics, so the
 * order of a token's terms is unspecified. Computes side by side: one f32 value (r ascending, product rounded,
 * then the sum: informational, C2's role), the float64 reference and the slack of C5's band with fp32's unit
 * roundoff. Rows at or past valid_tokens are never written: unspecified (a per-row mask).
 */
public final class InferenceUnpermute {
    private InferenceUnpermute() {}

    public static Expected expected(Invocation inv) {
        InferencePermutePreconditions.Unpermute u = InferencePermutePreconditions.unpermute(inv); // X1, X5, X30, X32
        Tensor inp = inv.input(Ports.INP), probs = inv.input(Ports.PERMUTED_PROBS), map = inv.input(Ports.PERMUTATION_MAP);
        int h = (int) inp.dim(1);
        float[][] acc = new float[u.numTokens()][h];
        double[][] ref = new double[u.numTokens()][h], magnitude = new double[u.numTokens()][h];
        int[] terms = new int[u.numTokens()];
        float[] x = new float[h];
        for (long r = 0; r < u.used(); r++) { // V6: rows past n_used are not read
            int t = (int) map.getLong(r);
            if (t < 0) continue; // V6: a pad row adds nothing
            terms[t]++;
            float p = probs.getF32(r);
            inp.readRowF32(r, x);
            for (int c = 0; c < h; c++) {
                acc[t][c] += x[c] * p; // V6: fp32 product, fp32 sum (one order of many)
                double term = (double) x[c] * (double) p;
                ref[t][c] += term;
                magnitude[t][c] += Math.abs(term);
            }
        }
        Tensor values = Tensor.zeros(DType.F32, u.numTokens(), h);
        Tensor reference = Tensor.zeros(DType.F64, u.numTokens(), h), slack = Tensor.zeros(DType.F64, u.numTokens(), h);
        Tensor mask = Tensor.zeros(DType.BOOL, u.numTokens());
        for (int t = 0; t < u.validTokens(); t++) { // V6: rows t >= valid_tokens unspecified
            values.writeRowF32(t, acc[t]); // a token with no term stays +0.0 (zeroed first)
            reference.writeRowF64(t, ref[t]);
            for (int c = 0; c < h; c++) magnitude[t][c] *= (terms[t] + 2) * 0x1p-24; // C5's band, fp32's unit roundoff
            slack.writeRowF64(t, magnitude[t]);
            mask.setLong(t, 1);
        }
        return new Expected(Map.of(Ports.OUTPUT, values), Map.of(Ports.OUTPUT, mask), Map.of(Ports.OUTPUT, reference, Ports.OUTPUT + ".slack", slack));
    }
}
