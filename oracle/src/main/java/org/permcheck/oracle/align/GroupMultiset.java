package org.permcheck.oracle.align;

import java.util.Arrays;

/**
 * The entries of one expert's group as a multiset (docs/spec.md K2): what a group is when the order inside it
 * is unspecified ({@code GroupOrder.MULTISET}). Two groups are equal when they hold the same entries the same
 * number of times, in whatever order.
 */
public final class GroupMultiset {
    /** The entries, sorted ascending: the canonical form of the multiset. */
    private final long[] sorted;

    private GroupMultiset(long[] sorted) { this.sorted = sorted; }

    /** The multiset of {@code entries} (the array is not kept). */
    public static GroupMultiset of(long... entries) {
        long[] s = entries.clone();
        Arrays.sort(s);
        return new GroupMultiset(s);
    }

    public int size() { return sorted.length; }

    /** How many times {@code value} occurs. */
    public int occurrences(long value) {
        int i = Arrays.binarySearch(sorted, value);
        if (i < 0) return 0;
        int lo = i, hi = i;
        while (lo > 0 && sorted[lo - 1] == value) lo--;
        while (hi + 1 < sorted.length && sorted[hi + 1] == value) hi++;
        return hi - lo + 1;
    }

    /** The smallest entry this multiset holds more often than {@code other} does, or empty when none. */
    public java.util.OptionalLong firstSurplusOver(GroupMultiset other) {
        for (long v : sorted) if (occurrences(v) > other.occurrences(v)) return java.util.OptionalLong.of(v);
        return java.util.OptionalLong.empty();
    }

    @Override
    public boolean equals(Object o) { return o instanceof GroupMultiset g && Arrays.equals(sorted, g.sorted); }

    @Override
    public int hashCode() { return Arrays.hashCode(sorted); }

    @Override
    public String toString() { return Arrays.toString(sorted); }
}
