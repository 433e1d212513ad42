package org.permcheck.engine.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.engine.check.CheckContext;
import org.permcheck.engine.check.Checks;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.engine.fuzz.CaseSpec;
import org.permcheck.engine.fuzz.Values;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.run.FuzzOptions;
import org.permcheck.engine.run.Fuzzer;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.oracle.Oracle;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Numbers for {@code permcheck bench}: in-process fuzzing throughput on small shapes, and one
 * large dispatch end to end (oracle + CPU backend + checks) as ratios to a plain copy of the
 * output bytes, measured in the same run (never by timed unit tests).
 */
public final class EngineBench {
    private EngineBench() {}

    /**
     * @param cases         checked cases (oracle + CPU backend twice for determinism + round trip + every check)
     * @param seconds       wall time of the measured part
     * @param casesPerSecond cases / seconds
     * @param conformant    whether every case passed (a bench on a failing suite means nothing)
     */
    public record Throughput(long cases, double seconds, double casesPerSecond, boolean conformant) {}

    /**
     * @param spec          the case (text form)
     * @param outputBytes   bytes of the dispatch output
     * @param generateMs    making the inputs
     * @param oracleMs      the oracle's answer
     * @param backendMs     the CPU backend's answer
     * @param checksMs      every check
     * @param copyMs        a plain copy of the output bytes (the yardstick)
     * @param peakBytes     peak heap in use above the baseline before the case, sampled every 2 ms
     * @param timeRatio     (oracle + backend + checks) / copy
     * @param memoryRatio   peak / output bytes
     * @param violations    violations found (0 expected)
     */
    public record LargeCase(String spec, long outputBytes, double generateMs, double oracleMs, double backendMs, double checksMs,
                            double copyMs, long peakBytes, double timeRatio, double memoryRatio, int violations) {}

    /** Fuzzes the CPU backend on SMALL shapes (T <= 256, E <= 32, H <= 128) for {@code budget} after a short warm-up. */
    public static Throughput fuzzThroughput(Duration budget, long seed) {
        RunOptions o = RunOptions.defaults().withTier("bench");
        new Fuzzer(CpuBackend::new, o).run(FuzzOptions.of(seed + 1, 0).withBudget(Duration.ofSeconds(2)).withShrink(false)); // JIT warm-up
        long t0 = System.nanoTime();
        RunResult r = new Fuzzer(CpuBackend::new, o).run(FuzzOptions.of(seed, 0).withBudget(budget).withShrink(false));
        double s = (System.nanoTime() - t0) / 1e9;
        return new Throughput(r.results().size(), s, r.results().size() / s, r.conformant());
    }

    /** The T=16384, E=256, top-8, H=7168 bf16 dispatch (about 1.9 GB of output). Needs a heap of about 6 GB. */
    public static LargeCase largeDispatch() {
        return largeDispatch(CaseSpec.of(Op.DISPATCH, 16384, 256, 7168, 8, 0xB16L).withDtype(DType.BF16).withValues(Values.BITS));
    }

    public static LargeCase largeDispatch(CaseSpec spec) {
        long t0 = System.nanoTime();
        Case c = CaseGenerator.generate("bench/large", spec, null, "bench");
        double gen = ms(t0);
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long baseline = rt.totalMemory() - rt.freeMemory();
        AtomicLong peak = new AtomicLong(baseline);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long t1 = System.nanoTime();
        Expected e = Oracle.expected(c.invocation());
        double oracle = ms(t1);
        long t2 = System.nanoTime();
        Outputs out = new CpuBackend().run(c.invocation());
        double backend = ms(t2);
        long t3 = System.nanoTime();
        List<Violation> v = Checks.run(new CheckContext(c.invocation(), e, out, null, null));
        double checks = ms(t3);
        sampling.set(false);
        long peakBytes = Math.max(0, peak.get() - baseline);
        Tensor output = out.get("output");
        long bytes = output.byteSize();
        out = null;
        e = null;
        System.gc();
        long t4 = System.nanoTime();
        Tensor copy = output.copy();
        double copyMs = ms(t4);
        if (copy.byteSize() != bytes) throw new IllegalStateException("copy size");
        return new LargeCase(spec.toString(), bytes, gen, oracle, backend, checks, copyMs, peakBytes,
                (oracle + backend + checks) / copyMs, (double) peakBytes / bytes, v.size());
    }

    private static double ms(long since) { return (System.nanoTime() - since) / 1e6; }

    /** Prints both measurements: {@code java -Xmx8g -cp ... org.permcheck.engine.bench.EngineBench [seconds]}. */
    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Throughput t = fuzzThroughput(Duration.ofSeconds(seconds), 1);
        System.out.printf("fuzz throughput (small shapes, %d cores): %d cases in %.1f s = %.0f checked cases/s, conformant=%s%n",
                Runtime.getRuntime().availableProcessors(), t.cases(), t.seconds(), t.casesPerSecond(), t.conformant());
        LargeCase l = largeDispatch();
        System.out.printf("large dispatch %s%n  output %.2f GB; generate %.0f ms; oracle %.0f ms; cpu backend %.0f ms; checks %.0f ms; "
                        + "plain copy %.0f ms%n  time ratio (oracle+backend+checks)/copy = %.1f; peak heap above baseline %.2f GB = %.2f x output; violations %d%n",
                l.spec(), l.outputBytes() / 1e9, l.generateMs(), l.oracleMs(), l.backendMs(), l.checksMs(), l.copyMs(), l.timeRatio(),
                l.peakBytes() / 1e9, l.memoryRatio(), l.violations());
    }
}
