package org.permcheck.engine.testbackends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.permcheck.contract.Op;
import org.permcheck.engine.fuzz.CaseSpec;
import org.permcheck.engine.fuzz.Routing;
import org.permcheck.engine.fuzz.Values;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.run.FuzzOptions;
import org.permcheck.engine.run.Fuzzer;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Tier;
import org.permcheck.engine.run.Verdict;

/** Deliberately broken backends must FAIL under the right rule (docs/sources.md#harness-self-tests). */
class BrokenBackendsTest {

    private static Verdict judge(org.permcheck.engine.run.BackendFactory f, String caseId) {
        try (Runner r = new Runner(f, RunOptions.defaults())) {
            return r.judge(Tier.caseById(caseId).orElseThrow());
        }
    }

    private static Set<String> rules(CaseResult r) {
        return r.violations().stream().map(Violation::rule).collect(Collectors.toSet());
    }

    /** D1: two tokens swapped inside an expert; the shrinker must get it down to at most 4 tokens. */
    @Test
    void plantedSwapIsCaughtAsD1AndShrunkToAtMostFourTokens() {
        CaseSpec big = CaseSpec.of(Op.DISPATCH, 64, 8, 16, 2, 0xC0FFEEL).withValues(Values.BITS).withRouting(Routing.ZIPF)
                .withProbs(true).withAlign(4);
        Verdict min = Fuzzer.shrink(SwappedTokensBackend::new, RunOptions.defaults(), big, 400);
        assertEquals(Status.FAIL, min.result().status());
        assertTrue(rules(min.result()).contains("D1"), min.result().violations().toString());
        CaseSpec minimal = org.permcheck.engine.fuzz.CaseIds.parse(min.testCase().id()).orElseThrow().spec();
        assertTrue(minimal.tokens() <= 4, "shrunk only to " + minimal);
        Violation d1 = min.result().violations().stream().filter(v -> v.rule().equals("D1")).findFirst().orElseThrow();
        assertNotNull(d1.first());
        assertTrue(d1.first().token() >= 0 && d1.first().expert() >= 0, d1.render());
        System.out.println("planted swap shrunk to: " + minimal + "\n  " + d1.render());
    }

    /** The same planted swap is found by a plain fuzz run, which shrinks it and records the minimal case. */
    @Test
    void fuzzRunFindsAndShrinksThePlantedSwap() {
        RunResult r = new Fuzzer(SwappedTokensBackend::new, RunOptions.defaults().withTier("fuzz")).run(FuzzOptions.of(7, 60));
        assertFalse(r.conformant());
        CaseResult failed = r.results().stream().filter(x -> x.status() == Status.FAIL && x.shrunk() != null).findFirst().orElseThrow();
        String spec = failed.shrunk().substring("minimal: ".length(), failed.shrunk().indexOf(" ["));
        assertTrue(CaseSpec.parse(spec).tokens() <= 4, failed.shrunk());
    }

    /** N1: tokens_per_expert as int64 under te-jax. */
    @Test
    void int64TokensPerExpertFailsN1() {
        Verdict v = judge(Int64CountsBackend::new, "quick/edge/dispatch-uniform-f32");
        assertEquals(Status.FAIL, v.result().status());
        assertEquals(Set.of("N1"), rules(v.result()), v.result().violations().toString());
        assertTrue(v.result().violations().get(0).message().contains("i64"));
    }

    /** P2 (pad rows) and P3 (tail rows): a padded buffer that is not zeroed. Unpadded calls are unaffected. */
    @Test
    void unzeroedPaddingFailsP2AndP3() {
        Verdict v = judge(DirtyPaddingBackend::new, "quick/edge/dispatch-padded-a4");
        assertEquals(Status.FAIL, v.result().status());
        assertTrue(rules(v.result()).containsAll(List.of("P2", "P3")), v.result().violations().toString());
        Violation p2 = v.result().violations().stream().filter(x -> x.rule().equals("P2")).findFirst().orElseThrow();
        assertTrue(p2.first().actual().contains("0x5a5a5a5a"), p2.render());
        assertEquals(Status.PASS, judge(DirtyPaddingBackend::new, "quick/edge/dispatch-uniform-f32").result().status());
    }
}
