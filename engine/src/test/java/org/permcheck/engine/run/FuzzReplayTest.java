package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.permcheck.contract.Invocation;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.Tensor;

/** A fuzz run's printed seed replays the same cases; shards split the cases without overlap. */
class FuzzReplayTest {

    /** Records a digest of every call it receives (op, attrs, every input's bytes). */
    static final class Recording implements Backend {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final CpuBackend cpu = new CpuBackend();

        @Override
        public BackendInfo info() { return cpu.info(); }

        @Override
        public Outputs run(Invocation inv) throws Exception {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(inv.op().wireName().getBytes());
            md.update(inv.attrs().toString().getBytes());
            for (Map.Entry<String, Tensor> e : inv.inputs().entrySet()) {
                md.update(e.getKey().getBytes());
                md.update(e.getValue().shapeString().getBytes());
                for (int i = 0; i < e.getValue().chunkCount(); i++) md.update(e.getValue().chunk(i));
            }
            seen.add(java.util.HexFormat.of().formatHex(md.digest()));
            return cpu.run(inv);
        }
    }

    private static List<String> calls(long seed, List<String> log) {
        Recording rec = new Recording();
        RunResult r = new Fuzzer(() -> rec, RunOptions.defaults().withDeterminism(false).withRoundTrip(false).withLog(log::add))
                .run(FuzzOptions.of(seed, 80));
        assertTrue(r.conformant(), "the CPU backend must pass");
        assertEquals(List.of(seed), r.info().seeds());
        return rec.seen;
    }

    @Test
    void theSameSeedReplaysTheSameCasesBitForBit() {
        List<String> log = new ArrayList<>();
        List<String> first = calls(424242L, log);
        assertTrue(log.get(0).contains("seed=424242"), "the seed is printed first: " + log);
        List<String> again = calls(424242L, new ArrayList<>());
        assertEquals(80, first.size());
        assertEquals(first, again);
        assertNotEquals(first, calls(424243L, new ArrayList<>()));
    }

    @Test
    void aFuzzCaseIdRebuildsTheCaseTheRunUsed() {
        Recording rec = new Recording();
        new Fuzzer(() -> rec, RunOptions.defaults().withDeterminism(false).withRoundTrip(false)).run(FuzzOptions.of(99, 5));
        Recording replay = new Recording();
        try (Runner r = new Runner(() -> replay, RunOptions.defaults().withDeterminism(false).withRoundTrip(false))) {
            assertEquals(Status.PASS, r.judge(Tier.caseById("fuzz/seed=99/3").orElseThrow()).result().status());
        }
        assertEquals(rec.seen.get(3), replay.seen.get(0));
    }

    @Test
    void shardsPartitionTheCases() {
        Set<String> all = new HashSet<>();
        int total = 0;
        for (int i = 0; i < 3; i++) {
            RunResult r = new Fuzzer(CpuBackend::new, RunOptions.defaults().withDeterminism(false).withRoundTrip(false))
                    .run(FuzzOptions.of(5, 10).withShard(new Shard(i, 3)));
            for (CaseResult c : r.results()) {
                String idx = c.caseId().substring(c.caseId().lastIndexOf('/') + 1);
                assertEquals(i, Integer.parseInt(idx) % 3, c.caseId());
                all.add(c.caseId());
                total++;
            }
        }
        assertEquals(30, total);
        assertEquals(30, all.size());
        assertEquals(Tier.QUICK.cases(1, Shard.ALL).size(),
                Tier.QUICK.cases(1, new Shard(0, 2)).size() + Tier.QUICK.cases(1, new Shard(1, 2)).size());
    }

    @Test
    void shardTextIsParsedWithOneLineErrors() {
        assertEquals(new Shard(2, 5), Shard.parse("2/5"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Shard.parse("5/5"));
        assertTrue(e.getMessage().contains("0 <= i < n"));
    }

    /**
     * A campaign keeps bounded memory and reports: past Fuzzer.MAX_LISTED_PASSES its passing cases
     * are tallied, not listed, and still count (in the total and in the coverage).
     */
    @Test
    void passesBeyondTheListingLimitAreTalliedNotListed() {
        int n = Fuzzer.MAX_LISTED_PASSES + 300;
        RunResult r = new Fuzzer(CpuBackend::new, RunOptions.defaults().withDeterminism(false).withRoundTrip(false).withLog(x -> {}))
                .run(FuzzOptions.of(7, n));
        assertTrue(r.conformant());
        assertEquals(Fuzzer.MAX_LISTED_PASSES, r.results().size());
        assertEquals(300, r.unlisted().cases());
        assertEquals(n, r.totalCases());
        long ruleD1 = r.coverage().getOrDefault("rule:D1", 0L);
        long listedD1 = r.results().stream().filter(c -> c.rules().contains("D1")).count();
        assertEquals(listedD1 + r.unlisted().perRule().getOrDefault("D1", 0L), ruleD1);
    }

    @Test
    void untilFailuresEndsACompleteRunAtTheNthFailure() {
        // a backend that errs on every call: each case breaks conformance, so the 3rd case is the last
        RunResult r = new Fuzzer(org.permcheck.engine.testbackends.AlwaysErrorBackend::new,
                RunOptions.defaults().withDeterminism(false).withRoundTrip(false).withLog(x -> {}))
                .run(FuzzOptions.of(5, 1000).withShrink(false).withUntilFailures(3));
        assertEquals(3, r.results().size(), "stopped at the third failure");
        assertEquals(3, r.results().stream().filter(c -> c.status().breaksConformance()).count());
        assertEquals(org.permcheck.engine.model.RunVerdict.NOT_CONFORMANT, r.verdict(), "complete and failed, not INCOMPLETE");
    }

    /** Swaps two tokens' rows (D1) on every third call only: a nondeterministic backend. */
    static final class EveryThirdCallSwaps implements Backend {
        final org.permcheck.engine.testbackends.SwappedTokensBackend swapped = new org.permcheck.engine.testbackends.SwappedTokensBackend();
        final CpuBackend right = new CpuBackend();
        int calls;

        @Override public org.permcheck.spi.BackendInfo info() { return right.info(); }

        @Override public org.permcheck.spi.Outputs run(org.permcheck.contract.Invocation inv) {
            return calls++ % 3 == 0 ? swapped.run(inv) : right.run(inv);
        }
    }

    static String firstShrunk(RunResult r) {
        return r.results().stream().filter(c -> c.shrunk() != null).findFirst().orElseThrow().shrunk();
    }

    @Test
    void aShrunkCaseSaysHowOftenItFailsAgainAndAFlakyBackendIsNamedFlaky() {
        RunOptions o = RunOptions.defaults().withDeterminism(false).withRoundTrip(false).withLog(x -> {});
        // always wrong: the minimal case fails every replay
        String steady = firstShrunk(new Fuzzer(org.permcheck.engine.testbackends.SwappedTokensBackend::new, o)
                .run(FuzzOptions.of(11, 2000).withUntilFailures(1)));
        assertTrue(steady.endsWith("; reproduced 5 of 5 replays"), steady);
        // wrong on one call in three: at most 2 of 5 replays can fail, so the note says FLAKY
        String flaky = firstShrunk(new Fuzzer(EveryThirdCallSwaps::new, o).run(FuzzOptions.of(11, 2000).withUntilFailures(1)));
        assertTrue(flaky.contains("; FLAKY: reproduced ") && flaky.contains(" of 5 replays (the backend is nondeterministic on this case)"), flaky);
    }
}
