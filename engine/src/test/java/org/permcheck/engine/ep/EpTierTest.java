package org.permcheck.engine.ep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.permcheck.contract.Rule;
import org.permcheck.engine.exec.Python;
import org.permcheck.engine.exec.RankGroup;
import org.permcheck.engine.model.Status;

/**
 * The ep tier on real processes (docs/spec.md A7–A9, docs/protocol.md 8): the numpy rank port
 * (adapters/python/ep/numpy_rank.py, a real all-to-all over TCP between its processes) passes for
 * S = 2 and 4; each planted hostile rank is never a pass and gets the status its fault means; no
 * rank process outlives the tier. Expected values come from the oracle (RankChain) through EpJudge.
 */
class EpTierTest {
    private static final Path RANK = Python.REPO.resolve("adapters/python/ep/numpy_rank.py");

    @TempDir Path tmp;

    private EpTier.Outcome run(String plant, List<Integer> sizes, Duration limit) throws Exception {
        assumeTrue(Python.hasNumpy() && Files.isRegularFile(RANK), "python3 with numpy and " + RANK);
        String cmd = "python3 " + RANK + (plant == null ? "" : " --plant " + plant);
        EpTier.Outcome o = EpTier.run(cmd, sizes, 1, limit, tmp, false);
        assertNoOrphans(o.pids());
        return o;
    }

