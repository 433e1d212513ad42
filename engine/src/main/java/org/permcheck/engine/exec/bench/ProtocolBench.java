package org.permcheck.engine.exec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.engine.exec.ExecBackend;
import org.permcheck.spi.Outputs;
import org.permcheck.spi.bench.BenchRequest;
import org.permcheck.spi.bench.BenchRow;
import org.permcheck.spi.bench.DispatchCase;
import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;

/**
 * The protocol's cost, measured against a protocol backend ({@code exec:<command>}, e.g. the numpy
 * example port), for {@code permcheck bench protocol}:
 *
 * <ul>
 *   <li>{@link #throughput}: round trips per second on a small dispatch, process kept warm, files
 *       and the case directory reused; baseline: writing the case's inputs and reading its outputs
 *       once as .npy in this JVM (the I/O no protocol can avoid).</li>
 *   <li>{@link #overhead}: one large dispatch; subject = round trip minus the backend's own compute
 *       time (its "millis"); baseline = every input and output tensor written and read once as
 *       .npy in this JVM. A ratio near 1 means the protocol adds little beyond moving the bytes.</li>
 * </ul>
 */
public final class ProtocolBench {
    private ProtocolBench() {}

    /**
     * Round trips per second on {@code r}'s (small) shape: {@code r.warmups()} untimed calls, then
     * {@code cases} timed ones. The row's nanos is the mean round trip; notes carry cases/s.
     */
    public static BenchRow throughput(String command, BenchRequest r, int cases) throws Exception {
        Invocation inv = new DispatchCase(r).invocation();
        long t0;
        long total;
        long cpu;
        long engineCpu;
        Outputs last = null;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        try (ExecBackend b = ExecBackend.forCommand(command)) {
            b.info();
            for (int i = 0; i < Math.max(1, r.warmups()); i++) last = b.run(inv);
            long e0 = mx.getCurrentThreadCpuTime();
            long b0 = b.backendCpu().toNanos();
            t0 = System.nanoTime();
            for (int i = 0; i < cases; i++) last = b.run(inv);
            total = System.nanoTime() - t0;
            engineCpu = mx.getCurrentThreadCpuTime() - e0;
            cpu = engineCpu + b.backendCpu().toNanos() - b0;
        }
        long perCase = total / cases;
        long baseline = median(ioOnce(inv, last, Math.max(5, r.repeats())));
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("cases/s", String.format("%.0f", cases / (total / 1e9)));
        // engine thread + backend process CPU per case: what an otherwise idle machine would take
        notes.put("cpu ms/case", String.format("%.3f", cpu / 1e6 / cases));
        notes.put("engine cpu ms/case", String.format("%.3f", engineCpu / 1e6 / cases));
        notes.put("cases/s by cpu", String.format("%.0f", cases / (cpu / 1e9)));
        notes.put("cases", Integer.toString(cases));
        notes.put("backend", command);
        return new BenchRow("protocol round trip (small dispatch, warm process)", r.describe(), bytes(inv, last), perCase, baseline,
                "write inputs + read outputs as .npy once (JVM)", -1, notes);
    }

    /**
     * Overhead on {@code r}'s (large) shape: median over {@code r.repeats()} of (round trip minus the
     * backend's own compute), against the median time to write and read every tensor once.
     */
    public static BenchRow overhead(String command, BenchRequest r) throws Exception {
        Invocation inv = new DispatchCase(r).invocation();
        List<Long> trips = new ArrayList<>();
        List<Long> computes = new ArrayList<>();
        Outputs last = null;
        try (ExecBackend b = ExecBackend.forCommand(command)) {
            b.info();
            for (int i = 0; i < r.warmups(); i++) last = b.run(inv);
            for (int i = 0; i < r.repeats(); i++) {
                last = null; // let the previous answer go before the next arrives
                long t0 = System.nanoTime();
                last = b.run(inv);
                long trip = System.nanoTime() - t0;
                double ms = b.lastBackendMillis();
                long compute = Double.isNaN(ms) ? 0 : (long) (ms * 1e6);
                trips.add(trip);
                computes.add(compute);
            }
        }
        List<Long> overheads = new ArrayList<>();
        for (int i = 0; i < trips.size(); i++) overheads.add(trips.get(i) - computes.get(i));
        long baseline = median(allTensorsOnce(inv, last, r.repeats()));
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("round trip ms", String.format("%.1f", median(trips) / 1e6));
        notes.put("backend compute ms", String.format("%.1f", median(computes) / 1e6));
        notes.put("backend", command);
        return new BenchRow("protocol overhead (round trip minus the backend's compute)", r.describe(), bytes(inv, last),
                median(overheads), baseline, "write + read every input and output tensor once as .npy (JVM)", -1, notes);
    }

    // ------------------------------------------------------------------ baselines

    /** Writes the inputs and reads the outputs once (what the engine side of a round trip cannot avoid). */
    static List<Long> ioOnce(Invocation inv, Outputs out, int repeats) throws IOException {
        Path dir = Files.createTempDirectory(ExecBackend.scratchRoot(), "permcheck-bench-io-");
        try {
            Map<String, Path> outFiles = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : out.tensors().entrySet()) {
                Path p = dir.resolve("out_" + e.getKey() + ".npy");
                Npy.write(e.getValue(), p);
                outFiles.put(e.getKey(), p);
            }
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                for (Map.Entry<String, Tensor> e : inv.inputs().entrySet()) Npy.write(e.getValue(), dir.resolve("in_" + e.getKey() + ".npy"));
                for (Path p : outFiles.values()) Npy.read(p);
                times.add(System.nanoTime() - t0);
            }
            return times;
        } finally {
            ExecBackend.deleteTree(dir);
        }
    }

    /** Every tensor of the call (inputs and outputs) written once and read once. */
    static List<Long> allTensorsOnce(Invocation inv, Outputs out, int repeats) throws IOException {
        List<Tensor> all = new ArrayList<>(inv.inputs().values());
        all.addAll(out.tensors().values());
        Path dir = Files.createTempDirectory(ExecBackend.scratchRoot(), "permcheck-bench-io-");
        try {
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                int k = 0;
                for (Tensor t : all) {
                    Path p = dir.resolve((k++) + ".npy");
                    Npy.write(t, p);
                    Npy.read(p);
                }
                times.add(System.nanoTime() - t0);
            }
            return times;
        } finally {
            ExecBackend.deleteTree(dir);
        }
    }

    static long bytes(Invocation inv, Outputs out) {
        long b = inv.inputBytes();
        if (out != null) for (Tensor t : out.tensors().values()) b += t.byteSize();
        return b;
    }

    static long median(List<Long> xs) {
        long[] a = xs.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a.length == 0 ? 0 : a[a.length / 2];
    }
}
