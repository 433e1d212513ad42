package org.permcheck.engine.mutants;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.run.BackendFactory;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Verdict;

/**
 * Hunts one backend: the zoo's quick tier first, then seeded fuzz cases up to a budget; the first
 * case that does not pass ends the hunt, and a FAIL is shrunk (smaller T, E, H, k, no tail, smaller
 * align, no probs; same seed) to a minimal counterexample.
 */
final class KillSearch {
    private KillSearch() {}

    /** How hard to look. */
    record Budget(int fuzzCases, Duration fuzzTime, long fuzzSeed, int shrinkCalls) {
        static Budget standard() { return new Budget(1000, Duration.ofSeconds(30), 20261126L, 300); }
    }

    /**
     * What a hunt found.
     *
     * @param stage     "quick", "fuzz" or "survived"
     * @param status    the first non-passing status (FAIL for a clean kill), PASS when it survived
     * @param caseId    the killing case
     * @param cases     cases run up to and including the kill
     * @param rules     the rules the killing verdict cites (shrunk case; the original's when shrinking lost them)
     * @param found     the shape that first failed
     * @param shrunk    the minimal failing shape
     * @param message   the first violation of the shrunk case, or the detail of a non-FAIL status
     */
    record Kill(String stage, Status status, String caseId, int cases, List<String> rules, ZooShape found, ZooShape shrunk,
                String message) {
        boolean killed() { return status == Status.FAIL; }
    }

    static Kill hunt(BackendFactory factory, Budget budget) {
        try (Runner runner = new Runner(factory, RunOptions.defaults().withTier("mutants").withCaseTimeout(Duration.ofSeconds(60)))) {
            int n = 0;
            List<ZooShape> quick = ZooQuick.shapes();
            for (int i = 0; i < quick.size(); i++) {
                n++;
                Verdict v = runner.judge(toCase("zoo/quick/" + i + "/" + quick.get(i).op().wireName(), quick.get(i)));
                if (v.result().status() != Status.PASS && v.result().status() != Status.NOT_SUPPORTED) {
                    return finish(runner, "quick", v, n, quick.get(i), budget);
                }
            }
            long deadline = System.nanoTime() + budget.fuzzTime().toNanos();
            for (int i = 0; i < budget.fuzzCases() && System.nanoTime() < deadline; i++) {
                n++;
                long seed = budget.fuzzSeed() * 1_000_003L + i;
                ZooShape s = ZooGenerator.randomShape(seed);
                Verdict v = runner.judge(toCase("zoo/fuzz/seed=" + budget.fuzzSeed() + "/" + i + "/" + s.op().wireName(), s));
                if (v.result().status() != Status.PASS && v.result().status() != Status.NOT_SUPPORTED) {
                    return finish(runner, "fuzz", v, n, s, budget);
                }
            }
            return new Kill("survived", Status.PASS, null, n, List.of(), null, null, null);
        }
    }

    private static Kill finish(Runner runner, String stage, Verdict v, int n, ZooShape found, Budget budget) {
        Status st = v.result().status();
        if (st != Status.FAIL) {
            return new Kill(stage, st, v.result().caseId(), n, List.of(), found, found, v.result().detail());
        }
        ZooShape best = found;
        Verdict bestVerdict = v;
        int calls = 0;
        boolean progress = true;
        while (progress && calls < budget.shrinkCalls()) {
            progress = false;
            for (ZooShape cand : best.shrinkCandidates()) {
                if (calls++ >= budget.shrinkCalls()) break;
                Verdict cv;
                try {
                    cv = runner.judge(toCase("zoo/shrink", cand));
                } catch (RuntimeException e) {
                    continue; // a candidate the generator cannot build is simply not smaller
                }
                if (cv.result().status() == Status.FAIL) {
                    best = cand;
                    bestVerdict = cv;
                    progress = true;
                    break;
                }
            }
        }
        return new Kill(stage, Status.FAIL, v.result().caseId(), n, rules(bestVerdict), found, best,
                bestVerdict.result().violations().get(0).render());
    }

    static List<String> rules(Verdict v) {
        Set<String> r = new LinkedHashSet<>();
        for (Violation x : v.result().violations()) r.add(x.rule());
        return new ArrayList<>(r);
    }

    static Case toCase(String id, ZooShape s) {
        return new Case(id, ZooGenerator.invocation(s), List.of(), Set.of(), s.seed(), "fuzz");
    }
}
