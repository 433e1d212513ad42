package org.permcheck.engine.model;

/**
 * Why a NOT_SUPPORTED case was not judged. The run's verdict needs the difference: a case outside
 * what the backend declared is its honest scope, while a case inside its declared capabilities that
 * it refused, or that nothing ran because the backend was unavailable or the expectations skipped
 * it, judged nothing the backend claims (docs/checks.md, "Guarantees").
 */
public enum NotJudged {
    /** Outside the backend's declared capabilities (op, profile, dtype, feature). */
    DECLARED,
    /** Inside the declared capabilities, but the backend answered not_supported. */
    REFUSED,
    /** The backend reported itself unavailable (no GPU, no library). */
    UNAVAILABLE,
    /** An expectations entry skips the case. */
    SKIPPED;

    /** The wire name in report.json. */
    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }

    public static NotJudged byId(String id) { return valueOf(id.toUpperCase(java.util.Locale.ROOT)); }
}
