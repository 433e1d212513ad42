package org.permcheck.spi;

/**
 * Thrown when the backend itself died during a call (its process exited, its device context is
 * lost). Reported as CRASH; the engine then restarts or re-creates the backend and goes on.
 */
public class BackendCrashedException extends Exception {
    public BackendCrashedException(String message) {
        super(message);
    }

    public BackendCrashedException(String message, Throwable cause) {
        super(message, cause);
    }
}
