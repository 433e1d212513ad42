package org.permcheck.oracle.chunks;

import org.permcheck.contract.Preconditions;
import org.permcheck.contract.Rule;

/** S1: the chunk-sort map, written as TE's {@code _make_chunk_sort_map_kernel} states it (TE 3.4). */
public final class ChunkSortMap {
    private ChunkSortMap() {}

    /** X7 on (split_sizes, sorted_indices, num_tokens). */
    public static void requireChunks(long[] split, long[] sortedIndices, long numTokens) {
        if (split.length == 0) throw Preconditions.violation(Rule.X7, "split_sizes must not be empty");
        if (split.length != sortedIndices.length) {
            throw Preconditions.violation(Rule.X7, "split_sizes has " + split.length + " entries but sorted_indices has " + sortedIndices.length);
        }
        long total = 0;
        for (int j = 0; j < split.length; j++) {
            if (split[j] < 0) throw Preconditions.violation(Rule.X7, "split_sizes[" + j + "] = " + split[j] + " is negative");
            total += split[j];
        }
        if (total > numTokens) {
            throw Preconditions.violation(Rule.X7, "sum(split_sizes) = " + total + " exceeds the " + numTokens + " rows of the input");
        }
        boolean[] seen = new boolean[split.length];
        for (int p = 0; p < sortedIndices.length; p++) {
            long c = sortedIndices[p];
            if (c < 0 || c >= split.length || seen[(int) c]) {
                throw Preconditions.violation(Rule.X7, "sorted_indices is not a permutation of [0," + split.length + "): entry " + p + " = " + c);
            }
            seen[(int) c] = true;
        }
    }

    /** S1: map[i] for every input row i in [0, numTokens); rows past sum(split) map to themselves. */
    public static long[] of(long[] split, long[] sortedIndices, long numTokens) {
        requireChunks(split, sortedIndices, numTokens);
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

    /** X7 for a map that is an input (backward): a permutation of [0, n). */
    public static void requirePermutation(String name, long[] map) {
        boolean[] seen = new boolean[map.length];
        for (int i = 0; i < map.length; i++) {
            long v = map[i];
            if (v < 0 || v >= map.length || seen[(int) v]) {
                throw Preconditions.violation(Rule.X7, name + " is not a permutation of [0," + map.length + "): entry " + i + " = " + v);
            }
            seen[(int) v] = true;
        }
    }
}
