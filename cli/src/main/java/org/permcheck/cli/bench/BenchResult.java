package org.permcheck.cli.bench;

import org.permcheck.spi.bench.BenchRow;

/**
 * A measured row and the target it is judged by.
 *
 * @param row    the measurement
 * @param target the target in words ("ratio <= 5", ">= 2000 cases/s"), or null when there is none
 * @param met    whether the target was met, or null when there is none
 */
public record BenchResult(BenchRow row, String target, Boolean met) {
    public static BenchResult untargeted(BenchRow row) { return new BenchResult(row, null, null); }

    public static BenchResult ratioAtMost(BenchRow row, double max) {
        return new BenchResult(row, "ratio <= " + fmt(max), row.ratio() <= max);
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
