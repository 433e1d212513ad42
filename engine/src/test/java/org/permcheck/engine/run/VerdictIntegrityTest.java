package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.fuzz.CaseFeatures;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.NotJudged;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.RunVerdict;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.UnlistedPasses;
import org.permcheck.engine.testbackends.Int64CountsBackend;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Capabilities;
import org.permcheck.spi.NotSupportedException;
import org.permcheck.spi.Outputs;

/**
 * A run that judged nothing is not conformant (issue 9, "Conformant with nothing judged"): every
 * way of judging nothing observed from outside gets NOTHING_JUDGED, never CONFORMANT; and an
 * excused failure is recorded as data on the case result, decided once by the runner.
 */
class VerdictIntegrityTest {
    @TempDir Path tmp;

    private static final List<Case> QUICK = Tier.QUICK.cases(Tier.DEFAULT_SEED, Shard.ALL);

    private static RunResult run(BackendFactory f, Expectations e, List<Case> cases) {
        try (Runner r = new Runner(f, RunOptions.defaults().withExpectations(e))) {
            return r.run(cases);
        }
    }

    /** The CPU backend with its info replaced (capabilities, availability) and calls optionally refused. */
    private static Backend cpuWith(Capabilities caps, Optional<String> unavailable, Set<Op> refused) {
        CpuBackend cpu = new CpuBackend();
        BackendInfo real = cpu.info();
        BackendInfo info = new BackendInfo(real.name() + "-hostile", real.version(), real.device(), caps, unavailable, Map.of());
        return new Backend() {
            @Override public BackendInfo info() { return info; }
            @Override public Outputs run(Invocation inv) throws Exception {
                if (refused.contains(inv.op())) throw new NotSupportedException("refused " + inv.op().wireName());
                return cpu.run(inv);
            }
        };
    }

    @Test
    void aBackendClaimingNothingJudgesNothing() {
        Capabilities none = new Capabilities(Set.of(), Set.of(), Set.of(), Set.of());
        RunResult r = run(() -> cpuWith(none, Optional.empty(), Set.of()), Expectations.none(), QUICK);
        assertEquals(RunVerdict.NOTHING_JUDGED, r.verdict());
        assertEquals(3, r.verdict().exitCode());
        assertTrue(r.verdictReasons().get(0).startsWith("no case was judged (" + QUICK.size() + " outside the declared capabilities"),
                r.verdictReasons().toString());
        assertTrue(r.results().stream().allMatch(x -> x.notJudged() == NotJudged.DECLARED));
    }

    @Test
    void aBackendClaimingEverythingButRefusingEveryCallJudgesNothing() {
        RunResult r = run(() -> cpuWith(Capabilities.everything(), Optional.empty(), Set.of(Op.values())), Expectations.none(), QUICK);
        assertEquals(RunVerdict.NOTHING_JUDGED, r.verdict());
        assertTrue(r.verdictReasons().get(0).contains("refused by the backend"), r.verdictReasons().toString());
    }

    @Test
    void anUnavailableBackendJudgesNothing() {
        RunResult r = run(() -> cpuWith(Capabilities.everything(), Optional.of("no GPU here"), Set.of()), Expectations.none(), QUICK);
        assertEquals(RunVerdict.NOTHING_JUDGED, r.verdict());
        assertTrue(r.verdictReasons().get(0).contains("with the backend unavailable"), r.verdictReasons().toString());
    }

    @Test
    void skippingEveryCaseJudgesNothing() throws Exception {
        Path f = tmp.resolve("e.json");
        Files.writeString(f, "{\"skips\":[{\"case\":\"*\",\"reason\":\"make the gate green\"}]}");
        RunResult r = run(() -> new CpuBackend(), Expectations.load(f), QUICK);
        assertEquals(RunVerdict.NOTHING_JUDGED, r.verdict());
        assertTrue(r.verdictReasons().get(0).contains("skipped by expectations"), r.verdictReasons().toString());
    }

    @Test
    void aClaimedOpMostlyRefusedIsNotJudgedEvenWhenOthersPass() {
        // combine is claimed but refused: the other ops pass, combine's share judged is 0 < 50%
        RunResult r = run(() -> cpuWith(Capabilities.everything(), Optional.empty(), Set.of(Op.COMBINE)), Expectations.none(), QUICK);
        assertEquals(RunVerdict.NOTHING_JUDGED, r.verdict());
        assertEquals(1, r.verdictReasons().size(), r.verdictReasons().toString());
        assertTrue(r.verdictReasons().get(0).startsWith("token_combine: only 0 of "), r.verdictReasons().get(0));
    }

    @Test
    void anOpLeftOutOfTheDeclaredCapabilitiesIsTheBackendsHonestScope() {
        Capabilities all = Capabilities.everything();
        java.util.EnumSet<Op> ops = java.util.EnumSet.allOf(Op.class);
        ops.remove(Op.COMBINE);
        Capabilities noCombine = new Capabilities(ops, all.dtypes(), all.profiles(), all.features());
        RunResult r = run(() -> cpuWith(noCombine, Optional.empty(), Set.of()), Expectations.none(), QUICK);
        assertEquals(RunVerdict.CONFORMANT, r.verdict(), r.verdictReasons().toString());
    }

