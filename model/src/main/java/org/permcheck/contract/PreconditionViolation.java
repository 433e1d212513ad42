package org.permcheck.contract;

/**
 * An input outside the contract (docs/spec.md group X and each rule's preconditions). Carries the
 * rule id it violates, so the message can name it.
 */
public class PreconditionViolation extends IllegalArgumentException {
    private final String rule;

    public PreconditionViolation(String rule, String message) {
        super("[" + rule + "] " + message);
        this.rule = rule;
    }

    public String rule() { return rule; }
}
