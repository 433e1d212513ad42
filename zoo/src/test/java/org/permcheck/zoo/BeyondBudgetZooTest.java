package org.permcheck.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.permcheck.engine.check.Relations;
import org.permcheck.engine.fuzz.CaseFeatures;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.run.BackendFactory;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Verdict;

/**
 * Mutants beyond the oracle's budget (issue 11, docs/mutants.md "Beyond the oracle's budget"): bugs that show only
 * past T = 32768, so that neither the quick tier, nor the small fuzz, nor the zoo's extra cases (all T <= 256) see
 * them, and only the hunt's xl stage kills them, with the oracle not run and the FAIL citing the relations R3/R4
 * (docs/checks.md section 2a). And the converse: mutants the oracle already kills die by the relations alone on an
 * xl case, so the xl stage is a judge in its own right, not only for the bugs planted for it.
 */
class BeyondBudgetZooTest {

    private static final KillSearch.Budget BUDGET = KillSearch.Budget.standard();

    static final List<Bug> BEYOND_BUDGET = List.of(Bug.DISPATCH_TOKEN_ID_UINT16, Bug.DISPATCH_TAIL_BLOCKS_UNLAUNCHED,
            Bug.CBWD_DROPS_TOKENS_PAST_32768);

    /**
     * The hunt reaches the xl stage only when every vector, quick-tier case and fuzz case passed (the stage order), so a
     * kill at stage "xl" after all of them is the proof that they do not kill it; the zoo's extra cases, which run after
     * the xl stage, are hunted separately (without the xl stage) and must not kill it either.
     */
    @TestFactory
    Stream<DynamicTest> beyondBudgetMutantsDieOnlyInTheXlStageByTheRelations() {
        return BEYOND_BUDGET.stream().map(b -> DynamicTest.dynamicTest(b.id, () -> {
            BackendFactory f = () -> new PlantedCpuBackend(b);
            KillSearch.Kill k = KillSearch.hunt(f, BUDGET);
            assertEquals("xl", k.stage(), b.id + ": killed at " + k.stage() + " (" + k.caseId() + "): " + k.message());
            assertEquals(Status.FAIL, k.status(), b.id + ": " + k.message());
            int before = KillSearch.quickCount(BUDGET) + BUDGET.fuzzCases();
            assertTrue(k.cases() > before, b.id + ": the xl stage started after " + k.cases() + " cases, not after the whole quick tier and "
                    + BUDGET.fuzzCases() + " fuzz cases (" + before + ")");
            assertTrue(k.rules().stream().allMatch(r -> r.equals("R3") || r.equals("R4")), b.id + ": the FAIL cites " + k.rules() + ", not R3/R4 only");
            assertTrue(k.found().tokens() > 32768, b.id + ": killed at T = " + k.found().tokens());
            assertEquals("xl", k.found().sizeClass());

            KillSearch.Kill noXl = KillSearch.hunt(f, BUDGET.withoutXl());
            assertEquals("survived", noXl.stage(), b.id + " is killed without the xl stage: " + noXl.stage() + " at " + noXl.caseId()
                    + ": " + noXl.message());
        }));
    }

    /** The killing verdict itself: an xl case, labelled oracle-not-run, whose detail says the oracle was not run. */
    @TestFactory
    Stream<DynamicTest> theXlKillIsJudgedWithoutTheOracle() {
        return BEYOND_BUDGET.stream().map(b -> DynamicTest.dynamicTest(b.id, () -> {
            Verdict v = firstFailingXlCase(() -> new PlantedCpuBackend(b));
            assertEquals(Status.FAIL, v.result().status(), b.id + " survived every xl case");
            assertTrue(v.testCase().features().contains(CaseFeatures.ORACLE_NOT_RUN), b.id + ": " + v.testCase().features());
            assertTrue(v.result().detail() != null && v.result().detail().startsWith(Relations.ORACLE_NOT_RUN), b.id + ": " + v.result().detail());
        }));
    }

