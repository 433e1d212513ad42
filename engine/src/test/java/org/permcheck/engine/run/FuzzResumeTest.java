package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.report.BundleBudget;
import org.permcheck.engine.report.Campaign;
import org.permcheck.engine.report.FailureSignature;
import org.permcheck.engine.testbackends.AlwaysErrorBackend;

/** fuzz --resume (issue 13): a stopped campaign resumed runs exactly the case indices it had left. */
class FuzzResumeTest {
    private static final long SEED = 20261203L, CASES = 40;

    private static RunOptions fast() {
        return RunOptions.defaults().withDeterminism(false).withRoundTrip(false);
    }

    /** The ids an uninterrupted campaign judges, in order: the reference a resumed one must equal. */
    private static List<String> unbroken() {
        List<String> ids = new ArrayList<>();
        new Fuzzer(CpuBackend::new, fast().withProgress((done, total, r) -> ids.add(r.caseId()))).run(FuzzOptions.of(SEED, CASES));
        return ids;
    }

    @Test
    void aStoppedCampaignResumedRunsExactlyTheRemainingCases(@TempDir Path dir) throws Exception {
        List<String> reference = unbroken();
        assertEquals(CASES, reference.size());

        // session 1: stopped (as a signal would) after 15 cases; the campaign counts each case where the listener sees it
        Campaign c = Campaign.start(Map.of("seed", String.valueOf(SEED), "cases", String.valueOf(CASES)));
        RunControl control = RunControl.none();
        List<String> first = new ArrayList<>();
        RunResult r1 = new Fuzzer(CpuBackend::new, fast().withControl(control).withProgress((done, total, r) -> {
            c.record(done - 1, r);
            first.add(r.caseId());
            if (done == 15) control.stop("test stop");
        })).run(FuzzOptions.of(SEED, CASES));
        assertEquals(15, r1.totalCases());
        c.save(dir, r1.info().wallMillis());

        // session 2: read back from disk, as fuzz --resume does, and go on from the next index
        Campaign again = Campaign.read(dir);
        assertEquals(15, again.next());
        assertEquals(2, again.sessions());
        List<String> second = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        RunResult r2 = new Fuzzer(CpuBackend::new, fast().withProgress((done, total, r) -> {
            again.record(done - 1, r);
            positions.add(done);
            second.add(r.caseId());
        })).run(FuzzOptions.of(SEED, CASES), again.next());
        assertEquals(CASES - 15, r2.totalCases(), "the rest of --cases, not --cases again");
        assertEquals(16L, positions.get(0), "the listener is told the stream position");
        List<String> both = new ArrayList<>(first);
        both.addAll(second);
        assertEquals(reference, both, "the same cases, the same ids, none twice, none left out");
        assertEquals(CASES, again.next());
        assertEquals(CASES, again.cases());
    }

    @Test
    void aResumeAtTheEndRunsNothing() {
        RunResult r = new Fuzzer(CpuBackend::new, fast()).run(FuzzOptions.of(SEED, CASES), CASES);
        assertEquals(0, r.totalCases());
    }

    @Test
    void signaturesAreCountedAcrossSessionsAndBundledOnlyUpToTheBudget(@TempDir Path dir) throws Exception {
        // every case ERRORs: one signature per op (FailureSignature); budget 2 bundles per signature over the campaign
        Campaign c = Campaign.start(Map.of("seed", "1"));
        BundleBudget b1 = new BundleBudget(2);
        List<Boolean> fresh = new ArrayList<>();
        List<FailureSignature> sigs = new ArrayList<>();
        Map<FailureSignature, Integer> bundles = new java.util.HashMap<>();
        RunResult r1 = new Fuzzer(AlwaysErrorBackend::new, fast().withFailureSink((cs, e, a, r) -> {
            if (!b1.admit(r)) return null;
            bundles.merge(FailureSignature.of(r), 1, Integer::sum);
            return "bundle/" + cs.id();
        }).withProgress((done, total, r) -> {
            fresh.add(c.record(done - 1, r));
            sigs.add(FailureSignature.of(r));
        })).run(FuzzOptions.of(1, 20).withShrink(false));
        assertEquals(20, r1.totalCases());
        // a signature is new exactly at its first case (computed from the signatures themselves)
        List<Boolean> firstSeen = new ArrayList<>();
        HashSet<FailureSignature> seen = new HashSet<>();
        for (FailureSignature s : sigs) firstSeen.add(seen.add(s));
        assertEquals(firstSeen, fresh);
        c.save(dir, 1);

        Campaign again = Campaign.read(dir);
        assertEquals(seen.size(), again.signatures().size());
        assertEquals(20, again.failures());
        for (Campaign.Seen s : again.signatures()) assertEquals((int) bundles.getOrDefault(s.signature(), 0), s.bundles(), s.signature().label());
        assertTrue(bundles.containsValue(2), "some signature used its whole budget in session 1");
        BundleBudget b2 = new BundleBudget(2);
        again.preload(b2);
        new Fuzzer(AlwaysErrorBackend::new, fast().withFailureSink((cs, e, a, r) -> {
            if (!b2.admit(r)) return null;
            bundles.merge(FailureSignature.of(r), 1, Integer::sum);
            return "bundle/" + cs.id();
        }).withProgress((done, total, r) -> again.record(done - 1, r))).run(FuzzOptions.of(1, 60).withShrink(false), again.next());
        for (Map.Entry<FailureSignature, Integer> e : bundles.entrySet()) assertTrue(e.getValue() <= 2, "over the campaign's budget: " + e);
        assertEquals(60, again.cases());
        assertEquals(60, again.signatures().stream().mapToLong(Campaign.Seen::cases).sum());
        assertTrue(again.signatures().stream().allMatch(s -> s.signature().status() == Status.ERROR));
    }

    @Test
    void differencesNameEveryOptionThatDiffersAndOnlyThose(@TempDir Path dir) throws Exception {
        Campaign c = Campaign.start(Map.of("seed", "5", "cases", "100", "backend", "cpu"));
        c.save(dir, 0);
        Campaign read = Campaign.read(dir);
        assertEquals(List.of(), read.differences(Map.of("seed", "5")));
        assertEquals(List.of("--seed 6 (campaign: 5)"), read.differences(Map.of("seed", "6")));
        assertTrue(read.differences(Map.of("time", "10m")).get(0).contains("not given"));
        assertFalse(Files.exists(dir.resolve("." + Campaign.FILE + ".partial")), "no partial file left");
    }

    @Test
    void aDirectoryWithoutACampaignIsOneLine(@TempDir Path dir) {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> Campaign.read(dir));
        assertTrue(e.getMessage().contains("holds no campaign.json"), e.getMessage());
    }
}
