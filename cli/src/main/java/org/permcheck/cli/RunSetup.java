package org.permcheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunInfo;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.report.BundleBudget;
import org.permcheck.engine.report.ReportSet;
import org.permcheck.engine.report.ReproBundle;
import org.permcheck.engine.report.SignatureTable;
import org.permcheck.engine.report.StatusTable;
import org.permcheck.engine.run.Expectations;
import org.permcheck.engine.run.FailureSink;
import org.permcheck.engine.run.ProgressListener;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Shard;

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
     * Writes a repro bundle into out/repro/ for every non-passing case the budget admits (a few per
     * failure signature); the others are counted in the reports, not bundled.
     */
    static FailureSink bundles(Path out, BackendChoice choice, BundleBudget budget) {
        Path root = out.resolve(ReportSet.REPRO_DIR);
        return (c, expected, actual, result) -> budget.admit(result)
                ? ReproBundle.write(root, c, expected, actual, result, choice.selector()).toString() : null;
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

    /** Draws the bar and journals every case. */
    static ProgressListener progress(ProgressBar bar, OutDirectory dir) {
        return (done, total, result) -> {
            dir.record(result);
            bar.onCase(done, total, result.status(), org.permcheck.engine.report.FailureSignature.of(result).label());
        };
    }

    /** The run's result with the pin of the vector set it judged (null: no vectors ran), for every report. */
    static RunResult withVectorSet(RunResult r, org.permcheck.engine.model.VectorSetPin pin) {
        return pin == null ? r : r.withInfo(r.info().withVectorSet(pin));
    }

    /** The run's result with the --backend selector recorded, so reports can print the replay command. */
    static RunResult withSelector(RunResult r, BackendChoice choice) {
        RunInfo i = r.info();
        Map<String, String> backend = new LinkedHashMap<>(i.backend());
        backend.put(RunInfo.SELECTOR, choice.selector());
        return r.withInfo(i.withBackend(backend));
    }

    /** Writes the reports, prints the verdict, counts and paths; returns the exit code. */
    static int finish(RunResult result, Path out, PrintWriter stdout, PrintWriter err) throws IOException {
        List<Path> files;
        try {
            files = ReportSet.write(result, out);
        } catch (IOException e) {
            // ReportSet leaves the previous set whole (this run's placeholder or last checkpoint: INCOMPLETE)
            throw new IOException("could not write the reports to " + out + ": " + ErrorHandlers.oneLine(e.getMessage())
                    + " (no report was left half-written)", e);
        }
        StatusTable t = new StatusTable(result);
        // the valid-input totals: precondition probes have their own line (Robustness)
        org.permcheck.engine.model.Robustness rb = result.robustness();
        Map<Status, Long> probeCounts = new java.util.EnumMap<>(Status.class);
        for (CaseResult r : result.results()) if (org.permcheck.engine.model.Robustness.isProbe(r.caseId())) probeCounts.merge(r.status(), 1L, Long::sum);
        StringBuilder counts = new StringBuilder();
        for (Status s : Status.values()) {
            long n = t.count(s) - probeCounts.getOrDefault(s, 0L);
            if (n > 0) counts.append(counts.length() == 0 ? "" : ", ").append(n).append(' ').append(s.name());
        }
        stdout.println(result.verdict().label() + ": " + (result.totalCases() - rb.probes()) + " cases (" + (counts.length() == 0 ? "none" : counts) + ")");
        for (String reason : result.verdictReasons()) stdout.println("  " + ErrorHandlers.oneLine(reason));
        if (result.robustnessLine() != null) stdout.println(result.robustnessLine());
        // failures by signature: a backend broken everywhere prints a few lines, not thousands
        List<SignatureTable.Group> groups = SignatureTable.of(result);
        Map<String, CaseResult> firstOf = new LinkedHashMap<>();
        for (CaseResult r : t.failures()) firstOf.putIfAbsent(r.caseId(), r);
        int shown = 0;
        for (SignatureTable.Group g : groups) {
            if (shown++ == 5) {
                stdout.println("  ... and " + (groups.size() - 5) + " more signatures in " + out.resolve(ReportSet.MARKDOWN));
                break;
            }
            CaseResult r = firstOf.get(g.firstCase());
            String first = r.violations().isEmpty() ? String.valueOf(r.detail()) : r.violations().get(0).render();
            stdout.println("  " + r.status() + (r.excused() ? " (expected)" : "") + " " + ErrorHandlers.oneLine(r.caseId()) + ": " + ErrorHandlers.oneLine(first));
            if (g.cases() > 1) stdout.println("    " + g.cases() + " cases with signature " + ErrorHandlers.oneLine(g.signature().label()) + ", " + g.bundles().size() + " bundled");
            if (!g.bundles().isEmpty()) stdout.println("    replay: " + org.permcheck.engine.report.ReplayCommand.of(g.bundles().get(0), result.info().backend().get("selector")));
        }
        for (String p : result.expectationProblems()) stdout.println("  expectation: " + ErrorHandlers.oneLine(p));
        List<Long> seeds = result.info().seeds();
        stdout.println("seed: " + (seeds.isEmpty() ? "none" : seeds.get(0)) + (seeds.size() > 1 ? " (cases also carry seeds " + seeds.subList(1, seeds.size()) + ")" : ""));
        for (Path f : files) stdout.println("report: " + f);
        stdout.flush();
        err.flush();
        return result.exitCode();
    }

    /** The run seed is recorded first, even when every case that ran was a vector. */
    static RunResult withSeed(RunResult r, long seed) {
        var i = r.info();
        // the run's own seed first; then the seeds the cases carry (generated vectors have their own)
        LinkedHashSet<Long> ordered = new LinkedHashSet<>();
        ordered.add(seed);
        ordered.addAll(i.seeds());
        return r.withInfo(i.withSeeds(List.copyOf(ordered)));
    }
}
