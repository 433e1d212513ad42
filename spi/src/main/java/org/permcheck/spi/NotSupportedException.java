package org.permcheck.spi;

/** Thrown by a backend for a call it does not implement; reported as NOT_SUPPORTED with the reason. */
public class NotSupportedException extends Exception {
    public NotSupportedException(String reason) {
        super(reason);
    }
}
