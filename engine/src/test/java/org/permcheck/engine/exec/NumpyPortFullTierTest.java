package org.permcheck.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Shard;
import org.permcheck.engine.run.Tier;
import org.permcheck.engine.vectors.VectorSet;

/**
 * Issue 9, "a perfect protocol backend is NOT CONFORMANT on the full tier": the whole full tier
 * (the stored vectors, the edge cases up to T=4096 and H=7168, 4000 sampled MEDIUM cases) through the
 * protocol against the numpy example port, as `./permcheck run --tier full --backend exec:...` runs
 * it, must be conformant with every case judged PASS. At 7433f50 this run had 6 FAIL and 7 ERROR,
 * every one a correct answer refused by the output budget; in-process backends never see the
 * budget, so only a protocol run holds this class. Determinism is on, as in the CLI. About three
 * minutes on CI's two cores (docs/checks.md section 11).
 */
class NumpyPortFullTierTest {
    static final int SHARDS = 10;

    @BeforeAll
    static void needNumpy() {
        assumeTrue(Python.hasNumpy(), "python3 with numpy not found: the numpy example port cannot run here");
        assumeTrue(Python.repoLooksRight(), "adapters/python/examples/numpy_port.py not found from " + Python.REPO);
    }

    @Test
    void theWholeFullTierThroughTheProtocolIsConformant() throws IOException {
        List<Case> vectors = VectorSet.load(Python.REPO.resolve("vectors"));
        Map<Status, Long> by = new TreeMap<>();
        List<RunResult> broken = new ArrayList<>();
        int total = 0;
        try (Runner runner = new Runner(() -> ExecBackend.forCommand(Python.numpyPort()),
                RunOptions.defaults().withTier("full").withCaseTimeout(Duration.ofSeconds(120)))) {
            // the tier in ten shards (their union is the tier): one shard's tensors at a time in the heap
            for (int i = 0; i < SHARDS; i++) {
                List<Case> cases = Tier.FULL.cases(Tier.DEFAULT_SEED, new Shard(i, SHARDS), vectors);
                RunResult r = runner.run(cases);
                total += cases.size();
                for (CaseResult c : r.results()) by.merge(c.status(), 1L, Long::sum);
                if (!r.conformant()) broken.add(r);
            }
        }
        assertTrue(total > 4000, "the full tier has " + total + " cases");
        assertEquals(Map.of(Status.PASS, (long) total), by,
                broken.stream().map(NumpyPortConformanceTest::describe).collect(Collectors.joining("\n")));
        assertEquals(List.of(), broken);
    }
}
