package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.engine.fuzz.SizeClass;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.RunVerdict;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.report.BundleBudget;
import org.permcheck.engine.report.SignatureTable;
import org.permcheck.engine.testbackends.AlwaysErrorBackend;

/**
 * Nothing found is lost (docs/checks.md, "Guarantees: what is never lost"): a stopped run
 * summarizes what it has with the stop reason; checkpoints carry the result so far; repro bundles
 * are bounded per failure signature while every case still counts.
 */
class RunControlTest {
    private static RunOptions fast() {
        return RunOptions.defaults().withDeterminism(false).withRoundTrip(false);
    }

    /** Stops the run from the progress listener once {@code at} cases are done. */
    private static RunOptions stoppingAt(RunControl control, long at) {
        return fast().withControl(control).withProgress((done, total, r) -> {
            if (done == at) control.stop("test stop");
        });
    }

    @Test
    void aStoppedFuzzRunWithNothingWrongIsIncompleteWithWhatItRan() {
        RunControl control = RunControl.none();
        RunResult r = new Fuzzer(CpuBackend::new, stoppingAt(control, 7)).run(FuzzOptions.of(11, 1000));
        assertEquals(RunVerdict.INCOMPLETE, r.verdict());
        assertEquals(7, r.totalCases());
        assertEquals(List.of("incomplete: test stop after 7 cases"), r.verdictReasons());
    }

    @Test
    void aStoppedFuzzRunWithFailuresIsNotConformantAndKeepsThem() {
        RunControl control = RunControl.none();
        RunResult r = new Fuzzer(AlwaysErrorBackend::new, stoppingAt(control, 5)).run(FuzzOptions.of(11, 1000).withShrink(false));
        assertEquals(RunVerdict.NOT_CONFORMANT, r.verdict());
        assertEquals(5, r.results().stream().filter(x -> x.status() == Status.ERROR).count());
        assertTrue(r.verdictReasons().contains("incomplete: test stop after 5 cases"), r.verdictReasons().toString());
    }

    @Test
    void aStoppedRunOfAListIsIncompleteAndSaysHowFarItGot() {
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 20; i++) cases.add(CaseGenerator.generate("t/" + i, Fuzzer.specAt(3, i, SizeClass.SMALL), 3L, "fuzz"));
        RunControl control = RunControl.none();
        try (Runner runner = new Runner(CpuBackend::new, stoppingAt(control, 3))) {
            RunResult r = runner.run(cases);
            assertEquals(RunVerdict.INCOMPLETE, r.verdict());
            assertEquals(3, r.results().size());
            assertEquals(List.of("incomplete: test stop after 3 of 20 cases"), r.verdictReasons());
        }
    }

    /** An ERROR that comes back after the stop may be the signal's doing: not blamed on the backend. */
    @Test
    void theCaseInFlightIsDroppedWhenItBrokeAfterTheStop() {
        RunControl control = RunControl.none();
        AtomicInteger calls = new AtomicInteger();
        BackendFactory dyingOnStop = () -> new org.permcheck.engine.testbackends.MutatingBackend() {
            @Override
            protected void mutate(org.permcheck.contract.Invocation inv, Map<String, org.permcheck.tensor.Tensor> outputs) {
                if (calls.incrementAndGet() == 4) {
                    control.stop("test stop");
                    throw new IllegalStateException("killed by the signal");
                }
            }
        };
        RunResult r = new Fuzzer(dyingOnStop, fast().withControl(control)).run(FuzzOptions.of(5, 1000));
        assertEquals(RunVerdict.INCOMPLETE, r.verdict(), r.verdictReasons().toString());
        assertEquals(3, r.totalCases(), "cases 1-3 count, the fourth (in flight) does not");
    }

    @Test
    void checkpointsCarryTheResultSoFarMarkedInProgress() {
        List<RunResult> saved = new ArrayList<>();
        RunControl control = new RunControl(saved::add, Duration.ofNanos(1), 1_000_000);
        RunResult end = new Fuzzer(CpuBackend::new, fast().withControl(control)).run(FuzzOptions.of(11, 6));
        assertEquals(RunVerdict.CONFORMANT, end.verdict());
        assertEquals(6, saved.size(), "one checkpoint per case at this cadence");
        for (int i = 0; i < saved.size(); i++) {
            assertEquals(RunVerdict.INCOMPLETE, saved.get(i).verdict());
            assertEquals(i + 1, saved.get(i).totalCases());
            assertEquals(List.of("incomplete: " + RunControl.IN_PROGRESS), saved.get(i).verdictReasons());
        }
    }

    @Test
    void aFailureCountTriggersACheckpointBeforeTheClock() {
        List<RunResult> saved = new ArrayList<>();
        RunControl control = new RunControl(saved::add, Duration.ofHours(1), 4);
        new Fuzzer(AlwaysErrorBackend::new, fast().withControl(control)).run(FuzzOptions.of(11, 10).withShrink(false));
        // every case is an ERROR: checkpoints after failures 4 and 8, each NOT CONFORMANT and marked in progress
        assertEquals(List.of(4L, 8L), saved.stream().map(RunResult::totalCases).toList());
        assertTrue(saved.get(0).verdictReasons().contains("incomplete: " + RunControl.IN_PROGRESS));
        assertEquals(RunVerdict.NOT_CONFORMANT, saved.get(0).verdict());
    }

    /** 150 cases of a backend that fails every call: 150 ERRORs counted, at most 2 bundles per signature. */
    @Test
    void bundlesAreBoundedPerSignatureButEveryCaseCounts() {
        BundleBudget budget = new BundleBudget(2);
        List<String> bundled = new ArrayList<>();
        FailureSink sink = (c, e, a, r) -> {
            if (!budget.admit(r)) return null;
            bundled.add(r.op());
            return "repro/" + bundled.size();
        };
        RunResult r = new Fuzzer(AlwaysErrorBackend::new, fast().withFailureSink(sink)).run(FuzzOptions.of(17, 150).withShrink(false));
        assertEquals(150, r.totalCases());
        assertEquals(150, r.results().stream().filter(x -> x.status() == Status.ERROR).count(), "every result is kept");
        assertEquals(List.of("150 cases ERROR"), r.verdictReasons());
        Map<String, Long> perOp = new TreeMap<>();
        for (CaseResult x : r.results()) perOp.merge(x.op(), 1L, Long::sum);
        Map<String, Long> bundlesPerOp = new TreeMap<>();
        for (String op : bundled) bundlesPerOp.merge(op, 1L, Long::sum);
        // one signature per op (op ERROR): min(2, cases of the op) bundles each
        perOp.forEach((op, n) -> assertEquals(Math.min(2, n), bundlesPerOp.getOrDefault(op, 0L), op));
        List<SignatureTable.Group> groups = SignatureTable.of(r);
        assertEquals(perOp.size(), groups.size());
        for (SignatureTable.Group g : groups) {
            assertEquals(perOp.get(g.signature().op()), g.cases(), g.signature().label());
            assertEquals(g.cases() - g.bundles().size(), g.unbundled());
        }
    }
}
