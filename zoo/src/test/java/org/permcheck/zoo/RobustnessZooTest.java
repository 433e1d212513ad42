package org.permcheck.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.run.ProbeCases;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Tier;

/**
 * The zoo's group-B backends against the robustness tier (docs/spec.md B1, B2): the TE-like dispatch
 * that writes past num_out_tokens is UNSAFE (B2 on an X3 probe, exit 5) although it passes every
 * valid case; the one that truncates instead is within bounds (B1 passes, SAFE).
 */
class RobustnessZooTest {

    static RunResult run(PastNumOutDispatch.Mode mode, List<Case> cases) {
        try (Runner r = new Runner(() -> new PastNumOutDispatch(mode), RunOptions.defaults())) {
            return r.run(cases);
        }
    }

    static List<Case> validEdgeCasesAndProbes() {
        List<Case> cases = new ArrayList<>(Tier.QUICK.cases(Tier.DEFAULT_SEED, org.permcheck.engine.run.Shard.ALL).subList(0, 30));
        cases.addAll(ProbeCases.all(List.of()));
        return cases;
    }

    @Test
    void teLikeDispatchIsConformantOnValidInputsButUnsafeOnProbes() {
        RunResult r = run(PastNumOutDispatch.Mode.WRITES_PAST, validEdgeCasesAndProbes());
        assertTrue(r.conformant(), "valid inputs: " + r.verdictReasons());
        assertEquals(5, r.exitCode());
        List<CaseResult> unsafe = r.results().stream().filter(c -> c.status() == Status.FAIL).toList();
        assertTrue(!unsafe.isEmpty());
        for (CaseResult c : unsafe) {
            assertTrue(c.caseId().startsWith("robustness/X3/"), "only X3 probes: " + c.caseId());
            assertEquals("B2", c.violations().get(0).rule(), c.violations().toString());
            assertTrue(c.violations().get(0).message().contains("wrote outside output 'output'"), c.violations().get(0).message());
        }
        assertTrue(unsafe.stream().anyMatch(c -> c.caseId().equals("robustness/X3/large-half-routed")), "the large TE #3346 shape");
        assertTrue(r.robustnessLine().startsWith("CONFORMANT on valid inputs (30/30); UNSAFE on precondition probes: " + unsafe.size() + " of "),
                r.robustnessLine());
        assertTrue(r.robustnessLine().contains("B2 on X3: " + unsafe.size()), r.robustnessLine());
    }

    @Test
    void truncatingDispatchAnswersWithinBounds() {
        RunResult r = run(PastNumOutDispatch.Mode.TRUNCATES, validEdgeCasesAndProbes());
        assertTrue(r.conformant(), "valid inputs: " + r.verdictReasons());
        assertEquals(0, r.exitCode());
        assertTrue(r.robustness().bounded() >= 4, "the X3 probes below the routed count are answered: " + r.robustnessLine());
        assertEquals(0, r.robustness().unsafe());
        assertTrue(r.robustnessLine().contains("SAFE on precondition probes"), r.robustnessLine());
    }

    /** The kill matrix hunts group-B mutants with the probes: the TE-like one dies at an X3 probe under B2. */
    @Test
    void killSearchHuntsGroupBMutantsWithTheProbes() {
        Mutant te = Catalogue.cpu().stream().filter(m -> m.id().equals(PastNumOutDispatch.Mode.WRITES_PAST.id)).findFirst().orElseThrow();
        KillSearch.Kill k = KillSearch.hunt(te, KillSearch.Budget.standard());
        assertEquals("probe", k.stage());
        assertEquals(Status.FAIL, k.status());
        assertEquals(List.of("B2"), k.rules());
        assertTrue(k.caseId().startsWith("robustness/X3/"), k.caseId());
    }
}