    @Test
    void aFailureBeatsEverythingElseAndAnInterruptionIsItsOwnVerdict() {
        CaseResult pass = new CaseResult("a", "token_dispatch", List.of("D2"), List.of(), Status.PASS, List.of(), null, 0, 0, null, null, null);
        CaseResult crash = new CaseResult("b", "token_dispatch", List.of("D2"), List.of(), Status.CRASH, List.of(), "died", 0, 0, null, null, null);
        assertEquals(RunVerdict.INCOMPLETE, Conformance.judge(List.of(pass), UnlistedPasses.NONE, List.of(), "SIGTERM").verdict());
        Conformance.Judgement j = Conformance.judge(List.of(pass, crash), UnlistedPasses.NONE, List.of(), "SIGTERM");
        assertEquals(RunVerdict.NOT_CONFORMANT, j.verdict());
        assertEquals(List.of("1 case CRASH", "incomplete: SIGTERM"), j.reasons());
        assertEquals(RunVerdict.CONFORMANT, Conformance.judge(List.of(pass), UnlistedPasses.NONE, List.of(), null).verdict());
        assertEquals(RunVerdict.NOTHING_JUDGED, Conformance.judge(List.of(), UnlistedPasses.NONE, List.of(), null).verdict());
    }

    @Test
    void passesTalliedInsteadOfListedCountAsJudgedForTheirOp() {
        CaseResult refused = new CaseResult("r", "token_combine", List.of(), List.of(), Status.NOT_SUPPORTED, List.of(), "no", 0, 0, null, null, null);
        UnlistedPasses three = new UnlistedPasses(3, Map.of(), Map.of(CaseFeatures.OP_FEATURE + "token_combine", 3L));
        // 3 judged of 4 inside the capabilities: above the floor
        assertEquals(RunVerdict.CONFORMANT, Conformance.judge(List.of(refused), three, List.of(), null).verdict());
    }

    @Test
    void anExcuseIsDataOnTheResultAndOnlyWhenItsRuleBroke() throws Exception {
        Path f = tmp.resolve("x.json");
        Files.writeString(f, "{\"expected_failures\":[{\"case\":\"quick/edge/dispatch-uniform-f32\",\"rule\":\"N1\",\"reason\":\"int64 counts\"}]}");
        List<Case> dispatch = QUICK.stream().filter(c -> c.id().equals("quick/edge/dispatch-uniform-f32")).toList();
        RunResult r = run(Int64CountsBackend::new, Expectations.load(f), dispatch);
        CaseResult first = r.results().get(0);
        assertEquals(Status.FAIL, first.status());
        assertEquals("int64 counts", first.excuse());
        assertTrue(first.detail() == null || !first.detail().contains("expected failure"), "the excuse is not smuggled into the detail");
        assertEquals(RunVerdict.CONFORMANT, r.verdict(), r.verdictReasons() + " " + r.expectationProblems());

        Files.writeString(f, "{\"expected_failures\":[{\"case\":\"quick/edge/dispatch-uniform-f32\",\"rule\":\"D2\",\"reason\":\"wrong rule\"}]}");
        RunResult wrongRule = run(Int64CountsBackend::new, Expectations.load(f), dispatch);
        assertNull(wrongRule.results().get(0).excuse());
        assertEquals(RunVerdict.NOT_CONFORMANT, wrongRule.verdict());
    }

    @Test
    void aBackendOfOneProfileIsJudgedOnTheOpsNoProfileTouches() {
        // the TE PyTorch adapter claims torch-mask-pad only; chunk-sort cases are generated under te-jax
        Capabilities all = Capabilities.everything();
        Capabilities torchOnly = new Capabilities(all.ops(), all.dtypes(), Set.of("torch-mask-pad"), all.features());
        RunResult r = run(() -> cpuWith(torchOnly, Optional.empty(), Set.of()), Expectations.none(), QUICK);
        long chunkSortJudged = r.results().stream().filter(x -> x.op().equals(Op.SORT_CHUNKS.wireName()) && x.judged()).count();
        long chunkSortTotal = r.results().stream().filter(x -> x.op().equals(Op.SORT_CHUNKS.wireName())).count();
        assertTrue(chunkSortTotal > 0);
        assertEquals(chunkSortTotal, chunkSortJudged, "every chunk-sort case is judged whatever profile it carries");
        assertTrue(r.results().stream().anyMatch(x -> x.op().equals(Op.DISPATCH.wireName()) && x.notJudged() == NotJudged.DECLARED),
                "te-jax dispatch cases stay outside a torch-only backend's claims");
        assertEquals(RunVerdict.CONFORMANT, r.verdict(), r.verdictReasons().toString());
    }
}
