package org.permcheck.engine.model;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The robustness tier's summary (docs/checks.md, "Robustness"), derived from a run's case results,
 * never stored apart from them: so a merged run (ShardMerge) and a run read back from report.json
 * summarize the same way. Precondition probes are the cases whose id starts with {@link #PREFIX}.
 *
 * @param probes   probe cases in the run
 * @param refused  probes the backend refused (B1 PASS: error, not_supported, an exception)
 * @param bounded  probes answered within the call's output budget (B1 PASS, contents unspecified)
 * @param notSent  probes outside the backend's declared capabilities (NOT_SUPPORTED, never sent)
 * @param unsafe   probes that FAILED (B1: too large an answer, a crash or a hang; B2: a guard breach), not excused
 * @param excused  probe FAILs an expectations entry excuses
 * @param other    probes with any other status (a HARNESS_ERROR: a probe the oracle did not refuse as meant)
 * @param unsafeBy for the unsafe probes, "B2 on X3" -> how many (a probe counts once per rule it breaks)
 */
public record Robustness(long probes, long refused, long bounded, long notSent, long unsafe, long excused, long other,
                         Map<String, Long> unsafeBy) {
    /** Case ids of precondition probes: "robustness/&lt;X rule&gt;/&lt;name&gt;". */
    public static final String PREFIX = "robustness/";
    /** The detail of a probe the backend refused starts with this. */
    public static final String REFUSED = "refused: ";
    /** The feature label every probe carries (docs/vectors.md). */
    public static final String FEATURE = "probe";

    public Robustness {
        unsafeBy = Map.copyOf(unsafeBy);
    }

    public static boolean isProbe(String caseId) { return caseId.startsWith(PREFIX); }

    /** The X rule a probe violates, from its id ("robustness/X3/below-routed" -> "X3"). */
    public static String probedRule(String caseId) {
        String rest = caseId.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    public static Robustness of(List<CaseResult> results) {
        long probes = 0, refused = 0, bounded = 0, notSent = 0, unsafe = 0, excused = 0, other = 0;
        Map<String, Long> by = new TreeMap<>();
        for (CaseResult r : results) {
            if (!isProbe(r.caseId())) continue;
            probes++;
            switch (r.status()) {
                case PASS:
                    if (r.detail() != null && r.detail().startsWith(REFUSED)) refused++;
                    else bounded++;
                    break;
                case NOT_SUPPORTED: notSent++; break;
                case FAIL:
                    if (r.excused()) {
                        excused++;
                        break;
                    }
                    unsafe++;
                    for (String rule : r.violations().stream().map(Violation::rule).distinct().toList()) {
                        by.merge(rule + " on " + probedRule(r.caseId()), 1L, Long::sum);
                    }
                    break;
                default: other++;
            }
        }
        return new Robustness(probes, refused, bounded, notSent, unsafe, excused, other, by);
    }

    /** True when probes ran. */
    public boolean ran() { return probes > 0; }

    /** True when probes ran and a probe FAILED unexcused: the backend is unsafe on inputs outside the contract. */
    public boolean isUnsafe() { return unsafe > 0; }

    /**
     * The line every report prints: "SAFE on precondition probes: 40 refused/bounded" or
     * "UNSAFE on precondition probes: 3 of 40 (B2 on X3: 3)"; null when no probe ran.
     */
    public String line() {
        if (!ran()) return null;
        StringBuilder sb = new StringBuilder();
        if (isUnsafe()) {
            sb.append("UNSAFE on precondition probes: ").append(unsafe).append(" of ").append(probes).append(" (");
            String sep = "";
            for (Map.Entry<String, Long> e : unsafeBy.entrySet()) {
                sb.append(sep).append(e.getKey()).append(": ").append(e.getValue());
                sep = ", ";
            }
            sb.append(')');
        } else {
            sb.append("SAFE on precondition probes: ").append(refused + bounded).append(" refused/bounded");
        }
        List<String> extra = new java.util.ArrayList<>();
        if (refused + bounded > 0 && isUnsafe()) extra.add(refused + " refused, " + bounded + " bounded");
        if (!isUnsafe() && bounded > 0) extra.add(bounded + " answered within bounds");
        if (notSent > 0) extra.add(notSent + " outside the declared capabilities");
        if (excused > 0) extra.add(excused + " expected failure" + (excused == 1 ? "" : "s"));
        if (other > 0) extra.add(other + " not judged (harness)");
        if (!extra.isEmpty()) sb.append("; ").append(String.join(", ", extra));
        return sb.toString();
    }
}
