package org.permcheck.oracle.teindex;

import org.permcheck.tensor.Tensor;

/**
 * T1 of docs/spec.md: the flat slots {@code j = t*K+k} of an index-map {@code indices[T,K]}, sorted stably by
 * their expert id read as an unsigned 32-bit key, ties by j. -1 (0xFFFFFFFF) and every negative id sort after
 * every non-negative one. There is no E: an id is never bounded; the same id twice in a row is two slots.
 */
public final class SortedSlots {
    private final int tokens;
    private final int topK;
    private final int[] slotAt; // slotAt[p] = the flat slot j at sorted position p
    private final int[] positionOf; // positionOf[j] = p

    private SortedSlots(int tokens, int topK, int[] slotAt) {
        this.tokens = tokens;
        this.topK = topK;
        this.slotAt = slotAt;
        this.positionOf = new int[slotAt.length];
        for (int p = 0; p < slotAt.length; p++) positionOf[slotAt[p]] = p;
    }

    /** T1: ascending unsigned key, ties by ascending slot j. */
    public static SortedSlots of(Tensor indices) {
        int tokens = (int) indices.dim(0), topK = (int) indices.dim(1);
        int n = tokens * topK;
        long[] key = new long[n];
        for (int j = 0; j < n; j++) key[j] = unsignedKey(indices.getLong(j));
        // stable: equal keys keep ascending j
        int[] slotAt = new int[n];
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) order[j] = j;
        java.util.Arrays.sort(order, (a, b) -> key[a] != key[b] ? Long.compare(key[a], key[b]) : Integer.compare(a, b));
        for (int p = 0; p < n; p++) slotAt[p] = order[p];
        return new SortedSlots(tokens, topK, slotAt);
    }

    /** T1: the id as the sort reads it, its 32 bits unsigned (-1 is 2^32 - 1, the largest key). */
    public static long unsignedKey(long id) { return id & 0xffffffffL; }

    public int tokens() { return tokens; }

    public int topK() { return topK; }

    /** T*K. */
    public int slots() { return slotAt.length; }

    /** The flat slot {@code t*K+k} at sorted position p. */
    public int slotAt(int p) { return slotAt[p]; }

    /** The token of the slot at sorted position p. */
    public int tokenAt(int p) { return slotAt[p] / topK; }

    /** The sorted position of slot {@code (t, k)}. */
    public int positionOf(int t, int k) { return positionOf[t * topK + k]; }
}
