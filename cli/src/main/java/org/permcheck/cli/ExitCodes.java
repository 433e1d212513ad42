package org.permcheck.cli;

/** The three exit codes of every subcommand (README, CI gates depend on them). */
final class ExitCodes {
    /** Conformant: no FAIL, ERROR, TIMEOUT, CRASH or HARNESS_ERROR inside the declared capabilities. */
    static final int CONFORMANT = 0;
    /** The backend broke at least one rule (or an expectation is stale). */
    static final int NOT_CONFORMANT = 1;
    /** Bad arguments or input files, or permcheck itself failed: no verdict was reached. */
    static final int USAGE_OR_HARNESS = 2;

    private ExitCodes() {}
}