    /** Every rank process the tier started is gone once it returns (killed on failure, bye otherwise). */
    private static void assertNoOrphans(List<Long> pids) throws InterruptedException {
        assertFalse(pids.isEmpty());
        long deadline = System.currentTimeMillis() + 3000;
        for (long pid : pids) {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "rank process " + pid + " outlived the tier");
        }
    }

    private static Set<Status> statuses(EpTier.Outcome o) {
        return o.results().stream().map(EpTier.Result::status).collect(Collectors.toSet());
    }

    private static boolean cites(EpTier.Outcome o, Rule rule) {
        return o.results().stream().flatMap(r -> r.violations().stream()).anyMatch(v -> v.rule().equals(rule.id()));
    }

    @Test
    void theNumpyRankPortPassesEveryCaseForTwoAndFourRanks() throws Exception {
        EpTier.Outcome o = run(null, List.of(2, 4), Duration.ofSeconds(20));
        assertEquals(2 * EpCases.SHAPES.size(), o.results().size());
        for (EpTier.Result r : o.results()) assertEquals(Status.PASS, r.status(), r.line());
        assertTrue(o.conformant());
        // the cases hold what the tier promises: a zero-token rank and an uneven split for each S
        assertTrue(o.results().stream().anyMatch(r -> r.worldSize() == 4 && r.tokensPerRank().matches(".*\\b0\\b.*")));
        EpTier.writeReport(o, "numpy", tmp.resolve("report"));
        assertTrue(Files.readString(tmp.resolve("report/summary.md")).startsWith("# permcheck ep tier: CONFORMANT"));
    }

    /** The single-controller form (docs/protocol.md 8.4): one process, S threads, the same chain: all PASS; a plant still fails. */
    @Test
    void theSingleControllerFormPassesAndItsPlantedExchangeFails() throws Exception {
        assumeTrue(Python.hasNumpy() && Files.isRegularFile(RANK), "python3 with numpy and " + RANK);
        EpTier.Outcome ok = EpTier.run("python3 " + RANK + " --single-controller", List.of(2, 4), 1, Duration.ofSeconds(20), tmp.resolve("ok"), true);
        assertEquals(2 * EpCases.SHAPES.size(), ok.results().size());
        for (EpTier.Result r : ok.results()) assertEquals(Status.PASS, r.status(), r.line());
        assertNoOrphans(ok.pids());
        EpTier.Outcome bad = EpTier.run("python3 " + RANK + " --single-controller --plant wrong-offsets", List.of(4), 1, Duration.ofSeconds(20), tmp.resolve("bad"), true);
        assertTrue(cites(bad, Rule.A7) && !bad.conformant(), bad.results().toString());
        assertNoOrphans(bad.pids());
    }

    @Test
    void wrongOutputOffsetsFailA7() throws Exception {
        EpTier.Outcome o = run("wrong-offsets", List.of(2), Duration.ofSeconds(20));
        assertFalse(o.conformant());
        assertTrue(statuses(o).contains(Status.FAIL) && cites(o, Rule.A7), o.results().toString());
    }

    /** A rank's own child (here a sleep each rank starts) dies with it when a failure kills the group. */
    @Test
    void aRankChildProcessDoesNotOutliveTheTier() throws Exception {
        assumeTrue(Python.hasNumpy() && Files.isRegularFile(RANK), "python3 with numpy and " + RANK);
        String marker = "777." + ProcessHandle.current().pid();
        try (RankGroup g = RankGroup.start("sleep " + marker + " & exec python3 " + RANK + " --plant crash-zero-token", 2, tmp, Duration.ofSeconds(20))) {
            assertEquals(2, sleepers(marker), "each rank started its child");
            EpCase zero = EpCases.forWorldSize(2, 1).stream().filter(c -> c.shape().equals("zero-token-rank")).findFirst().orElseThrow();
            assertEquals(Status.CRASH, EpTier.runCase(g, zero, Duration.ofSeconds(20)).status());
            long deadline = System.currentTimeMillis() + 3000;
            while (sleepers(marker) > 0 && System.currentTimeMillis() < deadline) Thread.sleep(50);
            assertEquals(0, sleepers(marker), "a rank's child 'sleep " + marker + "' outlived the failed case");
        }
    }

    private static long sleepers(String marker) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains("sleep " + marker)).orElse(false)).count();
    }

    @Test
    void aDroppedLastSliceFailsA7() throws Exception {
        EpTier.Outcome o = run("drop-last-slice", List.of(2), Duration.ofSeconds(20));
        assertFalse(o.conformant());
        assertTrue(cites(o, Rule.A7), o.results().toString());
    }

    @Test
    void aStaleFirstBackwardFailsA9Only() throws Exception {
        EpTier.Outcome o = run("stale-first-backward", List.of(2), Duration.ofSeconds(20));
        assertEquals(Status.FAIL, o.results().get(0).status());
        assertTrue(o.results().get(0).violations().stream().allMatch(v -> v.rule().equals(Rule.A9.id())), o.results().get(0).line());
    }

    @Test
    void aZeroTokenRankThatCrashesIsCrashNeverPass() throws Exception {
        EpTier.Outcome o = run("crash-zero-token", List.of(2), Duration.ofSeconds(20));
        EpTier.Result zero = o.results().stream().filter(r -> r.name().endsWith("zero-token-rank")).findFirst().orElseThrow();
        assertEquals(Status.CRASH, zero.status(), zero.line());
        assertFalse(o.conformant());
    }

    @Test
    void aRankAnsweringForAnotherIsError() throws Exception {
        assumeTrue(Python.hasNumpy() && Files.isRegularFile(RANK), "python3 with numpy and " + RANK);
        // one case is enough: the hostile rank names another rank in every answer
        try (RankGroup g = RankGroup.start("python3 " + RANK + " --plant wrong-rank", 2, tmp, Duration.ofSeconds(20))) {
            EpTier.Result r = EpTier.runCase(g, EpCases.forWorldSize(2, 1).get(0), Duration.ofSeconds(20));
            assertEquals(Status.ERROR, r.status(), r.line());
            assertTrue(r.details().contains("wrong rank"), r.details());
            assertFalse(g.usable());
            assertNoOrphans(g.pids());
        }
    }

    @Test
    void aHangingRankIsTimeoutAndEveryRankIsKilled() throws Exception {
        EpTier.Outcome o = run("hang", List.of(2), Duration.ofSeconds(2));
        EpTier.Result zero = o.results().stream().filter(r -> r.name().endsWith("zero-token-rank")).findFirst().orElseThrow();
        assertEquals(Status.TIMEOUT, zero.status(), zero.line());
        assertFalse(o.conformant());
    }
}
