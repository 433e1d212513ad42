package org.permcheck.oracle.megatron;

import org.permcheck.oracle.layout.AssignmentTable;

/**
 * The rows of a Megatron permute (docs/spec.md Q1, Q3), a view of the assignment table (D1): the
 * token and the expert of every row; {@code token[r] = -1} marks a row the contract leaves unspecified.
 */
public record PermutedRows(long[] token, int[] expert) {

    /**
     * Q1 (dropless): rows in (expert, token) order, row {@code dst(t,e)} holds token t of expert e;
     * rows {@code [N_used, N)} are unspecified (X15 makes N at least N_used).
     */
    public static PermutedRows dropless(AssignmentTable table, long rows) {
        long[] token = new long[(int) rows];
        int[] expert = new int[(int) rows];
        java.util.Arrays.fill(token, -1);
        java.util.Arrays.fill(expert, -1);
        for (int t = 0; t < table.numTokens(); t++) {
            for (int e = 0; e < table.numExperts(); e++) {
                if (!table.routed(t, e)) continue;
                token[(int) table.dst(t, e)] = t;
                expert[(int) table.dst(t, e)] = e;
            }
        }
        return new PermutedRows(token, expert);
    }

    /**
     * Q3 (drop_and_pad): expert e owns rows {@code [e*C, (e+1)*C)}: its kept tokens (Q4) in ascending
     * token order, then, while rows are left, the lowest tokens it did not keep (Megatron's stable
     * argsort of the expert's routing column puts them next; X16 makes C at most T, so they suffice).
     */
    public static PermutedRows capacity(AssignmentTable table, boolean[] kept, int capacity) {
        int ne = table.numExperts(), nt = table.numTokens();
        long[] token = new long[ne * capacity];
        int[] expert = new int[ne * capacity];
        for (int e = 0; e < ne; e++) {
            int r = e * capacity;
            for (int t = 0; t < nt && r < (e + 1) * capacity; t++) if (kept[t * ne + e]) token[r++] = t;
            for (int t = 0; t < nt && r < (e + 1) * capacity; t++) if (!kept[t * ne + e]) token[r++] = t;
            for (int i = e * capacity; i < (e + 1) * capacity; i++) expert[i] = e;
        }
        return new PermutedRows(token, expert);
    }

    public int rows() { return token.length; }

    public boolean specified(int r) { return token[r] >= 0; }
}
