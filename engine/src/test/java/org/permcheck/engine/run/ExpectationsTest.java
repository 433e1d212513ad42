package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.ExpectationMatch;
import org.permcheck.engine.model.NotJudged;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.testbackends.Int64CountsBackend;

/** Expected failures and skips per backend: honoured ones keep the gate green, stale ones break it. */
class ExpectationsTest {
    @TempDir
    Path dir;

    private static final Case DISPATCH = Tier.caseById("quick/edge/dispatch-uniform-f32").orElseThrow();
    private static final Case COMBINE = Tier.caseById("quick/edge/combine-plain").orElseThrow();

    private Expectations write(String json) throws Exception {
        Path f = dir.resolve("cpu.json");
        Files.writeString(f, json);
        return Expectations.load(f);
    }

    private static RunResult run(BackendFactory f, Expectations e, Case... cases) {
        try (Runner r = new Runner(f, RunOptions.defaults().withExpectations(e))) {
            return r.run(List.of(cases));
        }
    }

    @Test
    void anHonouredExpectedFailureKeepsTheGateGreen() throws Exception {
        Expectations e = write("{\"backend\":\"int64\",\"expected_failures\":[{\"case\":\"quick/edge/dispatch-*\",\"rule\":\"N1\","
                + "\"reason\":\"counts are int64 (issue 12)\"}]}");
        RunResult r = run(Int64CountsBackend::new, e, DISPATCH, COMBINE);
        assertEquals(Status.FAIL, r.results().get(0).status());
        assertEquals("counts are int64 (issue 12)", r.results().get(0).excuse());
        assertEquals(List.of(), r.expectationProblems());
        assertTrue(r.conformant());
    }

    @Test
    void anExpectedFailureThatPassesBreaksTheGate() throws Exception {
        Expectations e = write("{\"expected_failures\":[{\"case\":\"quick/edge/combine-plain\",\"reason\":\"was broken\"}]}");
        RunResult r = run(Int64CountsBackend::new, e, COMBINE);
        assertEquals(Status.PASS, r.results().get(0).status());
        assertEquals(1, r.expectationProblems().size());
        assertTrue(r.expectationProblems().get(0).contains("now passes"));
        assertFalse(r.conformant());
    }

    @Test
    void anEntryThatMatchesNothingBreaksTheGate() throws Exception {
        Expectations e = write("{\"skips\":[{\"case\":\"quick/edge/no-such-case\",\"reason\":\"typo\"}]}");
        RunResult r = run(Int64CountsBackend::new, e, COMBINE);
        assertTrue(r.expectationProblems().get(0).contains("matches no case"), r.expectationProblems().toString());
        assertFalse(r.conformant());
    }

    @Test
    void aFailureOfAnotherRuleThanExpectedIsAProblem() throws Exception {
        Expectations e = write("{\"expected_failures\":[{\"case\":\"quick/edge/dispatch-uniform-f32\",\"rule\":\"D2\",\"reason\":\"x\"}]}");
        RunResult r = run(Int64CountsBackend::new, e, DISPATCH);
        assertTrue(r.expectationProblems().get(0).contains("of rule D2 but got FAIL"), r.expectationProblems().toString());
        assertFalse(r.conformant());
    }

    @Test
    void skippedCasesAreNeverRunAndReportedNotSupported() throws Exception {
        Expectations e = write("{\"skips\":[{\"case\":\"quick/edge/dispatch-uniform-f32\",\"reason\":\"hangs the driver\"}]}");
        RunResult r = run(() -> { throw new AssertionError("backend must not even be made for a skipped case"); }, e, DISPATCH);
        assertEquals(Status.NOT_SUPPORTED, r.results().get(0).status());
        assertEquals("skipped by expectations: hangs the driver", r.results().get(0).detail());
        // the only case was skipped: nothing was judged, which is not conformant
        assertEquals(org.permcheck.engine.model.RunVerdict.NOTHING_JUDGED, r.verdict());
    }

