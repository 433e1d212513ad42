package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.permcheck.contract.Rule;
import org.permcheck.engine.check.Checks;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.vectors.VectorSet;

/** The CPU backend is conformant on the quick tier, and the quick tier exercises every rule the checks cite. */
class QuickTierCpuTest {

    @Test
    void cpuBackendIsConformantOnTheQuickTierWithTheCommittedVectors() throws Exception {
        long t0 = System.nanoTime();
        RunResult r;
        try (Runner runner = new Runner(BackendFactory.byName("cpu"), RunOptions.defaults())) {
            r = runner.run(Tier.QUICK.cases(Tier.DEFAULT_SEED, Shard.ALL, VectorSet.load(Path.of("..", "vectors"))));
        }
        System.out.printf("quick tier: %d cases in %.1f s%n", r.results().size(), (System.nanoTime() - t0) / 1e9);
        List<String> bad = r.results().stream().filter(x -> x.status() != Status.PASS)
                .map(x -> x.caseId() + " " + x.status() + " " + x.detail() + " " + x.violations().stream().map(v -> v.render()).collect(Collectors.toList()))
                .limit(10).collect(Collectors.toList());
        assertEquals(List.of(), bad);
        assertTrue(r.conformant());
        assertTrue(r.results().stream().anyMatch(x -> x.caseId().startsWith("vec/")), "the vectors ran");
        Set<String> exercised = new TreeSet<>();
        for (CaseResult c : r.results()) exercised.addAll(c.rules());
        Set<String> missing = new TreeSet<>();
        // group B (B2, guard bands) is exercised by the robustness tier's probes (RobustnessTierTest), not the quick tier
        for (Rule rule : Checks.judgedRules()) if (!rule.robustness()) missing.add(rule.id());
        missing.removeAll(exercised);
        assertEquals(Set.of(), missing, "rules no quick-tier case exercises");
    }
}
