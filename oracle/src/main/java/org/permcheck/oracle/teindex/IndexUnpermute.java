package org.permcheck.oracle.teindex;

import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.TeIndexPreconditions;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * TransformerEngine's index-map unpermute, {@code te_index_unpermute} (docs/spec.md T5): token t sums the rows
 * {@code row_id_map[k*T+t]} of its kept slots (-1 skipped), k ascending, each times {@code merging_probs[t,k]}
 * when given, in the payload dtype. Computes side by side: the bit-faithful value (every product and sum
 * rounded to the payload dtype, the prob rounded to it first), the float64 reference and the slack of T5's band
 * (C5's, with the payload dtype's unit roundoff in place of fp32's).
 */
public final class IndexUnpermute {
    private IndexUnpermute() {}

    public static Expected expected(Invocation inv) {
        TeIndexPreconditions.unpermute(inv); // X1, X5, X25, X26
        Tensor inp = inv.input(Ports.INP);
        Tensor map = inv.input(Ports.ROW_ID_MAP);
        Optional<Tensor> probs = inv.optionalInput(Ports.MERGING_PROBS);
        int tokens = (int) inv.attr(Attrs.NUM_TOKENS), topK = (int) inv.attr(Attrs.TOP_K), h = (int) inp.dim(1);
        DType d = inp.dtype();
        Tensor values = Tensor.zeros(d, tokens, h);
        Tensor reference = Tensor.zeros(DType.F64, tokens, h);
        Tensor slack = Tensor.zeros(DType.F64, tokens, h);
        float[] x = new float[h];
        for (int t = 0; t < tokens; t++) {
            float[] acc = new float[h];
            double[] ref = new double[h], magnitude = new double[h];
            int n = 0;
            for (int k = 0; k < topK; k++) {
                long row = map.getLong((long) k * tokens + t);
                if (row == -1) continue; // T5: a dropped slot adds nothing
                n++;
                float p = probs.isPresent() ? probs.get().getF32(t, k) : 1f;
                float pd = round(d, p);
                inp.readRowF32(row, x);
                for (int c = 0; c < h; c++) {
                    acc[c] = round(d, acc[c] + round(d, x[c] * pd)); // T5: dtype arithmetic, k ascending
                    double term = (double) x[c] * (double) p;
                    ref[c] += term;
                    magnitude[c] += Math.abs(term);
                }
            }
            values.writeRowF32(t, acc); // already in the dtype: exact; an all-dropped token stays +0.0
            reference.writeRowF64(t, ref);
            for (int c = 0; c < h; c++) magnitude[c] *= (n + 2) * unitRoundoff(d);
            slack.writeRowF64(t, magnitude);
        }
        return new Expected(Map.of(Ports.OUTPUT, values), Map.of(), Map.of(Ports.OUTPUT, reference, Ports.OUTPUT + ".slack", slack));
    }

    /** The value of {@code v} rounded to {@code d} (round to nearest even), as an f32. */
    static float round(DType d, float v) { return FloatFormats.toF32(d, FloatFormats.fromF32(d, v)); }

    /** T5: the unit roundoff of the accumulation dtype: 2^-24 (f32), 2^-11 (f16), 2^-8 (bf16). */
    static double unitRoundoff(DType d) {
        switch (d) {
            case BF16: return 0x1p-8;
            case F16: return 0x1p-11;
            default: return 0x1p-24;
        }
    }
}
