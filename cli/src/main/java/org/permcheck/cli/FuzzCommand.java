package org.permcheck.cli;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.permcheck.engine.report.BundleBudget;
import org.permcheck.engine.fuzz.SizeClass;
import org.permcheck.engine.fuzz.SizeMix;
import org.permcheck.engine.run.RunControl;
import org.permcheck.engine.run.Runner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.run.Expectations;
import org.permcheck.engine.run.FuzzOptions;
import org.permcheck.engine.run.Fuzzer;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Shard;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A fuzzing campaign: random seeded cases, failures shrunk to a minimal counterexample. */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Fuzz a backend with seeded random cases; every failure is shrunk and saved as a repro bundle.", ""},
        footer = {"", "The seed is printed at the start and recorded in the reports; rerun with --seed to repeat a campaign.",
                "", "Examples:", "  ./permcheck fuzz --cases 10000", "  ./permcheck fuzz --time 10m --backend cuda --seed 42", "  ./permcheck fuzz --cases 500 --sizes small,large --max-tokens 4096"})
final class FuzzCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    static final class Budget {
        @Option(names = "--cases", paramLabel = "N", description = "number of cases (default: 1000)") Long cases;
        @Option(names = "--time", paramLabel = "DURATION", description = "time budget, e.g. 90s, 10m, 2h") String time;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Budget budget;

    @Mixin BackendOptions backendOptions;

    @Mixin BundleOption bundleOption;

    @Option(names = "--seed", paramLabel = "LONG", description = "campaign seed (default: random, printed)")
    Long seed;

    @Option(names = "--out", defaultValue = "reports/fuzz", paramLabel = "DIR", description = "report directory (default: ${DEFAULT-VALUE})")
    Path out;


    @Option(names = "--until-failures", paramLabel = "N", description = "stop once N cases failed (a campaign that has found enough; the run is complete, not interrupted)")
    Long untilFailures;

    @Option(names = "--no-shrink", description = "report failures as found, without shrinking")
    boolean noShrink;

    @Option(names = "--sizes", paramLabel = "CLASSES", defaultValue = "small,medium,boundary,large",
            description = "size classes to draw, comma-separated, each with a fixed share of the time (default: ${DEFAULT-VALUE}; docs/generator.md section 9)")
    String sizes;

    @Option(names = "--max-tokens", paramLabel = "N", description = "draw T (tokens) at most N") Integer maxTokens;

    @Option(names = "--max-experts", paramLabel = "N", description = "draw E (experts) at most N") Integer maxExperts;

    @Option(names = "--max-hidden", paramLabel = "N", description = "draw H (row width) at most N") Integer maxHidden;

    @Option(names = "--max-topk", paramLabel = "N", description = "draw k (experts per token) at most N") Integer maxTopK;

    @Option(names = "--expectations", paramLabel = "FILE", description = "skips of this backend (JSON); fuzz cases are never xfailed")
    Path expectations;

    long cases() {
        if (budget != null && budget.cases != null) {
            if (budget.cases <= 0) throw new UsageError("--cases must be positive");
            return budget.cases;
        }
        return budget != null && budget.time != null ? -1 : 1000;
    }

    java.time.Duration time() {
        return budget != null && budget.time != null ? DurationArg.parse(budget.time) : null;
    }

    /** The size mix of --sizes and the --max-* bounds (recorded in every case id: the id replays its case). */
    SizeMix sizeMix() {
        java.util.List<SizeClass> classes = new java.util.ArrayList<>();
        for (String c : sizes.split(",")) {
            if (c.isBlank()) continue;
            try {
                classes.add(SizeClass.byId(c));
            } catch (IllegalArgumentException e) {
                throw new UsageError("--sizes: " + e.getMessage());
            }
        }
        if (classes.isEmpty()) throw new UsageError("--sizes names no size class (known: small, medium, boundary, large)");
        return new SizeMix(classes, 0, 0, 0, 0, false).withBounds(bound("--max-tokens", maxTokens), bound("--max-experts", maxExperts),
                bound("--max-hidden", maxHidden), bound("--max-topk", maxTopK));
    }

    private static int bound(String option, Integer v) {
        if (v == null) return 0;
        if (v < 1) throw new UsageError(option + " must be positive");
        return v;
    }

    @Override
    public Integer call() throws Exception {
        backendOptions.timeoutSeconds();
        BundleBudget bundles = bundleOption.budget();
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Expectations exp = RunSetup.expectations(expectations);
        long cases = cases();
        SizeMix mix = sizeMix();
        if (untilFailures != null && untilFailures <= 0) throw new UsageError("--until-failures must be positive");
        java.time.Duration budget = time();
        long seed = this.seed != null ? this.seed : FuzzOptions.randomSeed();
        BackendChoice choice = BackendChoice.resolve(backendOptions.backend, err);
        err.println("permcheck fuzz: seed " + seed + " (repeat with --seed " + seed + "), "
                + (cases > 0 ? cases + " cases" : "for " + this.budget.time) + ", reports in " + this.out);
        err.flush();
        try (OutDirectory dir = OutDirectory.claim(this.out)) {
            UnaryOperator<RunResult> dress = r -> RunSetup.withSelector(RunSetup.withSeed(r, seed), choice);
            RunControl control = dir.control(dress);
            ProgressBar bar = ProgressBar.forStderr(err, "fuzz").withBudget(budget);
            RunOptions opts = RunSetup.options("fuzz", backendOptions.timeoutSeconds(), exp, RunSetup.progress(bar, dir),
                    RunSetup.bundles(this.out, choice, bundles), err, Shard.ALL).withControl(control);
            FuzzOptions f = FuzzOptions.of(seed, Math.max(0, cases)).withBudget(budget).withShrink(!noShrink)
                    .withUntilFailures(untilFailures == null ? 0 : untilFailures).withSizes(mix);
            dir.begin(dress.apply(Runner.placeholder(opts, Map.of(), List.of(seed))));
            RunResult result;
            try (SignalStop signals = SignalStop.install(control, err)) {
                result = new Fuzzer(choice, opts).run(f);
            } finally {
                bar.finish();
            }
            return dir.finish(dress.apply(result), out, err);
        }
    }
}
