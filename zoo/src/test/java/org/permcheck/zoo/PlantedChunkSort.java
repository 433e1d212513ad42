package org.permcheck.zoo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** sort_chunks_by_index and its backward (S1-S3). Planted bugs are marked {@code // BUG}. */
final class PlantedChunkSort {
    private PlantedChunkSort() {}

    /** S1: where each input row goes; rows past sum(split_sizes) stay in place. */
    static long[] map(long rows, long[] split, long[] order, Bug bug) {
        int chunks = split.length;
        long total = 0;
        for (long v : split) total += v;
        long[] sizes = split.clone();
        if (bug == Bug.CHUNK_TAIL_MOVED && chunks > 0) {                                         // BUG: tail joins last chunk
            sizes[chunks - 1] += rows - total;
            total = rows;
        }
        long[] startIn = new long[chunks];
        for (int c = 1; c < chunks; c++) startIn[c] = startIn[c - 1] + sizes[c - 1];
        long[] startOut = new long[chunks];
        long acc = 0;
        for (int p = 0; p < chunks; p++) {
            int c = (int) order[p];
            startOut[c] = acc;
            acc += bug == Bug.CHUNK_OFFSETS_UNSORTED ? sizes[p] : sizes[c];                       // BUG when unsorted
        }
        long[] m = new long[(int) rows];
        for (int i = 0; i < rows; i++) m[i] = i;
        for (int c = 0; c < chunks; c++) {
            for (long k = 0; k < sizes[c]; k++) {
                long i = startIn[c] + k;
                long to = startOut[c] + k;
                if (i < rows && to >= 0 && to < rows) m[(int) i] = to;
            }
        }
        return m;
    }

    static Map<String, Tensor> forward(Invocation inv, Bug bug) {
        Tensor x = inv.input("inp");
        long[] m = map(x.rows(), longs(inv.input("split_sizes")), longs(inv.input("sorted_indices")), bug);
        Map<String, Tensor> res = new LinkedHashMap<>();
        res.put("output", scatter(x, m));
        res.put("row_id_map", PlantedDispatch.longs(DType.I32, m));
        Tensor probs = inv.inputs().get("probs");
        if (probs != null) res.put("permuted_probs", scatter(probs, m));
        return res;
    }

    /** S3: gather through the map (the backward of a scatter). */
    static Map<String, Tensor> backward(Invocation inv, Bug bug) {
        Tensor g = inv.input("grad_output");
        long[] m = longs(inv.input("row_id_map"));
        Map<String, Tensor> res = new LinkedHashMap<>();
        res.put("grad_inp", bug == Bug.CHUNK_BWD_SCATTER ? scatter(g, m) : gather(g, m));         // BUG when scattering
        Tensor gpp = inv.inputs().get("grad_permuted_probs");
        if (gpp != null) res.put("grad_probs", bug == Bug.CHUNK_BWD_SCATTER ? scatter(gpp, m) : gather(gpp, m));
        return res;
    }

    /** out[m[i]] = x[i]; rows no index reaches stay zero (a collision is a planted bug's doing). */
    static Tensor scatter(Tensor x, long[] m) {
        Tensor out = Tensor.zeros(x.dtype(), x.shape());
        for (int i = 0; i < m.length; i++) if (m[i] >= 0 && m[i] < x.rows()) out.copyRowFrom(x, i, m[i]);
        return out;
    }

    static Tensor gather(Tensor x, long[] m) {
        Tensor out = Tensor.zeros(x.dtype(), x.shape());
        for (int i = 0; i < m.length; i++) if (m[i] >= 0 && m[i] < x.rows()) out.copyRowFrom(x, m[i], i);
        return out;
    }

    static long[] longs(Tensor t) {
        long[] v = new long[(int) t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = t.getLong(i);
        return v;
    }
}
