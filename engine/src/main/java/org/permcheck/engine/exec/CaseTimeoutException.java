package org.permcheck.engine.exec;

import org.permcheck.spi.BackendCrashedException;

/**
 * The backend did not answer within the limit the {@link ExecBackend} itself was given (used by
 * {@code permcheck smoke}; in a run the engine's own per-case timer and {@code cancel()} apply).
 * The process tree has been killed. A CRASH to callers that do not know this type, TIMEOUT to
 * those that do ({@link GuardedCall}).
 */
public class CaseTimeoutException extends BackendCrashedException {
    public CaseTimeoutException(String message) {
        super(message);
    }
}
