package org.permcheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.report.ReportDir;
import org.permcheck.engine.report.ReportSet;
import org.permcheck.engine.report.RunJournal;
import org.permcheck.engine.run.RunControl;

/**
 * The --out directory of one run or fuzz campaign, from claim to final reports (docs/checks.md,
 * "Guarantees: what is never lost"): locked and cleared ({@link ReportDir}); INCOMPLETE placeholder
 * reports and the journal opened before the first case; checkpoint reports while the run goes;
 * the final reports at the end. Every report write is atomic ({@link ReportSet}).
 */
final class OutDirectory implements AutoCloseable {
    /** Checkpoint cadence: at most this long between two rewrites of the INCOMPLETE reports ... */
    static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(30);
    /** ... or after this many new failures. */
    static final long CHECKPOINT_FAILURES = 200;

    private final ReportDir dir;
    private RunJournal journal;

    private OutDirectory(ReportDir dir) {
        this.dir = dir;
    }

    /** Claims --out: one line and exit 2 when it is a file or another run holds it (nothing there is touched). */
    static OutDirectory claim(Path out) {
        return claim(out, false);
    }

    /** As {@link #claim(Path)}; {@code keepBundles}: a resumed campaign keeps its earlier sessions' repro bundles. */
    static OutDirectory claim(Path out, boolean keepBundles) {
        try {
            return new OutDirectory(ReportDir.claim(out, keepBundles));
        } catch (IOException e) {
            throw new UsageError("--out " + ErrorHandlers.oneLine(e.getMessage()));
        }
    }

    Path path() { return dir.path(); }

    /** Whether two paths name one directory (lexically: --out against a directory a command reads). */
    static boolean same(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /** A control whose checkpoints write the (dressed) result so far as this directory's reports. */
    RunControl control(UnaryOperator<RunResult> dress) {
        return control(dress, soFar -> {});
    }

    /** As {@link #control(UnaryOperator)}, with {@code also} saved after each checkpoint's reports (a campaign's state). */
    RunControl control(UnaryOperator<RunResult> dress, RunControl.Checkpoint also) {
        return new RunControl(soFar -> {
            ReportSet.write(dress.apply(soFar), dir.path());
            also.save(soFar);
        }, CHECKPOINT_EVERY, CHECKPOINT_FAILURES);
    }

    /** Writes the placeholder reports (verdict INCOMPLETE) and starts the journal, before the first case. */
    void begin(RunResult placeholder) throws IOException {
        try {
            ReportSet.write(placeholder, dir.path());
            journal = RunJournal.open(dir.path().resolve(RunJournal.FILE), placeholder.info());
        } catch (IOException e) {
            throw new IOException("could not start the reports in " + dir.path() + ": " + ErrorHandlers.oneLine(e.getMessage()), e);
        }
    }

    /** Journals one finished case (the progress listener calls this). */
    void record(CaseResult r) {
        if (journal != null) journal.record(r);
    }

    /** The final reports, then the journal's last line; returns the exit code (RunSetup.finish). */
    int finish(RunResult result, PrintWriter stdout, PrintWriter err) throws IOException {
        int code = RunSetup.finish(result, dir.path(), stdout, err);
        if (journal != null) journal.end(result);
        return code;
    }

    @Override
    public void close() throws IOException {
        try {
            if (journal != null) journal.close();
        } finally {
            dir.close();
        }
    }
}
