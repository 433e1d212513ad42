package org.permcheck.contract;

/**
 * An input outside the contract (docs/spec.md group X and each rule's preconditions). Carries the
 * rule it violates as a {@link Rule}, so a find-usages of {@code Rule.X8} lands on every place that
 * refuses under X8; {@link #rule()} is its id as reports and the protocol spell it.
 */
public class PreconditionViolation extends IllegalArgumentException {
    private final Rule rule;

    public PreconditionViolation(Rule rule, String message) {
        super("[" + rule.id() + "] " + message);
        this.rule = rule;
    }

    public String rule() { return rule.id(); }
}
