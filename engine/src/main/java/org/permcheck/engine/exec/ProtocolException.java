package org.permcheck.engine.exec;

/**
 * The backend answered, but not as docs/protocol.md says (garbage, a wrong id, a refused path, an
 * invalid output file, an error it reported itself). Reported as ERROR with this one-line message.
 * Whether the process is replaced before the next case is decided where the answer is read: a
 * channel whose state is unknown (garbage on stdout) is killed there ({@link MessageChannel#broken}).
 */
public class ProtocolException extends Exception {
    private final boolean refusal;

    public ProtocolException(String message) {
        this(message, false);
    }

    /** {@code refusal}: the backend's own well-formed {@code error} answer (docs/protocol.md 3.3), not a malformed one. */
    public ProtocolException(String message, boolean refusal) {
        super(message);
        this.refusal = refusal;
    }

    /**
     * True for the backend's {@code error} answer: it refused the call. False for an answer the
     * engine refused (garbage, a bad or oversized output file): on a precondition probe that is an
     * answer outside the bounds (B1), not a refusal.
     */
    public boolean refusal() { return refusal; }
}
