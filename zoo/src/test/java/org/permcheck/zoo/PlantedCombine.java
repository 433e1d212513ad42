package org.permcheck.zoo;

import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * token_combine as the unpermute kernel does it: per token, f32 accumulation over the valid
 * row_id_map slots in descending expert order, one final rounding (C1, C2). Planted bugs are
 * marked {@code // BUG}.
 */
final class PlantedCombine {
    private PlantedCombine() {}

    static Map<String, Tensor> run(Invocation inv, Bug bug) {
        Tensor x = inv.input("inp");
        Tensor probs = inv.inputs().get("merging_probs");
        Slots s = new Slots(inv.input("row_id_map"), bug == Bug.COMBINE_IGNORES_PAD_OFFSETS
                ? java.util.Optional.empty() : inv.optionalInput("pad_offsets"));             // BUG when ignored
        boolean fma = inv.profile().fusedMultiplyAdd();
        DType dt = x.dtype();
        long hidden = x.dim(1);
        DType outType = bug == Bug.COMBINE_OUTPUT_PROMOTED && probs != null && probs.dtype() == DType.F32 ? DType.F32 : dt; // BUG
        Tensor out = Tensor.zeros(outType, s.tokens, hidden);
        if (bug == Bug.FREE_COMBINE_FMA) fma = true;                                              // freedom: FMA (C2, C5)
        long tailStart = bug == Bug.COMBINE_SUMS_TAIL ? pastLastRouted(s) : x.rows();
        for (int t = 0; t < s.tokens; t++) {
            int n = s.count(t);
            if (bug == Bug.COMBINE_SENTINEL_SCAN) {                                               // BUG: scan to -1
                n = 0;
                while (n < s.experts && s.dst(t, n) >= 0) n++;
            }
            if (n == 0 && bug == Bug.COMBINE_UNROUTED_NAN) {                                       // BUG: never written
                for (long h = 0; h < hidden; h++) out.setBits(t, h, PlantedDispatch.nanBits(outType));
                continue;
            }
            for (long h = 0; h < hidden; h++) {
                float acc = 0f;
                if (bug == Bug.COMBINE_DENSE_MASK && probs != null) {                             // BUG: dense masked sum
                    int i = 0;
                    for (int e = s.experts - 1; e >= 0; e--) {
                        boolean routed = i < n && s.expert(t, i) == e;
                        float p = probs.getF32(t, e);
                        float v = routed ? Slots.f32At(x, s.src(t, i), h) : 0f;
                        acc = acc + v * p;
                        if (routed) i++;
                    }
                } else {
                    for (int k = 0; k < n; k++) {
                        int i = bug == Bug.FREE_COMBINE_ASCENDING ? n - 1 - k : k;                  // freedom: ascending order (C2)
                        float v = bug == Bug.COMBINE_ROW_STRIDE_H_PLUS_1
                                ? strided(x, s.src(t, i), h) : Slots.f32At(x, s.src(t, i), h);           // BUG when strided
                        if (probs != null) {
                            int col = bug == Bug.COMBINE_PROB_BY_SLOT ? i : s.expert(t, i);         // BUG when by slot
                            float p = probs.getF32(t, Math.floorMod(col, s.experts)); // -1 wraps, as numpy indexing does
                            acc = fma ? Math.fma(v, p, acc) : acc + v * p;
                        } else {
                            acc = acc + v;
                        }
                        if (bug == Bug.COMBINE_LOW_PRECISION_ACCUM && dt != DType.F32) {            // BUG: round every add
                            acc = FloatFormats.toF32(dt, FloatFormats.fromF32(dt, acc));
                        }
                    }
                }
                if (t == 0) for (long r = tailStart; r < x.rows(); r++) acc += Slots.f32At(x, r, h);   // BUG: the tail as data
                out.setBits(t, h, FloatFormats.fromF32(outType, acc));
            }
        }
        return Map.of("output", out);
    }

    /** The first row past every routed source row: where the never-written tail of the buffer starts (0 when nothing is routed). */
    private static long pastLastRouted(Slots s) {
        long end = 0;
        for (int t = 0; t < s.tokens; t++) for (int i = 0; i < s.count(t); i++) end = Math.max(end, s.src(t, i) + 1);
        return end;
    }

    /** Element (row, col) read with a row stride of H+1 from the H-wide buffer (FlashInfer #4087's kind of stride error). */
    private static float strided(Tensor x, long row, long col) {
        long hidden = x.dim(1);
        long flat = row * (hidden + 1) + col;
        return Slots.f32At(x, flat / hidden, flat % hidden);
    }
}
