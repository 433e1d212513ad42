package org.permcheck.engine.run;

/**
 * Which case ids a pattern names: an exact case id, or a glob whose {@code *} stands for any run of
 * characters, {@code /} included ({@code quick/edge/*}, {@code quick/edge/combine-*-f32}, {@code *-padded}).
 * Expectations entries and {@code run --case} read patterns the same way (docs/checks.md section 5).
 */
public final class CasePattern {
    private CasePattern() {}

    public static boolean isWildcard(String pattern) { return pattern.indexOf('*') >= 0; }

    public static boolean matches(String pattern, String caseId) {
        if (!isWildcard(pattern)) return caseId.equals(pattern);
        String[] parts = pattern.split("\\*", -1);
        if (!caseId.startsWith(parts[0])) return false;
        int at = parts[0].length();
        for (int i = 1; i < parts.length - 1; i++) { // greedy leftmost search is exact for '*'-only globs
            int found = caseId.indexOf(parts[i], at);
            if (found < 0) return false;
            at = found + parts[i].length();
        }
        String last = parts[parts.length - 1];
        return caseId.length() - at >= last.length() && caseId.endsWith(last);
    }
}
