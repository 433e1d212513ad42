package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.CallPreconditions;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Rule;
import org.permcheck.engine.exec.ExecBackend;
import org.permcheck.engine.exec.Python;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Robustness;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.RunVerdict;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.testbackends.GuardBreachBackend;
import org.permcheck.engine.vectors.VectorSet;
import org.permcheck.oracle.Oracle;

/**
 * The robustness tier (docs/checks.md, "Robustness"; docs/spec.md group B): which probes exist,
 * that the oracle and the model's X checks refuse each under its rule, and the verdicts of an
 * honest backend (refuses: SAFE), a backend that writes past an output (B2 on every case), and
 * protocol backends that crash, hang or answer on probes.
 */
class RobustnessTierTest {
    static final Path VECTORS = Path.of("..", "vectors");

    static List<Case> probes() throws Exception { return ProbeCases.all(VectorSet.negatives(VECTORS)); }

    static RunOptions oneCall() {
        return RunOptions.defaults().withTier("robustness").withDeterminism(false).withRoundTrip(false).withCaseTimeout(Duration.ofSeconds(20));
    }

    /** Every X rule has a probe; ids are unique, "robustness/X<n>/name"; the committed negative vectors are among them. */
    @Test
    void everyXRuleIsProbedAndIdsAreStable() throws Exception {
        List<Case> all = probes();
        Set<String> rules = new TreeSet<>(), ids = new TreeSet<>();
        for (Case c : all) {
            assertTrue(c.id().matches("robustness/X([1-9]|[12][0-9]|3[0-79])/[a-z0-9-]+"), c.id());
            assertTrue(ids.add(c.id()), "unique: " + c.id());
            assertTrue(c.features().contains(Robustness.FEATURE));
            assertEquals(List.of("B1", "B2", ProbeCases.intendedRule(c)), c.rules());
            rules.add(ProbeCases.intendedRule(c));
        }
        // X15-X18: Megatron permute / unpermute (docs/spec.md Q1-Q6); X19-X21: profile maxtext (J1-J4)
        // X11-X13: moe_align_block_size (K1-K6); X22, X23: block scales (F1-F4); X14, X24-X26: TE's index map (T1-T5);
        // X27-X29: torchao's padded permute / torchtitan's unpermute (W1-W6);
        // X33, X34: DeepEP's get_dispatch_layout (L1-L3); X35-X37: TE's ep_dispatch / ep_combine (Y1-Y4);
        // X30-X32: Megatron's inference permute (V1-V5); X39: Megatron's pad_routing_map (Q7-Q9)
        assertEquals(Set.of("X1", "X2", "X3", "X4", "X5", "X6", "X7", "X8", "X9", "X10", "X11", "X12", "X13", "X14", "X15", "X16", "X17", "X18", "X19", "X20",
                "X21", "X22", "X23", "X24", "X25", "X26", "X27", "X28", "X29", "X30", "X31", "X32", "X33", "X34", "X35", "X36", "X37", "X39"), rules);
        assertEquals(42, all.stream().filter(c -> c.id().contains("/vector-")).count(), "the 42 committed negative vectors");
        assertTrue(all.stream().anyMatch(c -> c.id().equals("robustness/X3/large-half-routed")
                && c.invocation().input("routing_map").dim(0) == 4096), "a large X3 probe as in TE #3346");
        // deterministic: built twice, the same calls
        List<Case> again = probes();
        for (int i = 0; i < all.size(); i++) assertEquals(all.get(i).invocation().describe(), again.get(i).invocation().describe());
    }

    /**
     * The oracle refuses every probe under exactly its rule (else it would be a HARNESS_ERROR), and
     * the model's CallPreconditions, which backends call, refuses it under the same rule.
     */
    @Test
    void oracleAndCallPreconditionsRefuseEachProbeUnderItsRule() throws Exception {
        for (Case c : probes()) {
            String rule = ProbeCases.intendedRule(c);
            PreconditionViolation o = org.junit.jupiter.api.Assertions.assertThrows(PreconditionViolation.class, () -> Oracle.expected(c.invocation()), c.id());
            assertEquals(rule, o.rule(), c.id() + ": " + o.getMessage());
            PreconditionViolation m = org.junit.jupiter.api.Assertions.assertThrows(PreconditionViolation.class, () -> CallPreconditions.check(c.invocation()), c.id());
            assertEquals(rule, m.rule(), c.id() + ": " + m.getMessage());
        }
    }

