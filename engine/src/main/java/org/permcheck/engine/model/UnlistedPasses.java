package org.permcheck.engine.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * Passing cases that a run counted but did not keep one by one. A fuzzing campaign checks millions
 * of cases; holding and printing a CaseResult for each would exhaust memory and write reports of
 * gigabytes, so past a limit its passes are tallied here (per rule and per feature) while every
 * non-passing case is still listed in full.
 *
 * @param cases    how many passing cases were not listed
 * @param perRule  rule id -> passing cases that exercised it
 * @param features feature label -> passing cases that carried it (generator coverage)
 */
public record UnlistedPasses(long cases, Map<String, Long> perRule, Map<String, Long> features) {
    public static final UnlistedPasses NONE = new UnlistedPasses(0, Map.of(), Map.of());

    public UnlistedPasses {
        perRule = Map.copyOf(perRule);
        features = Map.copyOf(features);
    }

    /** A mutable tally, filled case by case. */
    public static final class Tally {
        private long cases;
        private final Map<String, Long> perRule = new TreeMap<>();
        private final Map<String, Long> features = new TreeMap<>();

        public void add(CaseResult r) {
            if (r.status() != Status.PASS) throw new IllegalArgumentException("only passing cases are tallied: " + r.caseId());
            cases++;
            for (String rule : r.rules()) perRule.merge(rule, 1L, Long::sum);
            for (String f : r.features()) features.merge(f, 1L, Long::sum);
        }

        public UnlistedPasses done() {
            return cases == 0 ? NONE : new UnlistedPasses(cases, perRule, features);
        }
    }
}
