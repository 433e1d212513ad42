package org.permcheck.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.oracle.Oracle;
import org.permcheck.spi.bench.BenchRequest;
import org.permcheck.spi.bench.BenchRow;

/** bench oracle: the reference token_dispatch on the request's shape, against a copy of its outputs. */
public final class OracleBench {
    /** The oracle may take at most this many copies' worth of time (issue 3). */
    public static final double TARGET_RATIO = 5;

    private OracleBench() {}

    public static BenchResult run(BenchRequest r, Invocation inv) throws Exception {
        long bytes = CopyBaseline.bytes(Oracle.expected(inv).values().values()); // one untimed call, for the byte count
        CopyBaseline baseline = new CopyBaseline(bytes);
        Measurement.Sample[] both = Measurement.paired(r.warmups(), r.repeats(), () -> Oracle.expected(inv), baseline::copy);
        Measurement.Sample oracle = both[0], copy = both[1];
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("input_MB", String.format(java.util.Locale.ROOT, "%.1f", inv.inputBytes() / 1e6));
        notes.put("repeats", String.valueOf(r.repeats()));
        BenchRow row = new BenchRow("oracle token_dispatch", r.describe(), bytes, oracle.nanos(), copy.nanos(), CopyBaseline.NAME,
                oracle.peakHeapBytes(), notes);
        return BenchResult.ratioAtMost(row, TARGET_RATIO);
    }
}