    /** The honest CPU backend refuses every probe (B1 PASS "refused: [X..] ..."): SAFE, and the valid-input verdict is unchanged. */
    @Test
    void cpuBackendRefusesEveryProbe() throws Exception {
        RunResult r;
        try (Runner runner = new Runner(BackendFactory.byName("cpu"), RunOptions.defaults())) {
            r = runner.run(probes());
        }
        for (CaseResult c : r.results()) {
            assertEquals(Status.PASS, c.status(), c.caseId() + " " + c.detail() + " " + c.violations());
            assertTrue(c.detail().startsWith("refused: ") && c.detail().contains("[" + Robustness.probedRule(c.caseId()) + "]"), c.detail());
        }
        Robustness rb = r.robustness();
        assertEquals(r.results().size(), rb.refused());
        assertFalse(rb.isUnsafe());
        assertEquals(RunVerdict.CONFORMANT, r.verdict(), "probes alone: the run's gate is the robustness line");
        assertEquals(0, r.exitCode());
        assertTrue(r.robustnessLine().contains("SAFE on precondition probes: " + rb.probes() + " refused/bounded"), r.robustnessLine());
    }

    /** A valid case and a probe against a backend that reports a guard breach: B2 FAILs both; the run exits 1 (a valid case failed). */
    @Test
    void guardBreachFailsB2OnValidCasesAndProbes() throws Exception {
        Case valid = Tier.caseById("quick/edge/dispatch-uniform-f32").orElseThrow();
        Case probe = probes().stream().filter(c -> c.id().equals("robustness/X2/value-2-i32")).findFirst().orElseThrow();
        RunResult r;
        try (Runner runner = new Runner(GuardBreachBackend::new, RunOptions.defaults())) {
            r = runner.run(List.of(valid, probe));
        }
        CaseResult v = r.results().get(0);
        assertEquals(Status.FAIL, v.status());
        assertEquals(List.of("B2"), v.violations().stream().map(x -> x.rule()).distinct().collect(Collectors.toList()), v.violations().toString());
        assertTrue(v.violations().get(0).message().contains("wrote outside output 'output'"));
        // the probe is refused by the CPU backend inside: no answer, so no breach: B1 PASS
        assertEquals(Status.PASS, r.results().get(1).status());
        assertEquals(RunVerdict.NOT_CONFORMANT, r.verdict());
    }

    /** A protocol backend that crashes or hangs on a probe FAILs B1 (status FAIL, detail crashed/hung), the run exits 5. */
    @Test
    void crashOrHangOnAProbeFailsB1() throws Exception {
        assumeTrue(Python.hasPython(), "python3 not found: the fake protocol backends need it");
        Case probe = probes().stream().filter(c -> c.id().equals("robustness/X3/below-routed")).findFirst().orElseThrow();
        for (String mode : List.of("crash", "hang")) {
            RunOptions opts = oneCall().withCaseTimeout(Duration.ofSeconds(mode.equals("hang") ? 3 : 20));
            RunResult r;
            try (Runner runner = new Runner(() -> ExecBackend.forCommand(Python.fake(mode)), opts)) {
                r = runner.run(List.of(probe));
            }
            CaseResult c = r.results().get(0);
            assertEquals(Status.FAIL, c.status(), mode + ": " + c.detail());
            assertEquals("B1", c.violations().get(0).rule());
            assertTrue(c.detail().startsWith(mode.equals("crash") ? "crashed: " : "hung: "), c.detail());
            assertTrue(r.robustness().isUnsafe());
            assertEquals(5, r.exitCode(), "conformant on valid inputs (none here), unsafe on probes");
            assertTrue(r.robustnessLine().contains("UNSAFE on precondition probes: 1 of 1 (B1 on X3: 1)"), r.robustnessLine());
            // a run of probes alone is headed by their finding, never "CONFORMANT" (a report's first line)
            assertEquals("UNSAFE on precondition probes", r.headline());
            assertTrue(org.permcheck.engine.report.MarkdownSummary.render(r).startsWith("# permcheck: UNSAFE on precondition probes\n"));
        }
    }

    /** A protocol backend that answers a probe with a copy of its input: within the budget, so B1 PASS "answered within bounds". */
    @Test
    void anAnswerWithinTheBudgetPasses() throws Exception {
        assumeTrue(Python.hasPython(), "python3 not found: the fake protocol backends need it");
        Case probe = probes().stream().filter(c -> c.id().equals("robustness/X3/below-routed")).findFirst().orElseThrow();
        RunResult r;
        try (Runner runner = new Runner(() -> ExecBackend.forCommand(Python.fake("good")), oneCall())) {
            r = runner.run(List.of(probe));
        }
        CaseResult c = r.results().get(0);
        assertEquals(Status.PASS, c.status(), c.detail() + " " + c.violations());
        assertEquals("answered within bounds; contents unspecified", c.detail());
        assertEquals(1, r.robustness().bounded());
        assertEquals("SAFE on precondition probes (no valid input run)", r.headline());
    }

