package org.permcheck.cli;

import picocli.CommandLine.Option;

/**
 * The options every command that calls a backend shares (run, fuzz, replay), declared once so their
 * names, defaults and help text cannot drift apart.
 */
final class BackendOptions {
    @Option(names = "--backend", paramLabel = "NAME", description = "cpu, cuda or exec:<command> (default: cuda when available, else cpu)")
    String backend;

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS", description = "per-case time limit (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    /** The longest per-case limit accepted (a week): past it the limit's nanoseconds would near overflow, and no case needs it. */
    static final long MAX_TIMEOUT_SECONDS = 7 * 86400;

    /** --timeout, checked: a positive number of seconds, at most a week. */
    long timeoutSeconds() {
        if (timeoutSeconds <= 0) throw new UsageError("--timeout must be a positive number of seconds");
        if (timeoutSeconds > MAX_TIMEOUT_SECONDS) throw new UsageError("--timeout " + timeoutSeconds + " is too long (at most " + MAX_TIMEOUT_SECONDS + " s, a week)");
        return timeoutSeconds;
    }
}
