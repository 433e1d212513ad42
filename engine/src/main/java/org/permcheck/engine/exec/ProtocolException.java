package org.permcheck.engine.exec;

/**
 * The backend answered, but not as docs/protocol.md says (garbage, a wrong id, a refused path, an
 * invalid output file, an error it reported itself). Reported as ERROR with this one-line message.
 * {@code restart} says whether the process must be replaced before the next case because its
 * state is unknown (true for garbage on stdout, false for a well-formed "error" answer).
 */
public class ProtocolException extends Exception {
    private final boolean restart;
    private final boolean refusal;

    public ProtocolException(String message, boolean restart) {
        this(message, restart, false);
    }

    /** {@code refusal}: the backend's own well-formed {@code error} answer (docs/protocol.md 3.3), not a malformed one. */
    public ProtocolException(String message, boolean restart, boolean refusal) {
        super(message);
        this.restart = restart;
        this.refusal = refusal;
    }

    public boolean restart() { return restart; }

    /**
     * True for the backend's {@code error} answer: it refused the call. False for an answer the
     * engine refused (garbage, a bad or oversized output file): on a precondition probe that is an
     * answer outside the bounds (B1), not a refusal.
     */
    public boolean refusal() { return refusal; }
}