    /**
     * The fake's guard-breach reply is read (protocol guarded/guard_breaches) and FAILs B2 on a
     * valid case and on a probe it answered within bounds; a malformed breach is an ERROR.
     */
    @Test
    void protocolGuardBreachesAreReadAndJudged() throws Exception {
        assumeTrue(Python.hasPython(), "python3 not found: the fake protocol backends need it");
        Case valid = Tier.caseById("quick/edge/dispatch-uniform-f32").orElseThrow();
        Case probe = probes().stream().filter(c -> c.id().equals("robustness/X3/below-routed")).findFirst().orElseThrow();
        RunResult r;
        try (Runner runner = new Runner(() -> ExecBackend.forCommand(Python.fake("guard-breach")), oneCall())) {
            r = runner.run(List.of(valid, probe));
        }
        for (CaseResult c : r.results()) {
            assertEquals(Status.FAIL, c.status(), c.detail() + " " + c.violations());
            assertTrue(c.violations().stream().anyMatch(v -> v.rule().equals("B2")
                    && v.message().contains("output: 64 guard bytes changed, the first 4096 bytes past its end")), c.violations().toString());
        }
        assertEquals(List.of("B2"), r.results().get(1).violations().stream().map(v -> v.rule()).collect(Collectors.toList()), "the probe: B2 only");
        assertTrue(r.robustnessLine().contains("UNSAFE on precondition probes: 1 of 1 (B2 on X3: 1)"), r.robustnessLine());
        // a valid case passed nowhere here (both FAIL): the head says NOT CONFORMANT and the probes' finding beside it
        assertEquals(r.verdict().label() + ", UNSAFE on precondition probes", r.headline());
        try (Runner runner = new Runner(() -> ExecBackend.forCommand(Python.fake("guard-malformed")), oneCall())) {
            CaseResult c = runner.judge(valid).result();
            assertEquals(Status.ERROR, c.status());
            assertTrue(c.detail().contains("a guard breach needs output"), c.detail());
        }
        // a breach of a library allocation no output names (the kit's intercept) is a B2 FAIL as well;
        // a name that is neither an output nor a parenthesised allocation is a malformed answer
        try (Runner runner = new Runner(() -> ExecBackend.forCommand(Python.fake("guard-unnamed")), oneCall())) {
            CaseResult c = runner.judge(valid).result();
            assertEquals(Status.FAIL, c.status(), c.detail());
            assertTrue(c.violations().stream().anyMatch(v -> v.rule().equals("B2") && v.message().contains("(unnamed 0: torch.empty(4, 2) in permute)")),
                    c.violations().toString());
        }
        try (Runner runner = new Runner(() -> ExecBackend.forCommand(Python.fake("guard-stranger")), oneCall())) {
            CaseResult c = runner.judge(valid).result();
            assertEquals(Status.ERROR, c.status(), c.detail());
            assertTrue(c.detail().contains("a guard breach of 'surprise'"), c.detail());
        }
    }

    /** The numpy example port refuses every probe through the protocol: SAFE. */
    @Test
    void numpyPortIsSafe() throws Exception {
        assumeTrue(Python.hasNumpy(), "python3 with numpy not found: the numpy port cannot run");
        RunResult r;
        try (Runner runner = new Runner(() -> ExecBackend.forCommand(Python.numpyPort()), oneCall())) {
            r = runner.run(probes());
        }
        List<String> bad = r.results().stream().filter(c -> c.status() != Status.PASS)
                .map(c -> c.caseId() + " " + c.status() + " " + c.detail() + " " + c.violations()).collect(Collectors.toList());
        assertEquals(List.of(), bad);
        assertFalse(r.robustness().isUnsafe(), r.robustnessLine());
        Map<String, Long> refusedByRule = r.results().stream().filter(c -> c.detail().startsWith("refused: "))
                .collect(Collectors.groupingBy(c -> Robustness.probedRule(c.caseId()), java.util.TreeMap::new, Collectors.counting()));
        assertEquals(38, refusedByRule.size(), "refusals of every X rule: " + refusedByRule); // X1-X37, X39 (X38 is the ep tier's)
        assertNotNull(r.robustnessLine());
    }

    /** A probe the oracle does not refuse under its rule is our bug: HARNESS_ERROR, which breaks the verdict. */
    @Test
    void aProbeTheOracleAcceptsIsAHarnessError() throws Exception {
        Case valid = Tier.caseById("quick/edge/dispatch-uniform-f32").orElseThrow();
        Case notAProbe = ProbeCases.probe(Rule.X3.id(), "not-really", valid.invocation());
        RunResult r;
        try (Runner runner = new Runner(BackendFactory.byName("cpu"), oneCall())) {
            r = runner.run(List.of(notAProbe));
        }
        assertEquals(Status.HARNESS_ERROR, r.results().get(0).status());
        assertTrue(r.results().get(0).detail().contains("meant to violate X3 but the oracle accepts it"));
        assertEquals(RunVerdict.NOT_CONFORMANT, r.verdict());
    }
}
