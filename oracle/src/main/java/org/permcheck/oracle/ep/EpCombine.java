package org.permcheck.oracle.ep;

import java.util.Map;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.TeEpPreconditions;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * TE's {@code ep_combine} in the world view (docs/spec.md Y4): token g's row of {@code result} is the unweighted sum
 * of {@code expert_out} at the canonical rows of its K slots (the {@link EpSlabs} layout), no routing weight applied.
 * Side by side: the value summed in f32, k ascending, rounded once to the payload dtype (informational), the float64
 * reference and C5's slack {@code (n+2) * 2^-24 * sum|term|}.
 */
public final class EpCombine {
    private EpCombine() {}

    public static Expected expected(Invocation inv) {
        TeEpPreconditions.combine(inv); // X35-X37
        EpSlabs v = EpSlabs.of(inv);
        Tensor out = inv.input(Ports.EXPERT_OUT);
        Tensor ids = inv.input(Ports.TOPK_IDX);
        int tokens = v.table().numTokens(), h = (int) out.dim(1);
        DType d = out.dtype();
        Tensor values = Tensor.zeros(d, tokens, h);
        Tensor reference = Tensor.zeros(DType.F64, tokens, h);
        Tensor slack = Tensor.zeros(DType.F64, tokens, h);
        float[] x = new float[h];
        for (int g = 0; g < tokens; g++) {
            float[] acc = new float[h];
            double[] ref = new double[h], magnitude = new double[h];
            int n = 0;
            for (int k = 0; k < ids.dim(1); k++) {
                int e = (int) ids.getLong(g, k);
                out.readRowF32(v.row(g, e), x); // Y4: the slot's row, no weight
                n++;
                for (int c = 0; c < h; c++) {
                    acc[c] += x[c];
                    ref[c] += x[c];
                    magnitude[c] += Math.abs((double) x[c]);
                }
            }
            for (int c = 0; c < h; c++) acc[c] = FloatFormats.toF32(d, FloatFormats.fromF32(d, acc[c]));
            values.writeRowF32(g, acc);
            reference.writeRowF64(g, ref);
            for (int c = 0; c < h; c++) magnitude[c] *= (n + 2) * 0x1p-24;
            slack.writeRowF64(g, magnitude);
        }
        return new Expected(Map.of(Ports.RESULT, values), Map.of(), Map.of(Ports.RESULT, reference, Ports.RESULT + ".slack", slack));
    }
}
