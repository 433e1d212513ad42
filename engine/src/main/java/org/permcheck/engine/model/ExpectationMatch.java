package org.permcheck.engine.model;

/**
 * How many cases of a run one expectation entry matched (docs/checks.md section 5). A shard of a
 * sharded run records these instead of calling an entry stale: another shard may hold its cases,
 * and only the merged result ({@code permcheck report merge}) knows whether the entry matched
 * nothing at all.
 *
 * @param list    which list of the expectations file holds the entry: {@link #EXPECTED_FAILURES} or {@link #SKIPS}
 * @param pattern the entry's case pattern as written in the file
 * @param cases   the cases of this run it matched (0: stale, when this run is the whole run)
 */
public record ExpectationMatch(String list, String pattern, long cases) {
    /** The list names, as the expectations file spells them (docs/expectations.md). */
    public static final String EXPECTED_FAILURES = "expected_failures", SKIPS = "skips";

    public ExpectationMatch {
        if (!EXPECTED_FAILURES.equals(list) && !SKIPS.equals(list)) throw new IllegalArgumentException("unknown expectation list '" + list + "'");
        if (cases < 0) throw new IllegalArgumentException("negative match count for '" + pattern + "'");
    }

    /** The same entry matched by {@code more} cases besides (the shards of one run, added up). */
    public ExpectationMatch plus(long more) { return new ExpectationMatch(list, pattern, cases + more); }

    /** True when {@code other} is the same entry of the same file. */
    public boolean sameEntry(ExpectationMatch other) { return list.equals(other.list) && pattern.equals(other.pattern); }
}
