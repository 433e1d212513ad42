package org.permcheck.engine.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.tensor.DType;

/**
 * How many cases of a run ran, and how many broke conformance, per size class and per routing-map
 * dtype (issue 11: a campaign shows that each class was reached). "Ran" comes from the run's
 * coverage (which counts tallied passes too), "failed" from its listed results (every case that
 * did not pass is listed). Every class and dtype appears, with 0 when a run never reached it.
 *
 * @param sizes   size-class label ("size-small", ...) -> counts, in SizeClass order
 * @param routing routing-dtype label ("int32-routing-map", ...) -> counts, i32, bool, i64
 */
public record ClassCounts(Map<String, Counts> sizes, Map<String, Counts> routing) {

    /** Cases with the label, and those of them that broke conformance. */
    public record Counts(long ran, long failed) {}

    /** The routing maps' dtypes, in the order they are shown. */
    private static final List<DType> ROUTING_DTYPES = List.of(DType.I32, DType.BOOL, DType.I64);
    /** Their labels, in that order. */
    public static final List<String> ROUTING_LABELS = ROUTING_DTYPES.stream().map(CaseFeatures::routingDtypeLabel).toList();

    public static ClassCounts of(RunResult run) {
        List<String> sizeLabels = new ArrayList<>();
        for (SizeClass c : SizeClass.values()) {
            // xl is off by default: its row appears only in a run that drew it
            if (SizeClass.DEFAULTS.contains(c) || run.coverage().getOrDefault(c.label(), 0L) > 0) sizeLabels.add(c.label());
        }
        return new ClassCounts(count(run, sizeLabels), count(run, ROUTING_LABELS));
    }

    private static Map<String, Counts> count(RunResult run, List<String> labels) {
        Map<String, Counts> out = new LinkedHashMap<>();
        for (String l : labels) {
            long failed = 0;
            for (CaseResult r : run.results()) if (r.status().breaksConformance() && r.features().contains(l)) failed++;
            out.put(l, new Counts(run.coverage().getOrDefault(l, 0L), failed));
        }
        return out;
    }

    /** One console line: "sizes small 812 (1 failed), medium 40, ...; routing i32 310, bool 41, i64 38". */
    public String line() {
        return "sizes " + render(sizes, "size-") + "; routing " + render(routing, null);
    }

    private static String render(Map<String, Counts> m, String prefix) {
        StringBuilder sb = new StringBuilder();
        m.forEach((label, c) -> {
            if (sb.length() > 0) sb.append(", ");
            sb.append(shortName(label, prefix)).append(' ').append(c.ran());
            if (c.failed() > 0) sb.append(" (").append(c.failed()).append(" failed)");
        });
        return sb.toString();
    }

    /** "small" for "size-small", "i32" (the dtype's id) for "int32-routing-map". */
    private static String shortName(String label, String prefix) {
        if (prefix != null && label.startsWith(prefix)) return label.substring(prefix.length());
        for (DType d : ROUTING_DTYPES) if (label.equals(CaseFeatures.routingDtypeLabel(d))) return d.id();
        return label;
    }
}
