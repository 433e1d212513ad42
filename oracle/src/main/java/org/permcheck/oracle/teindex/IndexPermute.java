package org.permcheck.oracle.teindex;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.TeIndexPreconditions;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * TransformerEngine's index-map permute, {@code te_index_permute} (docs/spec.md T1-T4): the slots sorted by
 * {@link SortedSlots} (T1), the first num_out_tokens of them kept (T4), a k-major row_id_map (T2) and a row copy
 * per kept position (T3). Not a view of the assignment table: an index-map call has no E, and the same id
 * twice in a row is two slots.
 */
public final class IndexPermute {
    private IndexPermute() {}

    public static Expected expected(Invocation inv) {
        long rows = TeIndexPreconditions.permute(inv); // X1, X5, X14, X24, X25
        Tensor inp = inv.input(Ports.INP);
        SortedSlots sorted = SortedSlots.of(inv.input(Ports.INDICES)); // T1
        int kept = keptPositions(sorted, rows);
        Map<String, Tensor> values = new LinkedHashMap<>();
        Map<String, Tensor> specified = new LinkedHashMap<>();
        values.put(Ports.OUTPUT, rowCopies(inp, sorted, rows, kept));
        values.put(Ports.ROW_ID_MAP, rowIdMap(sorted, kept));
        if (kept < rows) specified.put(Ports.OUTPUT, specifiedRows(rows, kept));
        return new Expected(values, specified, Map.of());
    }

    /** T4: the sorted positions kept, the first {@code min(num_out_tokens, T*K)}; the rest are dropped. */
    static int keptPositions(SortedSlots sorted, long rows) {
        return (int) Math.min(rows, sorted.slots());
    }

    /** T2: {@code row_id_map[k*T + t]} = the sorted position p of slot (t, k) if it is kept (T4), else -1; int32. */
    static Tensor rowIdMap(SortedSlots sorted, int kept) {
        int tokens = sorted.tokens(), topK = sorted.topK();
        Tensor map = Tensor.zeros(DType.I32, (long) tokens * topK);
        for (int k = 0; k < topK; k++) {
            for (int t = 0; t < tokens; t++) {
                int p = sorted.positionOf(t, k);
                map.setLong((long) k * tokens + t, p < kept ? p : -1);
            }
        }
        return map;
    }

    /** T3: {@code output[p] = inp[t]} bit for bit for every kept position p; rows past the kept ones stay zero (unspecified). */
    static Tensor rowCopies(Tensor inp, SortedSlots sorted, long rows, int kept) {
        Tensor out = Tensor.zeros(inp.dtype(), rows, inp.dim(1));
        for (int p = 0; p < kept; p++) out.copyRowFrom(inp, sorted.tokenAt(p), p);
        return out;
    }

    /** T3: the per-row mask, true on the kept rows [0, kept); only built when num_out_tokens exceeds T*K. */
    static Tensor specifiedRows(long rows, int kept) {
        Tensor m = Tensor.zeros(DType.BOOL, rows);
        for (int p = 0; p < kept; p++) m.setLong(p, 1);
        return m;
    }
}
