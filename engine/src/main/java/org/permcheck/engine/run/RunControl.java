package org.permcheck.engine.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Consumer;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;

/**
 * How the caller of a run stops it between cases and sees it while it goes (docs/checks.md,
 * "Guarantees: what is never lost"): {@link #stop} (from a signal handler, any thread) ends the
 * run after the case in flight, which then summarizes with the stop reason (an INCOMPLETE
 * verdict, or NOT CONFORMANT if failures were found); the checkpoint is handed the run's
 * result so far, marked {@link #IN_PROGRESS}, every {@code every} or every {@code everyFailures}
 * new failures, so the reports on disk are never older than that.
 */
public final class RunControl {
    /** The incomplete reason of a checkpoint and of the placeholder reports a run starts with. */
    public static final String IN_PROGRESS = "run in progress or killed";

    /** Receives the result so far (verdict INCOMPLETE, or NOT CONFORMANT with failures). */
    @FunctionalInterface
    public interface Checkpoint {
        void save(RunResult soFar) throws IOException;
    }

    private final Checkpoint checkpoint;
    private final long everyNanos;
    private final long everyFailures;
    private volatile String stopReason;
    private long lastNanos = System.nanoTime();
    private long failuresAtLast;

    /**
     * @param checkpoint    null for none
     * @param every         the longest time between two checkpoints
     * @param everyFailures a checkpoint after this many new failures, sooner than {@code every}
     */
    public RunControl(Checkpoint checkpoint, Duration every, long everyFailures) {
        if (every.isNegative() || every.isZero() || everyFailures <= 0) throw new IllegalArgumentException("checkpoint cadence must be positive");
        this.checkpoint = checkpoint;
        this.everyNanos = every.toNanos();
        this.everyFailures = everyFailures;
    }

    /** No checkpoints; stop still works. A fresh one each call (a stop flag is state). */
    public static RunControl none() { return new RunControl(null, Duration.ofSeconds(30), 100); }

    /** Asks the run to stop after the case in flight; the first reason wins. Safe from any thread. */
    public void stop(String reason) {
        synchronized (this) {
            if (stopReason == null) stopReason = reason;
        }
    }

    /** Why the run was asked to stop, or null. */
    public String stopReason() { return stopReason; }

    public boolean stopped() { return stopReason != null; }

    /**
     * Whether the run was stopped and the result of the case in flight when the stop came does not
     * count (said on {@code log}). A PASS, FAIL or NOT_SUPPORTED is a complete answer; an ERROR,
     * TIMEOUT, CRASH or HARNESS_ERROR may be the signal's doing (Ctrl-C reaches the backend's process
     * group too), so it is dropped rather than reported as the backend's fault.
     */
    boolean dropsInFlight(CaseResult r, Consumer<String> log) {
        if (!stopped() || r.status() == Status.PASS || r.status() == Status.FAIL || r.status() == Status.NOT_SUPPORTED) return false;
        log.accept("stopped: the case in flight (" + r.caseId() + ", " + r.status() + ") is not counted");
        return true;
    }

    /** True when a checkpoint is due, given the failures found so far. */
    boolean due(long failures) {
        if (checkpoint == null) return false;
        return System.nanoTime() - lastNanos >= everyNanos || failures - failuresAtLast >= everyFailures;
    }

    /** Hands the result so far to the checkpoint; a failed write ends the run (exit 2, one line). */
    void save(RunResult soFar, long failures) {
        lastNanos = System.nanoTime();
        failuresAtLast = failures;
        try {
            checkpoint.save(soFar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
