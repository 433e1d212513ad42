package org.permcheck.oracle.layout;

/**
 * The routes of a scatter-add (docs/spec.md Q5): token t's slots are the rows r whose token is t, in
 * ascending r, each with its expert. What {@code RowReduction} sums for a combine given a row-to-token
 * map (Megatron's {@code sorted_indices}) instead of TE's token-to-row map (M2-M4).
 */
public final class ScatterRoutes {
    private ScatterRoutes() {}

    /**
     * @param tokenOfRow  the token every row adds to (X18: in [0, numTokens))
     * @param expertOfRow the expert every row weighs with, or null when no weight is read (a plain sum)
     * @param numExperts  E of the weights ({@code probs[T,E]}); 1 for a plain sum
     */
    public static RowIdMap.Routes of(int numTokens, int numExperts, long[] tokenOfRow, int[] expertOfRow) {
        int[] start = new int[numTokens + 1];
        for (long t : tokenOfRow) start[(int) t + 1]++;
        for (int t = 0; t < numTokens; t++) start[t + 1] += start[t];
        int[] fill = java.util.Arrays.copyOf(start, numTokens);
        int[] expert = new int[tokenOfRow.length];
        long[] src = new long[tokenOfRow.length];
        for (int r = 0; r < tokenOfRow.length; r++) { // ascending rows: index_add_'s order
            int k = fill[(int) tokenOfRow[r]]++;
            expert[k] = expertOfRow == null ? 0 : expertOfRow[r];
            src[k] = r;
        }
        return new RowIdMap.Routes(numTokens, numExperts, start, expert, src, tokenOfRow.length);
    }
}
