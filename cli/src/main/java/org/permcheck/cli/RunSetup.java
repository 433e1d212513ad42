package org.permcheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.permcheck.engine.model.RunInfo;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.report.ReportSet;
import org.permcheck.engine.report.ReproBundle;
import org.permcheck.engine.report.StatusTable;
import org.permcheck.engine.run.Expectations;
import org.permcheck.engine.run.FailureSink;
import org.permcheck.engine.run.ProgressListener;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Shard;
import org.permcheck.tensor.npy.Npy;

/** What run, fuzz and replay share: options for the runner, repro bundles, and the reports at the end. */
final class RunSetup {
    private RunSetup() {}

    static Expectations expectations(Path file) throws IOException {
        if (file == null) return Expectations.none();
        if (!Files.isRegularFile(file)) throw new UsageError("--expectations: no such file: " + file);
        return Expectations.load(file);
    }

    static Shard shard(String text) {
        if (text == null) return Shard.ALL;
        try {
            return Shard.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /**
     * Prepares the report directory. Repro bundles of an earlier run in the same directory would be
     * mistaken for this run's, so its repro/ is removed, but only when the directory is recognisably
     * ours (it holds a report.json), never an arbitrary directory the user pointed at.
     */
    static void prepareOut(Path out) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) throw new UsageError("--out " + out + " is a file, not a directory");
        Files.createDirectories(out);
        Path repro = out.resolve(ReportSet.REPRO_DIR);
        if (Files.isDirectory(repro) && Files.isRegularFile(out.resolve(ReportSet.JSON))) {
            try (Stream<Path> walk = Files.walk(repro)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    /** Writes a repro bundle for every non-passing case into out/repro/. */
    static FailureSink bundles(Path out, BackendChoice choice) {
        Path root = out.resolve(ReportSet.REPRO_DIR);
        return (c, expected, actual, result) -> ReproBundle.write(root, c, expected, actual, result, choice.selector(), Npy::write).toString();
    }

    static RunOptions options(String tier, long timeoutSeconds, Expectations exp, ProgressListener progress, FailureSink sink,
                              PrintWriter err, Shard shard) {
        return RunOptions.defaults()
                .withTier(tier)
                .withCaseTimeout(Duration.ofSeconds(timeoutSeconds))
                .withExpectations(exp)
                .withProgress(progress)
                .withFailureSink(sink)
                .withLog(line -> { err.println("permcheck: " + ErrorHandlers.oneLine(line)); err.flush(); })
                .withCommandLine(Invocations.commandLine())
                .withSuiteVersion(VersionProvider.version())
                .withGitCommit(VersionProvider.commit())
                .withShard(shard);
    }

    static ProgressListener progress(ProgressBar bar) {
        return (done, total, result) -> bar.onCase(done, total, result.status());
    }

    /** The run's result with the --backend selector recorded, so reports can print the replay command. */
    static RunResult withSelector(RunResult r, BackendChoice choice) {
        RunInfo i = r.info();
        Map<String, String> backend = new LinkedHashMap<>(i.backend());
        backend.put("selector", choice.selector());
        RunInfo info = new RunInfo(i.suiteVersion(), i.gitCommit(), i.commandLine(), i.tier(), i.seeds(), backend, i.jdk(),
                i.startedAt(), i.wallMillis());
        return r.withInfo(info);
    }

    /** Writes the reports, prints the verdict, counts and paths; returns the exit code. */
    static int finish(RunResult result, Path out, PrintWriter stdout, PrintWriter err) throws IOException {
        List<Path> files = ReportSet.write(result, out);
        StatusTable t = new StatusTable(result);
        StringBuilder counts = new StringBuilder();
        for (Status s : Status.values()) {
            if (t.count(s) > 0) counts.append(counts.length() == 0 ? "" : ", ").append(t.count(s)).append(' ').append(s.name());
        }
        stdout.println(result.verdict().label() + ": " + result.totalCases() + " cases (" + (counts.length() == 0 ? "none" : counts) + ")");
        for (String reason : result.verdictReasons()) stdout.println("  " + ErrorHandlers.oneLine(reason));
        int shown = 0;
        for (var r : t.failures()) {
            if (shown++ == 5) {
                stdout.println("  ... and " + (t.failures().size() - 5) + " more in " + out.resolve(ReportSet.MARKDOWN));
                break;
            }
            String first = r.violations().isEmpty() ? String.valueOf(r.detail()) : r.violations().get(0).render();
            stdout.println("  " + r.status() + (r.excused() ? " (expected)" : "") + " " + ErrorHandlers.oneLine(r.caseId()) + ": " + ErrorHandlers.oneLine(first));
            if (r.reproDir() != null) stdout.println("    replay: " + org.permcheck.engine.report.ReplayCommand.of(r.reproDir(), result.info().backend().get("selector")));
        }
        for (String p : result.expectationProblems()) stdout.println("  expectation: " + ErrorHandlers.oneLine(p));
        List<Long> seeds = result.info().seeds();
        stdout.println("seed: " + (seeds.isEmpty() ? "none" : seeds.get(0)) + (seeds.size() > 1 ? " (cases also carry seeds " + seeds.subList(1, seeds.size()) + ")" : ""));
        for (Path f : files) stdout.println("report: " + f);
        stdout.flush();
        err.flush();
        return result.verdict().exitCode();
    }

    /** The run seed is recorded first, even when every case that ran was a vector. */
    static RunResult withSeed(RunResult r, long seed) {
        var i = r.info();
        // the run's own seed first; then the seeds the cases carry (generated vectors have their own)
        LinkedHashSet<Long> ordered = new LinkedHashSet<>();
        ordered.add(seed);
        ordered.addAll(i.seeds());
        List<Long> seeds = List.copyOf(ordered);
        var info = new RunInfo(i.suiteVersion(), i.gitCommit(), i.commandLine(), i.tier(), seeds,
                i.backend(), i.jdk(), i.startedAt(), i.wallMillis());
        return r.withInfo(info);
    }
}