    @Test
    void malformedFilesGiveOneLineErrors() throws Exception {
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> write("{\"skips\":[{\"case\":\"x\"}]}"));
        assertTrue(a.getMessage().contains("skips[0]: missing 'reason'"), a.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> write("{not json"));
        assertTrue(b.getMessage().contains("not valid JSON"), b.getMessage());
        assertFalse(b.getMessage().contains("\n"));
    }

    private static RunResult runShard(BackendFactory f, Expectations e, Shard shard, Case... cases) {
        try (Runner r = new Runner(f, RunOptions.defaults().withExpectations(e).withShard(shard))) {
            return r.run(List.of(cases));
        }
    }

    @Test
    void underShardsAnEntryMatchingNothingHereIsRecordedNotAProblem() throws Exception {
        // the first entry excuses DISPATCH's int64 counts; the second is COMBINE's, which this shard does not hold
        Expectations e = write("{\"expected_failures\":[{\"case\":\"quick/edge/dispatch-*\",\"rule\":\"N1\",\"reason\":\"int64 counts\"}],"
                + "\"skips\":[{\"case\":\"quick/edge/combine-plain\",\"reason\":\"in the other shard\"}]}");
        RunResult shard = runShard(Int64CountsBackend::new, e, new Shard(0, 2), DISPATCH);
        assertEquals(List.of(), shard.expectationProblems());
        assertTrue(shard.conformant(), shard.verdictReasons().toString());
        assertEquals(List.of(new ExpectationMatch(ExpectationMatch.EXPECTED_FAILURES, "quick/edge/dispatch-*", 1),
                new ExpectationMatch(ExpectationMatch.SKIPS, "quick/edge/combine-plain", 0)), shard.expectationMatches());
        assertEquals("0/2", shard.info().shard());
        // the same cases unsharded: today's rule, the skip matching nothing is stale
        RunResult whole = run(Int64CountsBackend::new, e, DISPATCH);
        assertEquals(List.of("expectation matches no case of this run: 'quick/edge/combine-plain'"), whole.expectationProblems());
        assertFalse(whole.conformant());
    }

    @Test
    void aViolatedExpectedFailureStaysAProblemOfItsShard() throws Exception {
        Expectations e = write("{\"expected_failures\":[{\"case\":\"quick/edge/combine-plain\",\"reason\":\"was broken\"}]}");
        RunResult shard = runShard(Int64CountsBackend::new, e, new Shard(1, 2), COMBINE);
        assertEquals(1, shard.expectationProblems().size());
        assertTrue(shard.expectationProblems().get(0).contains("now passes"), shard.expectationProblems().toString());
        assertFalse(shard.conformant());
    }

    @Test
    void aCaseCountsForEverySkipAndAClassEntryCountsOnlyWhatItExcused() throws Exception {
        Expectations e = write("{\"expected_failures\":[{\"case\":\"quick/edge/*\",\"reason\":\"a\"},{\"case\":\"quick/edge/dispatch-*\",\"reason\":\"b\"}],"
                + "\"skips\":[{\"case\":\"quick/edge/*\",\"reason\":\"c\"},{\"case\":\"quick/edge/combine-*\",\"reason\":\"d\"}]}");
        CaseResult d = new CaseResult(DISPATCH.id(), "token_dispatch", List.of(), List.of(), Status.NOT_SUPPORTED, List.of(), null, 0, 0,
                null, null, null, NotJudged.SKIPPED, null);
        CaseResult c = new CaseResult(COMBINE.id(), "token_combine", List.of(), List.of(), Status.NOT_SUPPORTED, List.of(), null, 0, 0,
                null, null, null, NotJudged.SKIPPED, null);
        // by hand: the two expected failures are classes (wildcards) and excuse no failure (both cases were skipped);
        // both cases skip 'quick/edge/*'; only COMBINE the skip 'quick/edge/combine-*'
        assertEquals(List.of(0L, 0L, 2L, 1L), e.matches(List.of(d, c)).stream().map(ExpectationMatch::cases).toList());
        List<String> stale = Expectations.stale(e.matches(List.of(d, c)));
        assertEquals(2, stale.size(), stale.toString());
        assertTrue(stale.get(0).startsWith("expectation matches no case of this run: 'quick/edge/*' (a class of failures"), stale.get(0));
    }

    @Test
    void aClassEntryByOpExcusesEveryFailureOfTheOpAndPassesAreFine() throws Exception {
        // Int64CountsBackend fails N1 on every dispatch (int64 counts) and passes the combine
        Expectations e = write("{\"expected_failures\":[{\"op\":\"token_dispatch\",\"rule\":\"N1\",\"reason\":\"int64 counts\"},"
                + "{\"op\":\"token_combine\",\"reason\":\"combine was broken once\"}]}");
        RunResult r = run(Int64CountsBackend::new, e, DISPATCH, COMBINE);
        assertEquals(Status.FAIL, r.results().get(0).status());
        assertEquals("int64 counts", r.results().get(0).excuse());
        assertEquals(Status.PASS, r.results().get(1).status());
        // the combine class excused nothing: stale, and it says why; the passing combine itself is no problem
        assertEquals(List.of("expectation matches no case of this run: 'op=token_combine' (a class of failures: none of the run's failures is one)"),
                r.expectationProblems());
        assertEquals(new ExpectationMatch(ExpectationMatch.EXPECTED_FAILURES, "op=token_dispatch rule=N1", 1), r.expectationMatches().get(0));
    }

    @Test
    void aClassEntryOfAnotherRuleExcusesNothing() throws Exception {
        Expectations e = write("{\"expected_failures\":[{\"case\":\"quick/edge/*-f32\",\"rule\":\"D2\",\"reason\":\"x\"}]}");
        RunResult r = run(Int64CountsBackend::new, e, DISPATCH);
        assertEquals(Status.FAIL, r.results().get(0).status());
        assertEquals(null, r.results().get(0).excuse());
        assertFalse(r.conformant());
    }

    @Test
    void skipsSelectByOpAndByTheRulesACaseExercises() throws Exception {
        // DISPATCH exercises N1 (its declared rules); COMBINE does not
        assertTrue(DISPATCH.rules().contains("N1") && !COMBINE.rules().contains("N1"), DISPATCH.rules() + " " + COMBINE.rules());
        Expectations byRule = write("{\"skips\":[{\"rule\":\"N1\",\"reason\":\"no counts output\"}]}");
        RunResult r = run(Int64CountsBackend::new, byRule, DISPATCH, COMBINE);
        assertEquals(NotJudged.SKIPPED, r.results().get(0).notJudged());
        assertEquals(Status.PASS, r.results().get(1).status());
        Expectations byOp = write("{\"skips\":[{\"op\":\"token_combine\",\"reason\":\"not yet\"}]}");
        RunResult o = run(Int64CountsBackend::new, byOp, DISPATCH, COMBINE);
        assertEquals(Status.FAIL, o.results().get(0).status());
        assertEquals(NotJudged.SKIPPED, o.results().get(1).notJudged());
    }

    @Test
    void entriesNamingUnknownOpsOrRulesOrNothingAreRefused() throws Exception {
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> write("{\"skips\":[{\"op\":\"token_permute\",\"reason\":\"x\"}]}"));
        assertTrue(a.getMessage().endsWith("skips[0]: unknown op 'token_permute'"), a.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> write("{\"expected_failures\":[{\"rule\":\"Q99\",\"reason\":\"x\"}]}"));
        assertTrue(b.getMessage().contains("unknown rule 'Q99'"), b.getMessage());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> write("{\"skips\":[{\"reason\":\"x\"}]}"));
        assertTrue(c.getMessage().contains("missing 'case' (or 'op' or 'rule'"), c.getMessage());
    }
}
