package org.permcheck.engine.run;

/**
 * Which case ids a pattern names: an exact case id, or a prefix followed by {@code *}
 * ({@code quick/edge/*}, {@code full/seed=20261126/*}). Expectations entries and {@code run --case}
 * read patterns the same way (docs/checks.md section 5).
 */
public final class CasePattern {
    private CasePattern() {}

    public static boolean matches(String pattern, String caseId) {
        if (pattern.endsWith("*")) return caseId.startsWith(pattern.substring(0, pattern.length() - 1));
        return caseId.equals(pattern);
    }
}
