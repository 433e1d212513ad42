package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Rule;
import org.permcheck.engine.check.Relations;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.engine.fuzz.CaseIds;
import org.permcheck.engine.fuzz.CaseSpec;
import org.permcheck.engine.fuzz.EdgeCases;
import org.permcheck.engine.fuzz.SizeClass;
import org.permcheck.engine.fuzz.SpecSampler;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.testbackends.MutatingBackend;
import org.permcheck.tensor.Tensor;

/** The oracle-free relations R3, R4 through the runner: the CPU backend passes, broken backends fail, xl cases skip the oracle. */
class RelationsTest {

    private static List<Case> relationEdges() {
        List<Case> out = new ArrayList<>();
        EdgeCases.quick().forEach((name, spec) -> {
            if (name.startsWith(EdgeCases.RELATIONS)) out.add(CaseGenerator.generate(CaseIds.edge("quick", name), spec, null, "property"));
        });
        return out;
    }

    private static List<CaseResult> run(BackendFactory f, List<Case> cases) {
        try (Runner r = new Runner(f, RunOptions.defaults())) {
            return r.run(cases).results();
        }
    }

    private static String rulesOf(CaseResult r) {
        return r.violations().stream().map(v -> v.rule()).distinct().sorted().collect(Collectors.joining(","));
    }

    @Test
    void theCpuBackendPassesEveryRelationCaseAndTheRelationsRan() {
        List<Case> cases = relationEdges();
        assertEquals(5, cases.size());
        for (Case c : cases) assertTrue(c.features().contains(org.permcheck.engine.fuzz.CaseFeatures.RELATIONS), c.id());
        try (Runner r = new Runner(CpuBackend::new, RunOptions.defaults())) {
            for (Case c : cases) {
                Verdict v = r.judge(c);
                assertEquals(Status.PASS, v.result().status(), c.id() + ": " + v.result().violations() + " " + v.result().detail());
            }
        }
    }

    /**
     * The chunk sort moves fp8 payloads too, so its R3 writes integer payloads in fp8 (a 4-minute xl
     * campaign on the H200 ended at the first fp8 chunk sort before ExactInts encoded fp8): each fp8
     * dtype's relation case passes on the CPU backend with the adjoint judged, not left out.
     */
    @Test
    void theChunkSortRelationRunsOnFp8Payloads() {
        CaseSpec base = EdgeCases.quick().get(EdgeCases.RELATIONS + "chunk-sort");
        for (org.permcheck.tensor.DType d : List.of(org.permcheck.tensor.DType.F8E4M3, org.permcheck.tensor.DType.F8E5M2)) {
            Case c = CaseGenerator.generate(CaseIds.edge("quick", "relations-chunk-sort-" + d.id()), base.withDtype(d), null, "property");
            try (Runner r = new Runner(CpuBackend::new, RunOptions.defaults())) {
                Verdict v = r.judge(c);
                assertEquals(Status.PASS, v.result().status(), c.id() + ": " + v.result().violations() + " " + v.result().detail());
                assertTrue(v.result().detail() == null || !v.result().detail().contains("not judged"), v.result().detail());
            }
        }
    }

    /**
     * A case the oracle is not run on and no relation applies to (an index-form dispatch: the
     * relations are written for the routing map) is no verdict on its outputs: HARNESS_ERROR, never
     * the vacuous PASS the bounds alone would give.
     */
    @Test
    void anOracleFreeCaseNoRelationJudgesIsAHarnessErrorNotAPass() {
        Case edge = CaseGenerator.generate(CaseIds.edge("quick", "dispatch-index-form"), EdgeCases.quick().get("dispatch-index-form"), null, "property");
        java.util.Set<String> features = new java.util.TreeSet<>(edge.features());
        features.add(org.permcheck.engine.fuzz.CaseFeatures.ORACLE_NOT_RUN);
        Case c = new Case(edge.id(), edge.invocation(), edge.rules(), features, edge.seed(), edge.origin());
        try (Runner r = new Runner(CpuBackend::new, RunOptions.defaults())) {
            CaseResult cr = r.judge(c).result();
            assertEquals(Status.HARNESS_ERROR, cr.status(), cr.detail());
            assertTrue(cr.detail().contains("no relation applies to this case"), cr.detail());
        }
    }

