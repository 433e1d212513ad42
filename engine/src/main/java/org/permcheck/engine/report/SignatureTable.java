package org.permcheck.engine.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;

/**
 * The run's failures grouped by {@link FailureSignature}: how many cases each has and the repro
 * bundles kept for it (the rest were counted, not bundled). Computed from the listed results (a
 * run lists every case that did not pass), so every report shows the same groups.
 */
public final class SignatureTable {
    /** One signature: its cases, the first of them, and the bundles written for it. */
    public record Group(FailureSignature signature, long cases, String firstCase, List<String> bundles) {
        public Group {
            bundles = List.copyOf(bundles);
        }

        /** Cases of this signature without a bundle of their own. */
        public long unbundled() { return cases - bundles.size(); }
    }

    private SignatureTable() {}

    /** Every signature of the run's non-passing cases (NOT_SUPPORTED aside), by label. */
    public static List<Group> of(RunResult run) {
        Map<FailureSignature, long[]> count = new TreeMap<>();
        Map<FailureSignature, String> first = new TreeMap<>();
        Map<FailureSignature, List<String>> bundles = new TreeMap<>();
        for (CaseResult r : new StatusTable(run).failures()) {
            FailureSignature s = FailureSignature.of(r);
            count.computeIfAbsent(s, k -> new long[1])[0]++;
            first.putIfAbsent(s, r.caseId());
            List<String> b = bundles.computeIfAbsent(s, k -> new ArrayList<>());
            if (r.reproDir() != null) b.add(r.reproDir());
        }
        List<Group> out = new ArrayList<>();
        count.forEach((s, n) -> out.add(new Group(s, n[0], first.get(s), bundles.get(s))));
        return out;
    }
}
