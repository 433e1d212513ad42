package org.permcheck.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.permcheck.cli.bench.BenchResult;
import org.permcheck.cli.bench.EndToEndBench;
import org.permcheck.cli.bench.FuzzBench;
import org.permcheck.contract.Invocation;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.report.BundleBudget;
import org.permcheck.engine.run.Expectations;
import org.permcheck.engine.run.FailureSink;
import org.permcheck.engine.run.FuzzOptions;
import org.permcheck.engine.run.Fuzzer;
import org.permcheck.engine.run.ProgressListener;
import org.permcheck.engine.run.RunControl;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Shard;
import org.permcheck.engine.run.Tier;
import org.permcheck.spi.BenchRequest;

/**
 * Where the command line meets the engine's run API (org.permcheck.engine.run): everything that
 * needs the runner, the fuzzer or the checks goes through here.
 */
final class EngineBridge {
    private EngineBridge() {}

    /** permcheck run: vectors + the tier's properties against one backend, then the reports. */
    static int run(RunCommand c) throws Exception {
        PrintWriter out = c.spec.commandLine().getOut(), err = c.spec.commandLine().getErr();
        // everything the user typed is checked before a backend starts
        Shard shard = RunSetup.shard(c.shard);
        Expectations exp = RunSetup.expectations(c.expectations);
        Tier tier = Tier.byName(c.tier.name());
        long seed = c.seed != null ? c.seed : Tier.DEFAULT_SEED;
        boolean vectorsGiven = c.spec.commandLine().getParseResult().hasMatchedOption("--vectors");
        java.nio.file.Path vectors = vectorsGiven ? c.vectors : defaultVectors(c.vectors);
        if (vectorsGiven && !java.nio.file.Files.isDirectory(vectors)) throw new UsageError("--vectors " + vectors + ": no such directory");
        BackendChoice choice = BackendChoice.resolve(c.backendOptions.backend, err);
        if (!java.nio.file.Files.isDirectory(vectors)) err.println("permcheck run: no vector set at " + vectors + "; running the tier's properties only");
        List<org.permcheck.engine.model.Case> cases = CaseSources.tier(tier, seed, shard, vectors, vectorsGiven);
        err.println("permcheck run: tier " + tier.id() + ", seed " + seed + (shard.equals(Shard.ALL) ? "" : ", shard " + shard)
                + ", " + cases.size() + " cases, reports in " + c.out);
        err.flush();
        BundleBudget budget = c.bundleOption.budget();
        try (OutDirectory dir = OutDirectory.claim(c.out)) {
            UnaryOperator<RunResult> dress = r -> RunSetup.withSelector(withSeed(r, seed), choice);
            RunControl control = dir.control(dress);
            ProgressBar bar = ProgressBar.forStderr(err, "run");
            RunOptions opts = RunSetup.options(tier.id(), c.backendOptions.timeoutSeconds(), exp, RunSetup.progress(bar, dir),
                    RunSetup.bundles(c.out, choice, budget), err, shard).withControl(control);
            dir.begin(dress.apply(Runner.placeholder(opts, Map.of(), List.of(seed))));
            RunResult result;
            try (SignalStop signals = SignalStop.install(control, err); Runner r = new Runner(choice::create, opts)) {
                result = r.run(cases);
            } finally {
                bar.finish();
            }
            return dir.finish(dress.apply(result), out, err);
        }
    }

    /**
     * The committed vector set: ./vectors when run from the repository root, else the one beside
     * the ./permcheck script that started us (so the main command works from any directory).
     */
    private static java.nio.file.Path defaultVectors(java.nio.file.Path asDefault) {
        if (java.nio.file.Files.isDirectory(asDefault)) return asDefault;
        String script = System.getProperty("permcheck.script");
        if (script == null) return asDefault;
        java.nio.file.Path beside = java.nio.file.Path.of(script).toAbsolutePath().getParent().resolve("vectors");
        return java.nio.file.Files.isDirectory(beside) ? beside : asDefault;
    }

