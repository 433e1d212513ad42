package org.permcheck.engine.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.permcheck.engine.fuzz.CaseFeatures;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.NotJudged;
import org.permcheck.engine.model.Robustness;
import org.permcheck.engine.model.RunVerdict;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.UnlistedPasses;

/**
 * The run's verdict, decided here and nowhere else (docs/checks.md, "Guarantees"):
 * <ol>
 *   <li>NOT_CONFORMANT when any case broke conformance without an excuse, or an expectation is stale;</li>
 *   <li>else INCOMPLETE when the run was interrupted;</li>
 *   <li>else NOTHING_JUDGED when no case was judged at all, or when an op the run sent the backend
 *       (inside its declared capabilities) had fewer than {@link #MIN_JUDGED_SHARE} of its cases
 *       judged: refused, skipped by expectations or run while the backend was unavailable. A gate
 *       that judged nothing must not say CONFORMANT;</li>
 *   <li>else CONFORMANT.</li>
 * </ol>
 * Precondition probes (the robustness tier) count in none of these but a HARNESS_ERROR; their
 * verdict is {@link Robustness}, and a CONFORMANT run unsafe on probes exits 5 ({@link org.permcheck.engine.model.RunResult#exitCode()}).
 */
public final class Conformance {
    /**
     * The stated floor: of the cases of one op inside the backend's declared capabilities, at least
     * this share must be judged (PASS or FAIL). A backend narrows its scope by declaring it, not by
     * refusing calls it claimed.
     */
    public static final double MIN_JUDGED_SHARE = 0.5;

    /** The verdict and, unless CONFORMANT, why (one line each). */
    public record Judgement(RunVerdict verdict, List<String> reasons) {
        public Judgement {
            reasons = List.copyOf(reasons);
        }
    }

    private Conformance() {}

    /**
     * @param incomplete why the run stopped early (a signal, a deadline the user did not set), or null
     */
    public static Judgement judge(List<CaseResult> all, UnlistedPasses unlisted, List<String> expectationProblems, String incomplete) {
        // precondition probes are judged apart (Robustness: exit 5, never NOT_CONFORMANT), but a probe
        // the oracle did not refuse as meant is our bug and is reported like any HARNESS_ERROR
        List<CaseResult> results = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        Map<Status, Long> breaking = new TreeMap<>();
        boolean probesOnly = !all.isEmpty() && unlisted.cases() == 0;
        for (CaseResult r : all) {
            boolean probe = Robustness.isProbe(r.caseId());
            probesOnly &= probe;
            if (!probe) results.add(r);
            else if (r.status() == Status.HARNESS_ERROR) breaking.merge(r.status(), 1L, Long::sum);
        }
        for (CaseResult r : results) {
            if (r.status().breaksConformance() && !r.excused()) breaking.merge(r.status(), 1L, Long::sum);
        }
        breaking.forEach((s, n) -> broken.add(n + " case" + (n == 1 ? "" : "s") + " " + s));
        if (!expectationProblems.isEmpty()) broken.add(expectationProblems.size() + " expectation problem" + (expectationProblems.size() == 1 ? "" : "s"));
        if (incomplete != null) broken.add("incomplete: " + incomplete);
        if (!breaking.isEmpty() || !expectationProblems.isEmpty()) return new Judgement(RunVerdict.NOT_CONFORMANT, broken);
        if (incomplete != null) return new Judgement(RunVerdict.INCOMPLETE, List.of("incomplete: " + incomplete));

        // a run of the robustness tier alone (--tier robustness) judges no valid input by choice: its gate is exit 5
        if (probesOnly) return new Judgement(RunVerdict.CONFORMANT, List.of());
        List<String> vacuous = judgedEnough(results, unlisted);
        if (!vacuous.isEmpty()) return new Judgement(RunVerdict.NOTHING_JUDGED, vacuous);
        return new Judgement(RunVerdict.CONFORMANT, List.of());
    }

    /** Empty when enough was judged; else one line per shortfall. */
    private static List<String> judgedEnough(List<CaseResult> results, UnlistedPasses unlisted) {
        Map<String, long[]> perOp = new TreeMap<>(); // op -> {judged, inside the declared capabilities}
        Map<NotJudged, Long> why = new TreeMap<>();
        long judged = unlisted.cases();
        for (CaseResult r : results) {
            if (r.judged()) judged++;
            if (r.status() == Status.NOT_SUPPORTED) why.merge(r.notJudged(), 1L, Long::sum);
            if (r.status() == Status.NOT_SUPPORTED && r.notJudged() == NotJudged.DECLARED) continue;
            long[] c = perOp.computeIfAbsent(r.op(), k -> new long[2]);
            c[1]++;
            if (r.judged()) c[0]++;
        }
        // passes tallied instead of listed carry their op as a generator feature (CaseFeatures.OP_FEATURE)
        unlisted.features().forEach((f, n) -> {
            if (!f.startsWith(CaseFeatures.OP_FEATURE)) return;
            long[] c = perOp.computeIfAbsent(f.substring(CaseFeatures.OP_FEATURE.length()), k -> new long[2]);
            c[0] += n;
            c[1] += n;
        });
        List<String> out = new ArrayList<>();
        if (judged == 0) {
            StringBuilder sb = new StringBuilder("no case was judged");
            if (!why.isEmpty()) {
                sb.append(" (");
                String sep = "";
                for (Map.Entry<NotJudged, Long> e : why.entrySet()) {
                    sb.append(sep).append(e.getValue()).append(' ').append(describe(e.getKey()));
                    sep = ", ";
                }
                sb.append(')');
            }
            out.add(sb.toString());
            return out;
        }
        perOp.forEach((op, c) -> {
            if (c[1] > 0 && c[0] < MIN_JUDGED_SHARE * c[1]) {
                out.add(op + ": only " + c[0] + " of " + c[1] + " cases inside the declared capabilities were judged (floor "
                        + Math.round(MIN_JUDGED_SHARE * 100) + "%); the rest were refused, skipped or unavailable");
            }
        });
        return out;
    }

    private static String describe(NotJudged n) {
        switch (n) {
            case DECLARED: return "outside the declared capabilities";
            case REFUSED: return "refused by the backend";
            case UNAVAILABLE: return "with the backend unavailable";
            default: return "skipped by expectations";
        }
    }
}
