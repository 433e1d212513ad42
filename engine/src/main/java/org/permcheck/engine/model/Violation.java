package org.permcheck.engine.model;

/**
 * One rule that a backend's answer breaks.
 *
 * @param rule     the rule id from docs/spec.md ("D1", "N2", ...)
 * @param message  one line in the shape of array-api-tests: what was called, what went wrong
 * @param first    the first mismatch, or null when the violation is not positional (a missing output)
 * @param more     how many further mismatches of the same rule there were
 */
public record Violation(String rule, String message, Mismatch first, long more) {

    public static Violation of(String rule, String message) { return new Violation(rule, message, null, 0); }

    /** The full message: rule, text, first mismatch with expected and actual, and the count of the rest. */
    public String render() {
        StringBuilder sb = new StringBuilder("[").append(rule).append("] ").append(message);
        if (first != null) {
            sb.append(": first mismatch at ").append(first.where())
              .append(": expected ").append(first.expected()).append(", got ").append(first.actual());
        }
        if (more > 0) sb.append(" (and ").append(more).append(" more)");
        return sb.toString();
    }
}
