package org.permcheck.engine.exec;

/**
 * The backend could not be brought up to a usable hello (it did not start, died, answered garbage,
 * or speaks another protocol version). Thrown by {@link ExecBackend#info()}, so that a run reports
 * ERROR for every case instead of mistaking the backend for one that supports nothing.
 */
public class BackendStartException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public BackendStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
