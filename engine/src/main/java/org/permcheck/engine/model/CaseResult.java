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
 * @param notJudged   for NOT_SUPPORTED: why nothing was judged; null for every other status
 * @param excuse      the reason of the expectations entry that excuses this failure (same status,
 *                    the named rule among its violations), decided once by the runner; null when
 *                    the case is not excused
 */
public record CaseResult(String caseId, String op, List<String> rules, List<String> features, Status status,
                         List<Violation> violations, String detail, long nanos, long sizeBytes, Long seed,
                         String shrunk, String reproDir, NotJudged notJudged, String excuse) {
    public CaseResult {
        rules = List.copyOf(rules);
        features = List.copyOf(features);
        violations = List.copyOf(violations);
        if (status == Status.NOT_SUPPORTED && notJudged == null) notJudged = NotJudged.REFUSED;
        if (status != Status.NOT_SUPPORTED) notJudged = null;
        if (!status.breaksConformance()) excuse = null;
    }

    /** A case result that is neither excused nor (unless NOT_SUPPORTED, then REFUSED) classified. */
    public CaseResult(String caseId, String op, List<String> rules, List<String> features, Status status,
                      List<Violation> violations, String detail, long nanos, long sizeBytes, Long seed,
                      String shrunk, String reproDir) {
        this(caseId, op, rules, features, status, violations, detail, nanos, sizeBytes, seed, shrunk, reproDir, null, null);
    }

    /** True when an expectations entry excuses this failure: it does not break conformance. */
    public boolean excused() { return excuse != null; }

    /** True when the backend's answer was judged against the rules (PASS or FAIL). */
    public boolean judged() { return status == Status.PASS || status == Status.FAIL; }

    public CaseResult withRepro(String dir) {
        return new CaseResult(caseId, op, rules, features, status, violations, detail, nanos, sizeBytes, seed, shrunk, dir, notJudged, excuse);
    }

    public CaseResult withShrunk(String minimal) {
        return new CaseResult(caseId, op, rules, features, status, violations, detail, nanos, sizeBytes, seed, minimal, reproDir, notJudged, excuse);
    }

    public CaseResult withExcuse(String reason) {
        return new CaseResult(caseId, op, rules, features, status, violations, detail, nanos, sizeBytes, seed, shrunk, reproDir, notJudged, reason);
    }
}
