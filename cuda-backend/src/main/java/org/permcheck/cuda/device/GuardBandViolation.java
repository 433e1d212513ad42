package org.permcheck.cuda.device;

/**
 * A kernel wrote outside an output buffer (a guard band changed). Thrown from
 * {@link org.permcheck.spi.Backend#run}, so the engine reports the case as ERROR with this message
 * (never a PASS); the message starts with the rule-like tag {@code [R-guard]}.
 */
public class GuardBandViolation extends RuntimeException {
    public GuardBandViolation(String message) {
        super(message);
    }
}
