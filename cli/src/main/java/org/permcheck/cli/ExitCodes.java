package org.permcheck.cli;

/**
 * The exit codes of every subcommand (README, docs/cli.md; CI gates depend on them). The verdict codes
 * are {@link org.permcheck.engine.model.RunVerdict#exitCode()}; these constants name them.
 */
final class ExitCodes {
    /** Conformant: no FAIL, ERROR, TIMEOUT, CRASH or HARNESS_ERROR inside the declared capabilities. */
    static final int CONFORMANT = 0;
    /** The backend broke at least one rule (or an expectation is stale). */
    static final int NOT_CONFORMANT = 1;
    /** Bad arguments or input files, or permcheck itself failed: no verdict was reached. */
    static final int USAGE_OR_HARNESS = 2;
    /** The run judged nothing (or too little of an op the backend claims) to call it conformant. */
    static final int NOTHING_JUDGED = 3;
    /** The run was interrupted before its end and found nothing wrong so far. */
    static final int INCOMPLETE = 4;
    /** Conformant on valid inputs, but a precondition probe FAILED (B1, B2: docs/checks.md, "Robustness"). */
    static final int UNSAFE_ON_PROBES = org.permcheck.engine.model.RunResult.UNSAFE_EXIT;

    private ExitCodes() {}
}