    /**
     * Old mutants, killed by the oracle on small cases, also die by R3/R4 alone on an xl case (task 3 of issue 11): a
     * dispatch order bug (R4: the relabelled or shuffled answer's groups disagree with the first; R3: the rows no longer
     * match row_id_map, so the backward is not the adjoint), a combine weight bug and an unscaled combine backward (R3:
     * the forward and backward disagree on the pairing).
     */
    @TestFactory
    Stream<DynamicTest> oldMutantsDieByTheRelationsOnAnXlCase() {
        return Stream.of(Bug.DESCENDING_IN_EXPERT, Bug.COMBINE_PROB_BY_SLOT, Bug.CBWD_NO_PROB_SCALE).map(b -> DynamicTest.dynamicTest(b.id, () -> {
            Verdict v = firstFailingXlCase(() -> new PlantedCpuBackend(b));
            assertEquals(Status.FAIL, v.result().status(), b.id + " survived every xl case");
            assertTrue(v.result().detail().startsWith(Relations.ORACLE_NOT_RUN), b.id + ": " + v.result().detail());
            List<String> rules = KillSearch.rules(v);
            assertTrue(rules.contains("R3") || rules.contains("R4"), b.id + ": the FAIL cites " + rules + ", not R3 or R4");
        }));
    }

    /** No false alarm: the clean planted backend and the engine's CPU backend pass every xl case, judged by the relations. */
    @Test
    void cleanBackendsPassEveryXlCase() {
        for (Mutant control : List.of(Controls.cleanCpu(), Controls.engineCpu())) {
            try (Runner runner = new Runner(control.factory(), options())) {
                for (int i = 0; i < BUDGET.xlCases(); i++) {
                    Verdict v = runner.judge(KillSearch.xlCase(i));
                    assertEquals(Status.PASS, v.result().status(), control.id() + " at " + v.testCase().id() + ": " + v.result().violations());
                    assertTrue(v.result().detail().startsWith(Relations.ORACLE_NOT_RUN), v.result().detail());
                }
            }
        }
    }

    /** No false alarm through the protocol: the numpy example port passes every xl case (the kill matrix hunts it with the xl stage). */
    @Test
    void numpyPortPassesEveryXlCase() {
        org.junit.jupiter.api.Assumptions.assumeTrue(MutantZooTest.hasNumpy(), "python3 with numpy is not available");
        try (Runner runner = new Runner(Controls.numpyPort().factory(), options())) {
            for (int i = 0; i < BUDGET.xlCases(); i++) {
                Verdict v = runner.judge(KillSearch.xlCase(i));
                assertEquals(Status.PASS, v.result().status(), "numpy port at " + v.testCase().id() + ": " + v.result().detail() + " "
                        + v.result().violations());
            }
        }
    }

    /** The xl stage has a case for every op the relations judge, each past T = 32768 and labelled xl. */
    @Test
    void xlCasesArePastTheOraclesBudget() {
        assertTrue(BUDGET.xlCases() >= 4, "only " + BUDGET.xlCases() + " xl cases");
        for (int i = 0; i < BUDGET.xlCases(); i++) {
            Case c = KillSearch.xlCase(i);
            assertTrue(KillSearch.Size.of(KillSearch.xlSpecs().get(i)).tokens() > 32768, c.id());
            assertTrue(c.features().contains("size-xl") && c.features().contains(CaseFeatures.ORACLE_NOT_RUN), c.id() + ": " + c.features());
        }
    }

    private static Verdict firstFailingXlCase(BackendFactory f) {
        Verdict last = null;
        try (Runner runner = new Runner(f, options())) {
            for (int i = 0; i < BUDGET.xlCases(); i++) {
                last = runner.judge(KillSearch.xlCase(i));
                if (last.result().status() == Status.FAIL) return last;
            }
        }
        return last;
    }

    private static RunOptions options() { return RunOptions.defaults().withTier("mutants").withCaseTimeout(Duration.ofSeconds(60)); }
}
