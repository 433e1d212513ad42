package org.permcheck.engine.model;

/** The closed set of results a case can have. Only PASS is a pass. */
public enum Status {
    /** The backend's outputs satisfy every rule checked. */
    PASS,
    /** At least one rule is violated. */
    FAIL,
    /** The backend does not implement this call (declared or answered); never counted as a pass. */
    NOT_SUPPORTED,
    /** The backend raised an error or answered with something malformed. */
    ERROR,
    /** The backend did not answer within the per-case limit. */
    TIMEOUT,
    /** The backend process died (or the native code aborted) during the case. */
    CRASH,
    /** permcheck itself failed (our bug, or the oracle rejected a generated case). */
    HARNESS_ERROR;

    /** Statuses that make a backend non-conformant when they occur inside its declared capabilities. */
    public boolean breaksConformance() {
        return this == FAIL || this == ERROR || this == TIMEOUT || this == CRASH || this == HARNESS_ERROR;
    }
}
