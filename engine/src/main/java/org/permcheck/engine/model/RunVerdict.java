package org.permcheck.engine.model;

/**
 * The one verdict a run ends with, decided in one place ({@link org.permcheck.engine.run.Conformance})
 * and led with by every report. Only CONFORMANT is a pass; each verdict has its own exit code
 * (docs/cli.md), so a CI gate can tell "broken" from "judged nothing" from "cut short".
 */
public enum RunVerdict {
    /** Every case judged within the declared capabilities passed, enough of each claimed op was judged. */
    CONFORMANT("CONFORMANT", 0),
    /** A FAIL, ERROR, TIMEOUT, CRASH or HARNESS_ERROR not excused, or a stale expectation. */
    NOT_CONFORMANT("NOT CONFORMANT", 1),
    /** Nothing wrong was seen, but too little was judged to say so (no case, or a claimed op mostly refused or skipped). */
    NOTHING_JUDGED("NOTHING JUDGED", 3),
    /** Nothing wrong was seen so far, but the run was interrupted before it ended. */
    INCOMPLETE("INCOMPLETE", 4);

    private final String label;
    private final int exitCode;

    RunVerdict(String label, int exitCode) {
        this.label = label;
        this.exitCode = exitCode;
    }

    /** The words reports print ("NOT CONFORMANT"). */
    public String label() { return label; }

    /** The process exit code of run, fuzz and replay for this verdict (2 is reserved for usage and harness errors). */
    public int exitCode() { return exitCode; }

    public static RunVerdict byLabel(String label) {
        for (RunVerdict v : values()) if (v.label.equals(label) || v.name().equals(label)) return v;
        throw new IllegalArgumentException("unknown verdict '" + label + "'");
    }
}
