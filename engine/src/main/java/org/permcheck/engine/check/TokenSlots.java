package org.permcheck.engine.check;

import org.permcheck.tensor.Tensor;

/**
 * The valid slots of a (trusted) mask-family row_id_map read per token: the rows (plus
 * pad_offsets[e] when given) and experts of token t, in the map's order (descending expert).
 */
final class TokenSlots {
    private final long[][] rows;
    private final long[][] experts;

    private TokenSlots(long[][] rows, long[][] experts) {
        this.rows = rows;
        this.experts = experts;
    }

    static TokenSlots of(Tensor rowIdMap, Tensor padOffsets) {
        int tokens = (int) rowIdMap.dim(0);
        long e = (rowIdMap.dim(1) - 1) / 2;
        long[][] rows = new long[tokens][];
        long[][] experts = new long[tokens][];
        for (int t = 0; t < tokens; t++) {
            int n = (int) Math.max(0, Math.min(e, rowIdMap.getLong(t, 2 * e)));
            rows[t] = new long[n];
            experts[t] = new long[n];
            for (int i = 0; i < n; i++) {
                long ex = rowIdMap.getLong(t, e + i);
                long row = rowIdMap.getLong(t, i);
                if (padOffsets != null && ex >= 0 && ex < padOffsets.numel()) row += padOffsets.getLong(ex);
                rows[t][i] = row;
                experts[t][i] = ex;
            }
        }
        return new TokenSlots(rows, experts);
    }

    int tokens() { return rows.length; }

    long[] rows(int token) { return rows[token]; }

    long[] experts(int token) { return experts[token]; }
}
