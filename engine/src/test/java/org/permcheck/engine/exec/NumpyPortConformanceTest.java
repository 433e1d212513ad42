package org.permcheck.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.run.FuzzOptions;
import org.permcheck.engine.fuzz.ClassCounts;
import org.permcheck.engine.fuzz.SizeMix;
import org.permcheck.engine.run.Fuzzer;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Shard;
import org.permcheck.engine.run.Tier;
import org.permcheck.engine.vectors.VectorSet;

/**
 * The example port (adapters/python/examples/numpy_port.py) through the protocol: conformant on the
 * vectors, a quick-tier-like case list and a short fuzz; and each deliberately planted bug
 * (PERMCHECK_PLANT_BUG) is caught as a FAIL citing the rule it breaks.
 */
class NumpyPortConformanceTest {
    static final Path VECTORS = Python.REPO.resolve("vectors");

    @BeforeAll
    static void needNumpy() {
        assumeTrue(Python.hasNumpy(), "python3 with numpy not found: the numpy example port cannot run here");
        assumeTrue(Python.repoLooksRight(), "adapters/python/examples/numpy_port.py not found from " + Python.REPO);
    }

    static RunOptions options() {
        return RunOptions.defaults().withDeterminism(false).withCaseTimeout(Duration.ofSeconds(60));
    }

    static String describe(RunResult r) {
        return r.results().stream().filter(c -> c.status() != Status.PASS)
                .limit(8).map(c -> c.caseId() + " " + c.status() + " " + c.detail() + " "
                        + c.violations().stream().map(Violation::render).collect(Collectors.joining("; ")))
                .collect(Collectors.joining("\n"));
    }

    static List<Case> quickLike() throws IOException {
        List<Case> cases = new ArrayList<>(VectorSet.load(VECTORS));
        // the quick tier's edge cases and every 3rd sampled case keep this to a few seconds on 2 cores
        cases.addAll(Tier.QUICK.cases(Tier.DEFAULT_SEED, new Shard(0, 3)));
        return cases;
    }

    @Test
    void theNumpyPortIsConformantThroughTheProtocol() throws IOException {
        List<Case> cases = quickLike();
        RunResult r;
        try (Runner runner = new Runner(() -> ExecBackend.forCommand(Python.numpyPort()), options())) {
            r = runner.run(cases);
        }
        Map<Status, Long> by = new TreeMap<>();
        for (CaseResult c : r.results()) by.merge(c.status(), 1L, Long::sum);
        assertTrue(r.conformant(), "statuses " + by + "\n" + describe(r));
        assertEquals(cases.size(), r.results().size());
        assertTrue(by.getOrDefault(Status.PASS, 0L) >= cases.size() * 9 / 10, "almost everything is claimed and passes: " + by);
    }

    @Test
    void aShortFuzzThroughTheProtocolFindsNothing() {
        RunResult r = new Fuzzer(() -> ExecBackend.forCommand(Python.numpyPort()), options().withTier("fuzz"))
                .run(FuzzOptions.of(7, 150));
        assertTrue(r.conformant(), describe(r));
        assertEquals(150, r.results().size());
    }

    /** The port handles what a size mix draws: bool and int64 routing maps (X2), distinct values, the boundary classes. */
    @Test
    void aShortFuzzOverEverySizeClassAndRoutingDtypeFindsNothing() {
        RunResult r = new Fuzzer(() -> ExecBackend.forCommand(Python.numpyPort()), options().withTier("fuzz"))
                .run(FuzzOptions.of(7, 120).withSizes(SizeMix.all().withBounds(1100, 70, 2, 4)));
        assertTrue(r.conformant(), describe(r));
        for (String routing : ClassCounts.ROUTING_LABELS) {
            ClassCounts.Counts c = ClassCounts.of(r).routing().get(routing);
            assertTrue(c.ran() > 0, routing + " reached");
        }
        assertTrue(r.results().stream().allMatch(c -> c.status() == Status.PASS), "claimed and passed: " + describe(r));
    }

    /** Each planted bug breaks the rules named here (docs/spec.md); the run must say so. */
    @ParameterizedTest(name = "planted bug {0} is caught by {1}")
    @CsvSource({
            "zero-prob,       D3",
            "token-order,     D1",
            "pad-offsets,     P1",
            "combine-weights, C1",
            "chunk-tail,      S2",
            "maxtext-unstable-sort, J3",
    })
    void aBrokenCopyIsCaught(String bug, String rule) throws IOException {
        RunResult r;
        try (Runner runner = new Runner(() -> ExecBackend.forCommand("PERMCHECK_PLANT_BUG=" + bug + " " + Python.numpyPort()), options())) {
            r = runner.run(VectorSet.load(VECTORS));
        }
        assertFalse(r.conformant(), bug + " went unnoticed");
        List<String> rules = r.results().stream().filter(c -> c.status() == Status.FAIL)
                .flatMap(c -> c.violations().stream()).map(Violation::rule).distinct().sorted().toList();
        assertTrue(rules.contains(rule), bug + " should break " + rule + "; broken: " + rules + "\n" + describe(r));
        assertTrue(r.results().stream().noneMatch(c -> c.status() == Status.CRASH || c.status() == Status.HARNESS_ERROR), describe(r));
    }
}
