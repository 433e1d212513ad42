package org.permcheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.report.History;

import picocli.CommandLine.Option;

/** --history, declared once for run and fuzz: where each finished run appends its summary (docs/cli.md). */
final class HistoryOption {
    static final String NONE = "none";

    @Option(names = "--history", paramLabel = "FILE",
            description = "append the run's summary to this JSON-lines file (default: " + History.FILE + " in --out, kept across runs there; '" + NONE + "': no history)")
    String file;

    /** The history file of a run into {@code out}, or null for none. */
    Path file(Path out) {
        if (NONE.equals(file)) return null;
        return file == null ? out.resolve(History.FILE) : Path.of(file);
    }

    /**
     * Appends the finished run's entry. The run's verdict and reports stand on their own: a history
     * that cannot be written is one warning line, not a changed exit code.
     */
    void append(Path out, RunResult result, Map<String, Long> campaign, PrintWriter err) {
        Path f = file(out);
        if (f == null) return;
        try {
            History.append(f, History.of(result, campaign));
            err.println("permcheck: history: " + f);
        } catch (IOException | RuntimeException e) {
            err.println("permcheck: warning: could not append to the history " + f + ": " + ErrorHandlers.oneLine(e.getMessage()));
        }
        err.flush();
    }
}
