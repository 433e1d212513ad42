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
}
