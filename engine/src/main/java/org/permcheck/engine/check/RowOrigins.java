package org.permcheck.engine.check;

import java.util.Arrays;

import org.permcheck.tensor.Tensor;

/**
 * Which (token, expert) each row of a permuted buffer holds, read from the valid slots of a
 * mask-family row_id_map (M2-M4: columns [0,n) rows, [E,E+n) experts, 2E = n) plus
 * pad_offsets when padded. Used to name the token and expert of a mismatching row. Rows that no
 * (token, expert) targets (padding, tail) have token -1.
 */
public final class RowOrigins {
    private final long[] token;
    private final long[] expert;

    private RowOrigins(long[] token, long[] expert) {
        this.token = token;
        this.expert = expert;
    }

    /** No knowledge: every row unknown. */
    public static RowOrigins unknown() { return new RowOrigins(new long[0], new long[0]); }

    /**
     * @param rowIdMap   int[T, 2E+1] (trusted: the oracle's, or an input the generator built)
     * @param padOffsets int[E] or null
     * @param rows       rows of the permuted buffer
     */
    public static RowOrigins of(Tensor rowIdMap, Tensor padOffsets, long rows) {
        if (rowIdMap == null || rowIdMap.rank() != 2 || rowIdMap.dim(1) % 2 != 1 || rows > Integer.MAX_VALUE) return unknown();
        long t = rowIdMap.dim(0);
        int e = (int) ((rowIdMap.dim(1) - 1) / 2);
        long[] token = new long[(int) rows];
        long[] expert = new long[(int) rows];
        Arrays.fill(token, -1);
        Arrays.fill(expert, -1);
        for (long tok = 0; tok < t; tok++) {
            long n = rowIdMap.getLong(tok, 2L * e);
            for (long i = 0; i < n && i < e; i++) {
                long ex = rowIdMap.getLong(tok, e + i);
                long row = rowIdMap.getLong(tok, i);
                if (ex < 0 || ex >= e) continue;
                if (padOffsets != null && ex < padOffsets.numel()) row += padOffsets.getLong(ex);
                if (row >= 0 && row < rows) {
                    token[(int) row] = tok;
                    expert[(int) row] = ex;
                }
            }
        }
        return new RowOrigins(token, expert);
    }

    public long token(long row) { return row >= 0 && row < token.length ? token[(int) row] : -1; }

    public long expert(long row) { return row >= 0 && row < expert.length ? expert[(int) row] : -1; }

    /** True when some (token, expert) pair lands on this row. */
    public boolean holdsToken(long row) { return token(row) >= 0; }

    public boolean known() { return token.length > 0; }
}
