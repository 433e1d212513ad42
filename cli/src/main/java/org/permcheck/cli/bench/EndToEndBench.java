package org.permcheck.cli.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.permcheck.contract.Invocation;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.run.BackendFactory;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Verdict;
import org.permcheck.oracle.Oracle;
import org.permcheck.spi.bench.BenchRequest;
import org.permcheck.spi.bench.BenchRow;

/**
 * bench e2e: what one case of a run costs, judged exactly as {@code permcheck run} judges it (oracle,
 * the backend's call and its determinism repeat, the round-trip combine, every check), against a
 * copy of the oracle's output bytes in the same run. It is also the backend protocol's yardstick
 * when the backend is exec:...
 */
public final class EndToEndBench {
    private EndToEndBench() {}

    public static BenchResult run(String subject, BenchRequest r, Invocation inv, BackendFactory backend) throws Exception {
        Case c = new Case("bench/" + r.describe().replace(' ', '_'), inv, List.of(), Set.of(), r.seed(), "bench");
        CopyBaseline baseline = new CopyBaseline(CopyBaseline.bytes(Oracle.expected(inv).values().values()));
        RunOptions opts = RunOptions.defaults().withTier("bench");
        String[] status = new String[1];
        Measurement.Sample[] both;
        try (Runner runner = new Runner(backend, opts)) {
            both = Measurement.paired(r.warmups(), r.repeats(), () -> {
                Verdict v = runner.judge(c);
                status[0] = v.result().status() + (v.result().detail() == null ? "" : " (" + v.result().detail() + ")");
                if (v.result().status() != Status.PASS) throw new IllegalStateException("bench case is not PASS: " + status[0]);
                return v;
            }, baseline::copy);
        }
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("status", "PASS");
        notes.put("determinism", String.valueOf(opts.determinism()));
        notes.put("round_trip", String.valueOf(opts.roundTrip()));
        notes.put("input_MB", String.format(Locale.ROOT, "%.1f", inv.inputBytes() / 1e6));
        BenchRow row = new BenchRow(subject, r.describe(), baseline.bytes(), both[0].nanos(), both[1].nanos(), CopyBaseline.NAME,
                both[0].peakHeapBytes(), notes);
        return BenchResult.untargeted(row);
    }
}
