package org.permcheck.cli.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.run.BackendFactory;
import org.permcheck.engine.run.FuzzOptions;
import org.permcheck.engine.run.Fuzzer;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.spi.bench.BenchRow;

/**
 * bench fuzz: in-process fuzzing throughput on the SMALL shape table (T <= 256, E <= 32, H <= 128),
 * every case judged as in a run (oracle, backend twice, round trip, checks). Target: at least 2,000
 * checked cases per second. The baseline copies the same number of bytes as the cases' inputs,
 * in the same run, so the ratio says how many plain copies' worth of time a checked case costs.
 */
public final class FuzzBench {
    public static final double TARGET_CASES_PER_SECOND = 2000;

    private FuzzBench() {}

    public static BenchResult run(long cases, long seed, BackendFactory backend) throws Exception {
        RunOptions opts = RunOptions.defaults().withTier("fuzz");
        // an untimed warm-up long enough for the JIT to compile the oracle, checks and backend
        // (a fuzz campaign runs for minutes; its first seconds are not its throughput)
        new Fuzzer(backend, opts).run(FuzzOptions.of(seed ^ 0x5DEECE66DL, Math.max(cases, 4000)).withBudget(java.time.Duration.ofSeconds(5)));
        long t0 = System.nanoTime();
        RunResult result = new Fuzzer(backend, opts).run(FuzzOptions.of(seed, cases));
        long nanos = System.nanoTime() - t0;
        long listedBytes = 0;
        long notPass = 0;
        for (CaseResult r : result.results()) {
            listedBytes += r.sizeBytes();
            if (r.status() != Status.PASS && r.status() != Status.NOT_SUPPORTED) notPass++;
        }
        // past Fuzzer.MAX_LISTED_PASSES passes are tallied, not listed: scale the listed cases' bytes
        long total = result.totalCases();
        long bytes = result.results().isEmpty() ? 0 : listedBytes * total / result.results().size();
        // baseline: the same number of bytes as the cases' inputs, copied in the same run
        CopyBaseline copy = new CopyBaseline(bytes);
        long b0 = System.nanoTime();
        copy.copy();
        long baseline = Math.max(1, System.nanoTime() - b0);
        double perSecond = total / (nanos / 1e9);
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("cases", String.valueOf(total));
        notes.put("cases_per_s", String.format(Locale.ROOT, "%.0f", perSecond));
        notes.put("not_passing", String.valueOf(notPass));
        notes.put("seed", String.valueOf(seed));
        BenchRow row = new BenchRow("fuzz (in-process, checked cases)", "SMALL: T<=256 E<=32 H<=128", bytes, nanos, baseline,
                "System.arraycopy of the cases' input byte count", -1, notes);
        return new BenchResult(row, ">= " + (long) TARGET_CASES_PER_SECOND + " cases/s", perSecond >= TARGET_CASES_PER_SECOND);
    }
}
