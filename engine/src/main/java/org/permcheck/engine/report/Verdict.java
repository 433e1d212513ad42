package org.permcheck.engine.report;

import org.permcheck.engine.model.RunResult;

/** The one-word verdict every report leads with. */
public final class Verdict {
    public static final String CONFORMANT = "CONFORMANT";
    public static final String NOT_CONFORMANT = "NOT CONFORMANT";

    private Verdict() {}

    public static String of(RunResult run) {
        return run.conformant() ? CONFORMANT : NOT_CONFORMANT;
    }
}
