package org.permcheck.engine.exec;

/**
 * The backend answered, but not as docs/protocol.md says (garbage, a wrong id, a refused path, an
 * invalid output file, an error it reported itself). Reported as ERROR with this one-line message.
 * {@code restart} says whether the process must be replaced before the next case because its
 * state is unknown (true for garbage on stdout, false for a well-formed "error" answer).
 */
public class ProtocolException extends Exception {
    private final boolean restart;

    public ProtocolException(String message, boolean restart) {
        super(message);
        this.restart = restart;
    }

    public boolean restart() { return restart; }
}
