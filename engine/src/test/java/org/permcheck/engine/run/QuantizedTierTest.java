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
import org.permcheck.engine.vectors.VectorSet;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Capabilities;
import org.permcheck.spi.Outputs;

/**
 * The quick tier judges block scales (docs/spec.md F1-F4): its quantized cases (both recipes: the nine edge cases,
 * three of them torch-mask-pad for the TE PyTorch adapter, and the five vectors; its sampled cases are the legacy draws, which never move) pass on the CPU backend and the
 * numpy port, a planted unpermuted copy fails F2, and a backend that does not claim the feature {@code quantized}
 * gets NOT_SUPPORTED for every one of them, never PASS. A fuzz campaign's size mix gives half its fp8 dispatches scales.
 */
class QuantizedTierTest {

    static List<Case> quantizedCases() throws java.io.IOException {
        return Tier.QUICK.cases(Tier.DEFAULT_SEED, Shard.ALL, VectorSet.load(java.nio.file.Path.of("..", "vectors"))).stream()
                .filter(c -> c.features().contains(CaseFeatures.QUANTIZED)).collect(Collectors.toList());
    }

    private static RunOptions options() { return RunOptions.defaults().withDeterminism(false).withRoundTrip(false); }

    @Test
    void theQuickTierHasQuantizedCasesOfBothRecipesAndTheyPassOnTheCpuBackend() throws Exception {
        List<Case> cases = quantizedCases();
        assertEquals(9, cases.stream().filter(c -> c.id().startsWith("quick/edge/")).count(), "the nine edge cases");
        assertEquals(4, cases.stream().filter(c -> c.id().startsWith("quick/edge/") && c.id().contains("torch")).count(),
                "four in torch-mask-pad, the profile the TE PyTorch adapter claims");
        assertEquals(5, cases.stream().filter(c -> c.id().startsWith("vec/")).count(), "the five vectors");
        assertTrue(cases.stream().anyMatch(c -> c.features().contains("scale:fp8-block-1x128") || c.features().contains("fp8-block-1x128")));
        assertTrue(cases.stream().anyMatch(c -> c.features().contains("scale:mxfp8") || c.features().contains("mxfp8")));
        Set<String> rules = cases.stream().flatMap(c -> c.rules().stream()).collect(Collectors.toSet());
        assertTrue(rules.containsAll(List.of("F1", "F2", "F3", "F4")), rules.toString());
        RunResult r;
        try (Runner runner = new Runner(BackendFactory.byName("cpu"), options())) {
            r = runner.run(cases);
        }
        assertEquals(List.of(), notPassing(r));
    }

    /** A fuzz campaign's size mix draws scales (seed bits, no draw): both recipes, and only on fp8 dispatches. */
    @Test
    void aSizeMixGivesHalfItsFp8DispatchesScales() {
        org.permcheck.engine.fuzz.SizeMix mix = org.permcheck.engine.fuzz.SizeMix.all();
        long fp8 = 0, scaled = 0;
        Set<Integer> recipes = new java.util.TreeSet<>();
        for (long i = 0; i < 4000; i++) {
            org.permcheck.engine.fuzz.CaseSpec s = org.permcheck.engine.fuzz.SpecSampler.draw(org.permcheck.engine.fuzz.SplitMix64.nth(17, i), mix).spec();
            boolean f8 = s.dtype() == org.permcheck.tensor.DType.F8E4M3 || s.dtype() == org.permcheck.tensor.DType.F8E5M2;
            if (s.scaleRecipe() != 0) {
                assertTrue(f8 && s.op() == org.permcheck.contract.Op.DISPATCH, s.toString());
                recipes.add(s.scaleRecipe());
                scaled++;
            }
            if (f8 && s.op() == org.permcheck.contract.Op.DISPATCH && !s.profile().argsortOutputs()) fp8++;
        }
        assertEquals(Set.of(1, 2), recipes);
        assertTrue(scaled > fp8 / 4 && scaled < fp8 * 3 / 4, scaled + " of " + fp8);
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
    void theNumpyPortMovesScalesAndItsPlantedUnpermutedCopyFailsF2() throws Exception {
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
