package org.permcheck.engine.model;

import java.util.List;
import java.util.Map;

/**
 * Everything one run produced; the input of every report writer.
 *
 * @param info      run information
 * @param results   one entry per case, in execution order
 * @param coverage  feature label -> number of cases that exercised it (generator statistics)
 * @param verdict   the run's verdict (decided by org.permcheck.engine.run.Conformance, nowhere else)
 * @param verdictReasons why the verdict is not CONFORMANT, one line each (empty when it is)
 * @param expectationProblems stale or violated expectations (an expected failure that passed, an
 *                   entry that matched nothing); each one breaks conformance
 * @param unlisted  passing cases counted but not listed in {@code results} (long fuzz campaigns)
 * @param expectationMatches per entry of the expectations file, in its order: how many cases of
 *                   this run it matched (a shard's entries are judged stale only on the merged result)
 */
public record RunResult(RunInfo info, List<CaseResult> results, Map<String, Long> coverage, RunVerdict verdict,
                        List<String> verdictReasons, List<String> expectationProblems, UnlistedPasses unlisted,
                        List<ExpectationMatch> expectationMatches) {
    public RunResult {
        results = List.copyOf(results);
        coverage = Map.copyOf(coverage);
        verdictReasons = List.copyOf(verdictReasons);
        expectationProblems = List.copyOf(expectationProblems);
        if (unlisted == null) unlisted = UnlistedPasses.NONE;
        expectationMatches = expectationMatches == null ? List.of() : List.copyOf(expectationMatches);
    }

    /** A run without an expectations file (or whose entries' matches were not recorded). */
    public RunResult(RunInfo info, List<CaseResult> results, Map<String, Long> coverage, RunVerdict verdict,
                     List<String> verdictReasons, List<String> expectationProblems, UnlistedPasses unlisted) {
        this(info, results, coverage, verdict, verdictReasons, expectationProblems, unlisted, List.of());
    }

    /** A run with a plain yes/no verdict (report fixtures). */
    public RunResult(RunInfo info, List<CaseResult> results, Map<String, Long> coverage, boolean conformant,
                     List<String> expectationProblems, UnlistedPasses unlisted) {
        this(info, results, coverage, conformant ? RunVerdict.CONFORMANT : RunVerdict.NOT_CONFORMANT, List.of(), expectationProblems, unlisted);
    }

    /** A run that listed every case, with a plain yes/no verdict (report fixtures). */
    public RunResult(RunInfo info, List<CaseResult> results, Map<String, Long> coverage, boolean conformant,
                     List<String> expectationProblems) {
        this(info, results, coverage, conformant, expectationProblems, UnlistedPasses.NONE);
    }

    /** True only for the CONFORMANT verdict. */
    public boolean conformant() { return verdict == RunVerdict.CONFORMANT; }

    /** The robustness tier's summary (precondition probes), derived from the results. */
    public Robustness robustness() { return Robustness.of(results); }

    /**
     * The line reports print when probes ran: "CONFORMANT on valid inputs (2110/2110); UNSAFE on
     * precondition probes: 3 of 40 (B2 on X3: 3)"; null when no probe ran.
     */
    public String robustnessLine() {
        Robustness r = robustness();
        if (!r.ran()) return null;
        long valid = unlisted.cases(), passed = unlisted.cases();
        for (CaseResult c : results) {
            if (Robustness.isProbe(c.caseId())) continue;
            valid++;
            if (c.status() == Status.PASS) passed++;
        }
        String head = valid == 0 ? "no valid input run" : verdict.label() + " on valid inputs (" + passed + "/" + valid + ")";
        return head + "; " + r.line();
    }

    /**
     * The verdict as the head of a report says it: the verdict's label, with the probes' finding beside
     * it when they failed, so that no report headed CONFORMANT hides an UNSAFE run (exit 5); a run of
     * probes alone is headed by the probes' finding, since no valid input was judged.
     */
    public String headline() {
        Robustness r = robustness();
        if (!r.ran()) return verdict.label();
        boolean validRan = unlisted.cases() > 0 || results.stream().anyMatch(c -> !Robustness.isProbe(c.caseId()));
        if (verdict == RunVerdict.CONFORMANT && !validRan) return r.isUnsafe() ? "UNSAFE on precondition probes" : "SAFE on precondition probes (no valid input run)";
        return r.isUnsafe() ? verdict.label() + ", UNSAFE on precondition probes" : verdict.label();
    }

    /** Exit code 5: conformant on valid inputs but unsafe on precondition probes (docs/cli.md). */
    public static final int UNSAFE_EXIT = 5;

    /**
     * The process exit code of run, fuzz and replay: the verdict's ({@link RunVerdict#exitCode()}),
     * except {@link #UNSAFE_EXIT} for a CONFORMANT run that failed a precondition probe.
     */
    public int exitCode() {
        return verdict == RunVerdict.CONFORMANT && robustness().isUnsafe() ? UNSAFE_EXIT : verdict.exitCode();
    }

    /** Every case of the run, listed or not. */
    public long totalCases() { return results.size() + unlisted.cases(); }

    /** The same run with another run info (the CLI adds the command line and backend details). */
    public RunResult withInfo(RunInfo newInfo) {
        return new RunResult(newInfo, results, coverage, verdict, verdictReasons, expectationProblems, unlisted, expectationMatches);
    }
}
