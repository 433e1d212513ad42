package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Invocation;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.exec.ExecBackend;
import org.permcheck.engine.exec.Python;
import org.permcheck.engine.fuzz.CaseFeatures;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Capabilities;
import org.permcheck.spi.Outputs;

/**
 * The quick tier judges block scales (docs/spec.md F1-F4): its quantized cases (both recipes, edge cases and
 * sampled ones) pass on the CPU backend and the numpy port, a planted unpermuted copy fails F2, and a backend
 * that does not claim the feature {@code quantized} gets NOT_SUPPORTED for every one of them, never PASS.
 */
class QuantizedTierTest {

    static List<Case> quantizedCases() {
        return Tier.QUICK.cases(Tier.DEFAULT_SEED, Shard.ALL).stream().filter(c -> c.features().contains(CaseFeatures.QUANTIZED))
                .collect(Collectors.toList());
    }

    private static RunOptions options() { return RunOptions.defaults().withDeterminism(false).withRoundTrip(false); }

    @Test
    void theQuickTierHasQuantizedCasesOfBothRecipesAndTheyPassOnTheCpuBackend() throws Exception {
        List<Case> cases = quantizedCases();
        assertTrue(cases.size() >= 6 + 10, "the six edge cases and sampled fp8 dispatches: " + cases.size());
        assertTrue(cases.stream().anyMatch(c -> c.features().contains("scale:fp8-block-1x128")));
        assertTrue(cases.stream().anyMatch(c -> c.features().contains("scale:mxfp8")));
        assertTrue(cases.stream().anyMatch(c -> c.id().startsWith("quick/edge/")) && cases.stream().anyMatch(c -> !c.id().startsWith("quick/edge/")));
        Set<String> rules = cases.stream().flatMap(c -> c.rules().stream()).collect(Collectors.toSet());
        assertTrue(rules.containsAll(List.of("F1", "F2", "F3", "F4")), rules.toString());
        RunResult r;
        try (Runner runner = new Runner(BackendFactory.byName("cpu"), options())) {
            r = runner.run(cases);
        }
        assertEquals(List.of(), notPassing(r));
    }

    @Test
    void aBackendThatDoesNotClaimQuantizedIsNotSupportedNeverPass() throws Exception {
        RunResult r;
        try (Runner runner = new Runner(WithoutQuantized::new, options())) {
            r = runner.run(quantizedCases());
        }
        assertTrue(r.results().stream().allMatch(c -> c.status() == Status.NOT_SUPPORTED),
                r.results().stream().map(c -> c.caseId() + " " + c.status()).collect(Collectors.toList()).toString());
    }

    @Test
    void theNumpyPortMovesScalesAndItsPlantedUnpermutedCopyFailsF2() {
        assumeTrue(Python.hasNumpy(), "python3 with numpy not found: the numpy port cannot run");
        List<Case> cases = quantizedCases();
        RunResult r;
        try (Runner runner = new Runner(() -> ExecBackend.forCommand(Python.numpyPort()), options())) {
            r = runner.run(cases);
        }
        assertEquals(List.of(), notPassing(r));
        RunResult bug;
        try (Runner runner = new Runner(() -> ExecBackend.forCommand("PERMCHECK_PLANT_BUG=scales-unpermuted " + Python.numpyPort()), options())) {
            bug = runner.run(cases);
        }
        Set<String> broken = bug.results().stream().filter(c -> c.status() == Status.FAIL).flatMap(c -> c.violations().stream())
                .map(v -> v.rule()).collect(Collectors.toSet());
        assertTrue(broken.contains("F2"), broken.toString());
    }

    private static List<String> notPassing(RunResult r) {
        return r.results().stream().filter(x -> x.status() != Status.PASS)
                .map(x -> x.caseId() + " " + x.status() + " " + x.detail() + " " + x.violations().stream().map(v -> v.render()).collect(Collectors.toList()))
                .limit(10).collect(Collectors.toList());
    }

    /** The CPU backend's answers, claiming every feature but {@code quantized}. */
    static final class WithoutQuantized implements Backend {
        private final CpuBackend cpu = new CpuBackend();

        @Override
        public BackendInfo info() {
            Capabilities all = Capabilities.everything();
            Set<Capabilities.Feature> f = EnumSet.copyOf(all.features());
            f.remove(Capabilities.Feature.QUANTIZED);
            return new BackendInfo("cpu-without-quantized", "0", "CPU", new Capabilities(all.ops(), all.dtypes(), all.profiles(), f),
                    Optional.empty(), Map.of());
        }

        @Override
        public Outputs run(Invocation inv) { return cpu.run(inv); }

        @Override
        public void close() {}
    }
}
