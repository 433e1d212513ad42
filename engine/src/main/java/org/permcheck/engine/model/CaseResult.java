package org.permcheck.engine.model;

import java.util.List;

/**
 * The verdict on one case.
 *
 * @param caseId      the case's id
 * @param op          the op's wire name
 * @param rules       rules exercised
 * @param features    feature labels
 * @param status      the verdict
 * @param violations  every rule broken (empty unless FAIL)
 * @param detail      the reason for NOT_SUPPORTED / ERROR / TIMEOUT / CRASH / HARNESS_ERROR, else null
 * @param nanos       time the backend took
 * @param sizeBytes   bytes of the case's inputs (for the time-per-size plot)
 * @param seed        generator seed, or null
 * @param shrunk      for a FAIL found by fuzzing: the minimal counterexample's description, else null
 * @param reproDir    where the repro bundle was written, else null
 */
public record CaseResult(String caseId, String op, List<String> rules, List<String> features, Status status,
                         List<Violation> violations, String detail, long nanos, long sizeBytes, Long seed,
                         String shrunk, String reproDir) {
    public CaseResult {
        rules = List.copyOf(rules);
        features = List.copyOf(features);
        violations = List.copyOf(violations);
    }
}
