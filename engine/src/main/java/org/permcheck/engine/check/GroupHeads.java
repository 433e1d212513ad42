package org.permcheck.engine.check;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

import org.permcheck.oracle.align.GroupMultiset;
import org.permcheck.tensor.Tensor;

/**
 * A group read without its order (K2, V3; R1 at the multiset level): rows {@code [start, start + rows)} of an index
 * output as a {@link GroupMultiset}, and the message naming how two such groups differ (the first entry one lacks,
 * the first the other has to spare); a group of whole rows of two runs compared as a multiset of row keys.
 */
final class GroupHeads {
    private GroupHeads() {}

    static GroupMultiset read(Tensor t, long start, long rows) {
        long[] v = new long[(int) rows];
        for (int i = 0; i < v.length; i++) v[i] = t.getLong(start + i);
        return GroupMultiset.of(v);
    }

    /**
     * The actual side of a mismatch: {@code prefix + "multiset [..]"}, then {@code ", <missingWord>X missing"} for the
     * first entry of {@code want} that {@code got} lacks and {@code ", Y <surplusNote>"} for the first it has to spare.
     */
    static String difference(String prefix, GroupMultiset want, GroupMultiset got, String missingWord, String surplusNote) {
        OptionalLong missing = want.firstSurplusOver(got), extra = got.firstSurplusOver(want);
        return prefix + "multiset " + abbreviated(got) + (missing.isPresent() ? ", " + missingWord + missing.getAsLong() + " missing" : "")
                + (extra.isPresent() ? ", " + extra.getAsLong() + " " + surplusNote : "");
    }

    /**
     * R1 under multiset: the first row of the second run in {@code [start, start + rows)} whose key the first run's
     * rows of that group do not hold as often, or -1; only the rows {@code judged} accepts count, on either run.
     */
    static long firstUnmatched(long start, long rows, LongPredicate judged, LongFunction<String> firstRun, LongFunction<String> secondRun) {
        Map<String, Integer> left = new HashMap<>();
        for (long r = start; r < start + rows; r++) if (judged.test(r)) left.merge(firstRun.apply(r), 1, Integer::sum);
        for (long r = start; r < start + rows; r++) {
            if (!judged.test(r)) continue;
            String k = secondRun.apply(r);
            Integer n = left.get(k);
            if (n == null || n == 0) return r;
            left.put(k, n - 1);
        }
        return -1;
    }

    /** The first entries of a multiset, for a message. */
    static String abbreviated(GroupMultiset g) {
        String s = g.toString();
        return s.length() <= 80 ? s : s.substring(0, 77) + "...]";
    }
}
