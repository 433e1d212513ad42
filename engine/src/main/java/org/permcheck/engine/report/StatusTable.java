package org.permcheck.engine.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;

/**
 * The counts every report shows: cases per status, rule x status, NOT_SUPPORTED per feature.
 * Computed once here so the Markdown, HTML and JSON reports cannot disagree.
 */
public final class StatusTable {
    private final Map<Status, Long> perStatus = new EnumMap<>(Status.class);
    private final Map<String, Map<Status, Long>> perRule = new TreeMap<>(StatusTable::compareRuleIds);
    private final Map<String, Long> notSupportedPerFeature = new TreeMap<>();
    private final List<CaseResult> failures = new ArrayList<>();

    public StatusTable(RunResult run) {
        for (Status s : Status.values()) perStatus.put(s, 0L);
        for (CaseResult r : run.results()) {
            perStatus.merge(r.status(), 1L, Long::sum);
            countRules(r);
            if (r.status() == Status.NOT_SUPPORTED) {
                List<String> fs = r.features().isEmpty() ? List.of("(none)") : r.features();
                for (String f : fs) notSupportedPerFeature.merge(f, 1L, Long::sum);
            }
            if (r.status() != Status.PASS && r.status() != Status.NOT_SUPPORTED) failures.add(r);
        }
        // passes a long campaign tallied instead of listing them count like listed ones
        perStatus.merge(Status.PASS, run.unlisted().cases(), Long::sum);
        run.unlisted().perRule().forEach((rule, n) -> perRule.computeIfAbsent(rule, k -> new EnumMap<>(Status.class))
                .merge(Status.PASS, n, Long::sum));
    }

    /**
     * A FAIL counts against the rules it violates, and as a PASS for the other rules the case
     * exercises (they were checked and held), so one broken rule does not paint every rule of its
     * cases red. Every other status counts under all the case's rules.
     */
    private void countRules(CaseResult r) {
        Collection<String> counted = countedRules(r);
        for (String rule : counted) bump(rule, r.status());
        if (r.status() == Status.FAIL) for (String rule : r.rules()) if (!counted.contains(rule)) bump(rule, Status.PASS);
    }

    /**
     * The rules under which a case counts with its own status in the rule x status matrix (report.html's
     * failure groups are linked from those cells): a FAIL with violations under the rules it violates,
     * any other case under all its rules.
     */
    static Collection<String> countedRules(CaseResult r) {
        if (r.status() == Status.FAIL && !r.violations().isEmpty()) {
            Set<String> broken = new TreeSet<>();
            for (Violation v : r.violations()) broken.add(v.rule());
            return broken;
        }
        return r.rules().isEmpty() ? List.of("(none)") : r.rules();
    }

    private void bump(String rule, Status s) {
        perRule.computeIfAbsent(rule, k -> new EnumMap<>(Status.class)).merge(s, 1L, Long::sum);
    }

    /** Number of cases with this status (0 when none). */
    public long count(Status s) { return perStatus.get(s); }

    /** Rule id -> status -> count, rule ids in natural order (D2 before D10). */
    public Map<String, Map<Status, Long>> perRule() { return perRule; }

    public long count(String rule, Status s) {
        Map<Status, Long> m = perRule.get(rule);
        return m == null ? 0 : m.getOrDefault(s, 0L);
    }

    public Map<String, Long> notSupportedPerFeature() { return notSupportedPerFeature; }

    /** Every case that is neither PASS nor NOT_SUPPORTED, in execution order. */
    public List<CaseResult> failures() { return failures; }

    /** Statuses that occur at least once, in the enum's order; PASS and FAIL always. */
    public List<Status> shownStatuses() {
        List<Status> out = new ArrayList<>();
        for (Status s : Status.values()) {
            if (s == Status.PASS || s == Status.FAIL || perStatus.get(s) > 0) out.add(s);
        }
        return out;
    }

    /** "D2" < "D10" < "N1": the letter group first, then the number, then the rest as text. */
    static int compareRuleIds(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && !Character.isDigit(a.charAt(i)) && a.charAt(i) == b.charAt(i)) i++;
        String ta = a.substring(i), tb = b.substring(i);
        long na = leadingNumber(ta), nb = leadingNumber(tb);
        if (na >= 0 && nb >= 0 && na != nb) return Long.compare(na, nb);
        return a.compareTo(b);
    }

    private static long leadingNumber(String s) {
        int j = 0;
        while (j < s.length() && j < 18 && Character.isDigit(s.charAt(j))) j++;
        return j == 0 ? -1 : Long.parseLong(s.substring(0, j));
    }
}