    /** A dispatch backward that drops token 0's first term: grad_inp[0] is off by c[row of (0, e)], so ⟨J t, c⟩ != ⟨t, Jᵀ c⟩. */
    static final class DropsATerm extends MutatingBackend {
        @Override
        protected void mutate(Invocation inv, Map<String, Tensor> out) {
            if (inv.op() != Op.DISPATCH_BACKWARD) return;
            Tensor g = out.get(Ports.GRAD_INP).copy();
            g.zeroRow(0);
            out.put(Ports.GRAD_INP, g);
        }
    }

    /** A dispatch that writes expert 0's group in descending token order: relabelling expert 0 moves the bug, R4 sees it. */
    static final class ExpertZeroReversed extends MutatingBackend {
        @Override
        protected void mutate(Invocation inv, Map<String, Tensor> out) {
            if (inv.op() != Op.DISPATCH) return;
            long n = out.get(Ports.TOKENS_PER_EXPERT).getLong(0);
            Tensor y = out.get(Ports.OUTPUT).copy();
            Tensor src = out.get(Ports.OUTPUT);
            for (long i = 0; i < n; i++) y.copyRowFrom(src, i, n - 1 - i);
            out.put(Ports.OUTPUT, y);
        }
    }

    @Test
    void aBackwardThatDropsATermFailsR3() {
        Case c = relationEdges().get(0); // relations-dispatch-probs
        List<CaseResult> rs = run(DropsATerm::new, List.of(c));
        assertEquals(Status.FAIL, rs.get(0).status());
        assertTrue(rulesOf(rs.get(0)).contains(Rule.R3.id()), rulesOf(rs.get(0)));
        String msg = rs.get(0).violations().stream().filter(v -> v.rule().equals(Rule.R3.id())).findFirst().orElseThrow().render();
        assertTrue(msg.contains("token_dispatch_backward") && msg.contains("<J t, c>"), msg);
    }

    @Test
    void aGroupOrderBugOfOneExpertFailsR4() {
        // without the oracle: the xl path judges by relations only, and R4 is what sees the bug there
        Case c = xlDispatch();
        List<CaseResult> rs = run(ExpertZeroReversed::new, List.of(c));
        assertEquals(Status.FAIL, rs.get(0).status(), rs.get(0).detail());
        assertTrue(rulesOf(rs.get(0)).contains(Rule.R4.id()), rulesOf(rs.get(0)));
    }

    /** The first xl dispatch the sampler draws (T > 32768: beyond every class the oracle is run on). */
    static Case xlDispatch() {
        for (long i = 0; ; i++) {
            SpecSampler.Drawn d = SpecSampler.draw(i * 7919 + 1, new org.permcheck.engine.fuzz.SizeMix(List.of(SizeClass.XL), 0, 0, 0, 0, false));
            CaseSpec s = d.spec();
            boolean reducible = org.permcheck.engine.check.ExactInts.significandBits(s.dtype()) > 0; // R3 judges float payloads
            if (s.op() == Op.DISPATCH && s.tokens() <= 65537 && s.experts() <= 16 && reducible && s.align() == 0) return CaseGenerator.generate("xl-test/" + i, d, null, "fuzz");
        }
    }

    @Test
    void anXlCaseIsJudgedByTheRelationsAndSaysTheOracleWasNotRun() {
        Case c = xlDispatch();
        assertTrue(c.invocation().input(Ports.ROUTING_MAP).dim(0) > 32768);
        assertTrue(c.features().contains(org.permcheck.engine.fuzz.CaseFeatures.ORACLE_NOT_RUN) && c.features().contains(SizeClass.XL.label()));
        long t0 = System.nanoTime();
        try (Runner r = new Runner(CpuBackend::new, RunOptions.defaults())) {
            var result = r.run(List.of(c));
            CaseResult cr = result.results().get(0);
            assertEquals(Status.PASS, cr.status(), cr.violations() + " " + cr.detail());
            assertTrue(cr.detail().startsWith(Relations.ORACLE_NOT_RUN), cr.detail());
            assertTrue(cr.detail().contains(Relations.ADJOINT) && cr.detail().contains(Relations.RELABEL)
                    && cr.detail().contains(Relations.SHUFFLE) && cr.detail().contains(Relations.SPLIT), cr.detail());
            assertEquals(1L, result.coverage().get(org.permcheck.engine.fuzz.CaseFeatures.ORACLE_NOT_RUN));
        }
        assertTrue(c.features().contains(org.permcheck.engine.fuzz.CaseFeatures.RELATIONS));
        System.out.println("xl case " + c.invocation().describe() + " judged in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
}
