package org.permcheck.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;

/**
 * Times a subject: {@code warmups} untimed calls, then {@code repeats} timed ones; reports the
 * median wall time and the peak heap the subject added over what was live before it (from the heap
 * pools' peak usage, reset before each call after a GC). The subject's result is kept alive until the
 * clock stops, so the JIT cannot drop the work, and released before the next call.
 */
public final class Measurement {

    /** Median nanoseconds and peak added heap bytes. */
    public record Sample(long nanos, long peakHeapBytes) {}

    @FunctionalInterface
    public interface Subject {
        Object call() throws Exception;
    }

    private Measurement() {}

    /**
     * Times a subject and its baseline alternately (baseline, subject, baseline, subject, ...), so
     * both see the same machine: on a shared machine load comes and goes, and measuring one after
     * the other would fold that into the ratio.
     */
    public static Sample[] paired(int warmups, int repeats, Subject subject, Subject baseline) throws Exception {
        for (int i = 0; i < warmups; i++) {
            blackhole(baseline.call());
            blackhole(subject.call());
        }
        long[] s = new long[repeats], b = new long[repeats];
        long peak = 0;
        for (int i = 0; i < repeats; i++) {
            settledHeap();
            long t0 = System.nanoTime();
            blackhole(baseline.call());
            b[i] = System.nanoTime() - t0;
            long before = settledHeap();
            resetPeaks();
            t0 = System.nanoTime();
            Object result = subject.call();
            s[i] = System.nanoTime() - t0;
            peak = Math.max(peak, peakHeap() - before);
            blackhole(result);
        }
        Arrays.sort(s);
        Arrays.sort(b);
        return new Sample[] {new Sample(s[repeats / 2], Math.max(0, peak)), new Sample(b[repeats / 2], -1)};
    }

    private static volatile int sink;

    private static void blackhole(Object o) { sink += System.identityHashCode(o); }

    private static long settledHeap() {
        System.gc();
        long used = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) used += p.getUsage().getUsed();
        }
        return used;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
        }
    }

    /** Sum of the heap pools' peaks: an upper bound of the true peak (pools peak at different moments). */
    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) peak += p.getPeakUsage().getUsed();
        }
        return peak;
    }
}
