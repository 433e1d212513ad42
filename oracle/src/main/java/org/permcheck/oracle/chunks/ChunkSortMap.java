package org.permcheck.oracle.chunks;

/**
 * S1: the chunk-sort map, written as TE's {@code _make_chunk_sort_map_kernel} states it (TE 3.4), over
 * sizes and an order the model's {@code CallPreconditions} has checked (X7).
 */
public final class ChunkSortMap {
    private ChunkSortMap() {}

    /** S1: map[i] for every input row i in [0, numTokens); rows past sum(split) map to themselves. */
    public static long[] of(long[] split, long[] sortedIndices, long numTokens) {
        int s = split.length;
        long[] cs = new long[s]; // inclusive cumsum
        for (int j = 0; j < s; j++) cs[j] = (j == 0 ? 0 : cs[j - 1]) + split[j];
        long total = cs[s - 1];
        long[] map = new long[(int) numTokens];
        for (int i = 0; i < numTokens; i++) {
            if (i >= total) { // tail rows stay in place
                map[i] = i;
                continue;
            }
            int c = 0; // c = #{ j : cs[j] <= i }: the input chunk of row i (empty chunks skipped)
            for (int j = 0; j < s; j++) if (cs[j] <= i) c++;
            long off = i - (c == 0 ? 0 : cs[c - 1]);
            int p = 0; // the output position of chunk c
            while (sortedIndices[p] != c) p++;
            long dst = off;
            for (int q = 0; q < p; q++) dst += split[(int) sortedIndices[q]];
            map[i] = dst;
        }
        return map;
    }
}