    /** permcheck fuzz: seeded random cases until the count or the time budget is spent; failures shrunk. */
    static int fuzz(FuzzCommand c) throws Exception {
        PrintWriter out = c.spec.commandLine().getOut(), err = c.spec.commandLine().getErr();
        Expectations exp = RunSetup.expectations(c.expectations);
        long cases = c.cases();
        java.time.Duration budget = c.time();
        long seed = c.seed != null ? c.seed : FuzzOptions.randomSeed();
        BackendChoice choice = BackendChoice.resolve(c.backendOptions.backend, err);
        err.println("permcheck fuzz: seed " + seed + " (repeat with --seed " + seed + "), "
                + (cases > 0 ? cases + " cases" : "for " + c.budget.time) + ", reports in " + c.out);
        err.flush();
        BundleBudget bundles = c.bundleOption.budget();
        try (OutDirectory dir = OutDirectory.claim(c.out)) {
            UnaryOperator<RunResult> dress = r -> RunSetup.withSelector(withSeed(r, seed), choice);
            RunControl control = dir.control(dress);
            ProgressBar bar = ProgressBar.forStderr(err, "fuzz");
            RunOptions opts = RunSetup.options("fuzz", c.backendOptions.timeoutSeconds(), exp, RunSetup.progress(bar, dir),
                    RunSetup.bundles(c.out, choice, bundles), err, Shard.ALL).withControl(control);
            FuzzOptions f = FuzzOptions.of(seed, Math.max(0, cases)).withBudget(budget).withShrink(!c.noShrink);
            dir.begin(dress.apply(Runner.placeholder(opts, Map.of(), List.of(seed))));
            RunResult result;
            try (SignalStop signals = SignalStop.install(control, err)) {
                result = new Fuzzer(choice::create, opts).run(f);
            } finally {
                bar.finish();
            }
            return dir.finish(dress.apply(result), out, err);
        }
    }

    /** One saved case through the same runner as a run: the same checks, the same verdict. */
    static int replay(ReplayCommand c) throws Exception {
        PrintWriter out = c.spec.commandLine().getOut(), err = c.spec.commandLine().getErr();
        CaseSources.Saved saved = CaseSources.saved(c.dir);
        String backend = c.backendOptions.backend != null ? c.backendOptions.backend : replayBackend(saved.recordedBackend());
        BackendChoice choice = BackendChoice.resolve(backend, err);
        out.println("replaying " + saved.theCase().id() + ": " + saved.theCase().invocation().describe()
                + (saved.recordedStatus() == null ? "" : " (was " + saved.recordedStatus() + " on " + saved.recordedBackend() + ")"));
        out.flush();
        // one case: the --out directory is claimed (locked, cleared) like a run's; no journal or checkpoints
        try (OutDirectory dir = c.out == null ? null : OutDirectory.claim(c.out)) {
            FailureSink sink = c.out == null ? FailureSink.NONE : RunSetup.bundles(c.out, choice, new BundleBudget(1));
            RunOptions opts = RunSetup.options("replay", c.backendOptions.timeoutSeconds(), Expectations.none(), ProgressListener.NONE, sink, err, Shard.ALL);
            RunResult result;
            try (Runner r = new Runner(choice::create, opts)) {
                result = RunSetup.withSelector(r.run(List.of(saved.theCase())), choice);
            }
            CaseResult r = result.results().get(0);
            for (Violation v : r.violations()) out.println("  " + v.render());
            if (r.detail() != null) out.println("  " + r.detail());
            if (dir != null) return dir.finish(result, out, err);
            out.println(r.status() + " " + r.caseId() + (result.conformant() ? "" : " (" + result.verdict().label() + ")"));
            out.flush();
            return result.verdict().exitCode();
        }
    }

    /**
     * The backend a replay uses when --backend is not given. A bundle is a file anyone may attach to
     * an issue, so a shell command recorded in it (exec:...) is never run unless the user types it:
     * only the built-in backends (cpu, cuda) are taken from the bundle.
     */
    static String replayBackend(String recorded) {
        if (recorded == null || recorded.isBlank()) return null;
        if (recorded.startsWith(BackendChoice.EXEC_PREFIX)) {
            throw new UsageError("this case was recorded against " + recorded + "; a command from a file is never run: "
                    + "name the backend yourself with --backend");
        }
        return recorded;
    }

    /** The run seed is recorded first, even when every case that ran was a vector. */
    private static RunResult withSeed(RunResult r, long seed) {
        var i = r.info();
        // the run's own seed first; then the seeds the cases carry (generated vectors have their own)
        java.util.LinkedHashSet<Long> ordered = new java.util.LinkedHashSet<>();
        ordered.add(seed);
        ordered.addAll(i.seeds());
        List<Long> seeds = List.copyOf(ordered);
        var info = new org.permcheck.engine.model.RunInfo(i.suiteVersion(), i.gitCommit(), i.commandLine(), i.tier(), seeds,
                i.backend(), i.jdk(), i.startedAt(), i.wallMillis());
        return r.withInfo(info);
    }

    /** bench e2e: the run's judgement of one case (oracle + CPU backend + checks), on the bench shape. */
    static BenchResult benchEndToEnd(BenchRequest r, Invocation inv, PrintWriter err) throws Exception {
        BackendChoice cpu = BackendChoice.resolve("cpu", err);
        return EndToEndBench.run("e2e: oracle + cpu backend + checks", r, inv, cpu::create);
    }

    /** bench fuzz: checked cases per second, in process, against the CPU backend. */
    static BenchResult benchFuzz(long cases, long seed, PrintWriter err) throws Exception {
        BackendChoice cpu = BackendChoice.resolve("cpu", err);
        return FuzzBench.run(cases, seed, cpu::create);
    }

    /** bench protocol: the same judgement as e2e, through an exec backend (process, .npy files, JSON lines). */

}
