package org.permcheck.cli;

import java.io.PrintWriter;
import java.util.Locale;

import org.permcheck.engine.model.Status;

/**
 * Progress of a long run on stderr. On a terminal (System.console() != null): one bar redrawn in
 * place. Otherwise (CI logs, pipes): one plain line every {@code interval} seconds, so logs stay
 * readable and still show the run is alive. Each line says cases done (of how many), the rate, the
 * cases not passing and in how many failure signatures (docs/checks.md section 9), the time so far
 * and what is left: of the time budget (fuzz --time) or, for a known case count, at the rate so far.
 */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private final String label;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long lastDraw = Long.MIN_VALUE;
    private long done, total = -1, bad;
    private long budgetNanos = -1;
    private final java.util.Set<String> signatures = new java.util.HashSet<>();
    private boolean drewBar;

    ProgressBar(PrintWriter err, boolean terminal, String label, long intervalSeconds) {
        this.err = err;
        this.terminal = terminal;
        this.label = label;
        this.intervalNanos = intervalSeconds * 1_000_000_000L;
    }

    static ProgressBar forStderr(PrintWriter err, String label) {
        return new ProgressBar(err, System.console() != null, label, 10);
    }

    /** Cases of the stream judged before this process started (fuzz --resume): not counted in the rate. */
    private long startAt;

    /** A resumed campaign's bar: positions count from the stream's start, the rate from this session's. */
    ProgressBar withStart(long startAt) {
        this.startAt = startAt;
        return this;
    }

    /** A time budget (fuzz --time): lines then say how much of it is left. */
    ProgressBar withBudget(java.time.Duration budget) {
        if (budget != null && !budget.isZero()) this.budgetNanos = budget.toNanos();
        return this;
    }

    /**
     * One more case finished; {@code total} is -1 when unknown (a fuzz run with a time budget);
     * {@code signature} is the case's failure signature (counted only when the case did not pass; may be null).
     */
    synchronized void onCase(long done, long total, Status status, String signature) {
        this.done = done;
        this.total = total;
        if (status != Status.PASS && status != Status.NOT_SUPPORTED) {
            bad++;
            if (signature != null) signatures.add(signature);
        }
        long now = System.nanoTime();
        long every = terminal ? 100_000_000L : intervalNanos; // a terminal redraws at most ten times a second
        if (lastDraw != Long.MIN_VALUE && now - lastDraw < every && done != total) return;
        lastDraw = now;
        draw(now);
    }

    private void draw(long now) {
        double secs = (now - start) / 1e9;
        String counts = total >= 0 ? done + "/" + total : String.valueOf(done);
        double rate = secs > 0 ? (done - startAt) / secs : 0;
        String failing = bad + " not passing" + (signatures.isEmpty() ? "" : " in " + signatures.size() + (signatures.size() == 1 ? " signature" : " signatures"));
        String left = "";
        if (budgetNanos > 0) {
            left = String.format(Locale.ROOT, " of %.0f s (%.0f s left)", budgetNanos / 1e9, Math.max(0, (budgetNanos - (now - start)) / 1e9));
        } else if (total > 0 && done < total && rate > 0) {
            left = String.format(Locale.ROOT, " (about %.0f s left)", (total - done) / rate);
        }
        String tail = String.format(Locale.ROOT, " %s cases (%.0f/s), %s, %.0f s%s", counts, rate, failing, secs, left);
        if (terminal) {
            StringBuilder bar = new StringBuilder("\r" + label + " [");
            int filled = total > 0 ? (int) Math.min(WIDTH, done * WIDTH / total) : (int) (done % (WIDTH + 1));
            for (int i = 0; i < WIDTH; i++) bar.append(total > 0 ? (i < filled ? '#' : '.') : (i == filled ? '#' : '.'));
            err.print(bar.append(']').append(tail));
            drewBar = true;
        } else {
            err.println(label + ":" + tail);
        }
        err.flush();
    }

    /** Ends the bar's line so later output starts on a fresh one. */
    synchronized void finish() {
        if (drewBar) {
            err.println();
            err.flush();
        }
    }
}
