package org.permcheck.zoo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * TE's index-map permute (docs/spec.md T1-T4) written from the spec (a sort of the flat slots by uint32 key, ties by
 * slot; the first num_out_tokens kept; a k-major row_id_map; a row copy per kept position), with the index-map bugs
 * of {@link Bug} planted: signed keys (-1 first, as before TE PR #2907, T1), a token-major map (T2), an unstable
 * sort (T1), and dropping from the front of the sorted order (T4).
 */
final class PlantedTeIndex {
    private PlantedTeIndex() {}

    static Map<String, Tensor> run(Invocation inv, Bug bug) {
        Tensor inp = inv.input(Ports.INP);
        Tensor ids = inv.input(Ports.INDICES);
        int tokens = (int) ids.dim(0), topK = (int) ids.dim(1), n = tokens * topK;
        long numOut = inv.optionalAttr(Attrs.NUM_OUT_TOKENS).orElse(0L);
        long rows = numOut == 0 ? n : numOut;
        int kept = (int) Math.min(rows, n);
        Integer[] order = new Integer[n];
        long[] key = new long[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
            long id = ids.getLong(j / topK, j % topK);
            key[j] = bug == Bug.TE_INDEX_MINUS_ONE_FIRST ? id : id & 0xffffffffL; // BUG (T1): signed keys
        }
        boolean unstable = bug == Bug.TE_INDEX_UNSTABLE_SORT;
        java.util.Arrays.sort(order, (a, b) -> key[a] != key[b] ? Long.compare(key[a], key[b])
                : unstable ? Integer.compare(b, a) : Integer.compare(a, b)); // BUG (T1): ties last-first
        int first = bug == Bug.TE_INDEX_DROP_FROM_FRONT ? n - kept : 0; // BUG (T4): the last sorted slots kept
        Tensor map = Tensor.filled(DType.I32, 0xffffffffL, n);
        Tensor out = Tensor.zeros(inp.dtype(), rows, inp.dim(1));
        for (int p = 0; p < kept; p++) {
            int j = order[first + p], t = j / topK, k = j % topK;
            long at = bug == Bug.TE_INDEX_TOKEN_MAJOR_MAP ? j : (long) k * tokens + t; // BUG (T2): token-major
            map.setLong(at, p);
            out.copyRowFrom(inp, t, p);
        }
        Map<String, Tensor> o = new LinkedHashMap<>();
        o.put(Ports.OUTPUT, out);
        o.put(Ports.ROW_ID_MAP, map);
        return o;
    }

    /** T5: token t sums its kept rows k ascending in f32 (a conforming order and width, inside T5's band), weighted when probs are given. */
    static Map<String, Tensor> unpermute(Invocation inv, Bug bug) {
        Tensor inp = inv.input(Ports.INP);
        Tensor map = inv.input(Ports.ROW_ID_MAP);
        Tensor probs = inv.inputs().get(Ports.MERGING_PROBS);
        int tokens = (int) inv.attr(Attrs.NUM_TOKENS), topK = (int) inv.attr(Attrs.TOP_K), h = (int) inp.dim(1);
        Tensor out = Tensor.zeros(inp.dtype(), tokens, h);
        for (int t = 0; t < tokens; t++) {
            float[] acc = new float[h];
            for (int k = 0; k < topK; k++) {
                long r = map.getLong((long) k * tokens + t);
                if (r == -1 && bug == Bug.TE_INDEX_UNPERMUTE_DROPPED_AS_LAST_ROW) r = inp.dim(0) - 1; // BUG (T5)
                if (r < 0) continue;
                float w = probs == null ? 1f : probs.getF32(t, k);
                for (int c = 0; c < h; c++) acc[c] += inp.getF32(r, c) * w;
            }
            for (int c = 0; c < h; c++) out.setF32(t, c, acc[c]);
        }
        Map<String, Tensor> o = new LinkedHashMap<>();
        o.put(Ports.OUTPUT, out);
        return o;
    }
}
