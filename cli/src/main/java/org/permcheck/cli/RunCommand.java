package org.permcheck.cli;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.permcheck.engine.report.BundleBudget;
import org.permcheck.engine.run.RunControl;
import org.permcheck.engine.model.VectorSetPin;
import org.permcheck.engine.vectors.VectorSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.run.Expectations;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Shard;
import org.permcheck.engine.run.Tier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The main command: vectors + properties of one tier against one backend, then the reports. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the conformance suite (vectors + properties) against a backend and write the reports.", ""},
        footer = {"", "Writes report.json, summary.md, report.html, junit.xml, journal.jsonl and repro/<case>/ bundles into --out.",
                "SIGTERM/SIGINT stop after the case in flight and write reports marked INCOMPLETE with what was found.",
                "Exit codes: 0 conformant, 1 not conformant, 2 usage or harness error, 3 nothing judged, 4 incomplete (interrupted),",
                "5 conformant on valid inputs but unsafe on precondition probes (--probes, docs/checks.md \"Robustness\").",
                "", "Examples:", "  ./permcheck run                                  (quick tier, default backend)",
                "  ./permcheck run --tier full --backend cpu --out reports/nightly",
                "  ./permcheck run --backend 'exec:python3 adapters/python/examples/numpy_port.py'",
                "  ./permcheck run --shard 0/4 --out reports/shard0     (CI machine 1 of 4)",
                "  ./permcheck run --op token_combine --rule C3 --list  (which cases would run)"})
final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    /** The tier names the command line accepts (the engine's Tier has the cases). */
    enum TierName { quick, full, robustness }

    /** Whether the precondition probes (the robustness tier) run after the tier's cases. */
    enum Probes { on, off }

    @Option(names = "--tier", defaultValue = "quick", paramLabel = "quick|full|robustness",
            description = "quick (CI gate, minutes), full (nightly), or robustness (the precondition probes only) (default: ${DEFAULT-VALUE})")
    TierName tier;

    @Option(names = "--probes", defaultValue = "on", paramLabel = "on|off",
            description = "run the precondition probes (inputs outside the contract, rules B1/B2) after the tier (default: ${DEFAULT-VALUE})")
    Probes probes;

    @Mixin BackendOptions backendOptions;

    @Mixin BundleOption bundleOption;

    @Mixin HistoryOption history;

    @Option(names = "--seed", paramLabel = "LONG", description = "seed of the property cases (default: the tier's fixed seed)")
    Long seed;

    @Option(names = "--shard", paramLabel = "I/N", description = "run only shard I of N (0-based), e.g. 0/4")
    String shard;

    @Option(names = "--out", defaultValue = "reports/latest", paramLabel = "DIR", description = "report directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--expectations", paramLabel = "FILE", description = "known failures and skips of this backend (JSON)")
    Path expectations;


    @Option(names = "--vectors", defaultValue = "vectors", paramLabel = "DIR", description = "vector directory (default: ${DEFAULT-VALUE})")
    Path vectors;

    @Option(names = "--op", paramLabel = "OP", description = "only cases of this op (repeatable), e.g. token_combine")
    List<String> ops = new java.util.ArrayList<>();

    @Option(names = "--rule", paramLabel = "ID", description = "only cases that exercise this rule of docs/spec.md (repeatable), e.g. D3")
    List<String> rules = new java.util.ArrayList<>();

    @Option(names = "--case", paramLabel = "PATTERN", description = "only cases whose id is PATTERN, or starts with it when it ends in * (repeatable)")
    List<String> patterns = new java.util.ArrayList<>();

    @Option(names = "--list", description = "print the cases that would run (id, op, rules) and exit; no backend is started")
    boolean list;

    @Override
    public Integer call() throws Exception {
        backendOptions.timeoutSeconds();
        BundleBudget budget = bundleOption.budget();
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        // everything the user typed is checked before a backend starts
        Shard shard = RunSetup.shard(this.shard);
        Expectations exp = RunSetup.expectations(expectations);
        boolean probesOnly = this.tier == TierName.robustness;
        Tier tier = probesOnly ? Tier.QUICK : Tier.byName(this.tier.name());
        String tierId = probesOnly ? "robustness" : tier.id();
        long seed = this.seed != null ? this.seed : Tier.DEFAULT_SEED;
        boolean vectorsGiven = spec.commandLine().getParseResult().hasMatchedOption("--vectors");
        java.nio.file.Path vectors = vectorsGiven ? this.vectors : defaultVectors(this.vectors);
        if (vectorsGiven && !java.nio.file.Files.isDirectory(vectors)) throw new UsageError("--vectors " + vectors + ": no such directory");
        // a listing starts no backend; a run resolves it first, so a bad --backend is the only line printed
        BackendChoice choice = list ? null : BackendChoice.resolve(backendOptions.backend, err);
        if (!java.nio.file.Files.isDirectory(vectors)) err.println("permcheck run: no vector set at " + vectors + "; running the tier's properties only");
        List<org.permcheck.engine.model.Case> tierCases = probesOnly ? List.of() : CaseSources.tier(tier, seed, shard, vectors, vectorsGiven);
        if (probesOnly || probes == Probes.on) {
            long before = probesOnly ? 0 : CaseSources.unshardedCount(tier, seed, vectors);
            tierCases = CaseSources.withProbes(tierCases, before, shard, vectors);
        }
        List<org.permcheck.engine.model.Case> cases = CaseSelection.of(tierCases, ops, rules, patterns);
        if (list) {
            for (org.permcheck.engine.model.Case c : cases) {
                out.println(c.id() + "  " + c.invocation().op().wireName() + "  " + String.join(",", c.rules()));
            }
            out.flush();
            return 0; // a listing: nothing judged, nothing failed
        }
        // which vector set was judged goes into every report (loading has checked it against its PIN)
        VectorSetPin pin = java.nio.file.Files.isDirectory(vectors) ? VectorSet.pin(vectors) : null;
        err.println("permcheck run: tier " + tierId + ", seed " + seed + (shard.equals(Shard.ALL) ? "" : ", shard " + shard)
                + ", " + cases.size() + " cases, reports in " + this.out);
        err.flush();
        try (OutDirectory dir = OutDirectory.claim(this.out)) {
            UnaryOperator<RunResult> dress = r -> RunSetup.withVectorSet(RunSetup.withSelector(RunSetup.withSeed(r, seed), choice), pin);
            RunControl control = dir.control(dress);
            ProgressBar bar = ProgressBar.forStderr(err, "run");
            RunOptions opts = RunSetup.options(tierId, backendOptions.timeoutSeconds(), exp, RunSetup.progress(bar, dir),
                    RunSetup.bundles(this.out, choice, budget), err, shard).withControl(control);
            dir.begin(dress.apply(Runner.placeholder(opts, Map.of(), List.of(seed))));
            RunResult result;
            try (SignalStop signals = SignalStop.install(control, err); Runner r = new Runner(choice, opts)) {
                result = r.run(cases);
            } finally {
                bar.finish();
            }
            RunResult dressed = dress.apply(result);
            int code = dir.finish(dressed, out, err);
            history.append(this.out, dressed, Map.of(), err);
            return code;
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
}
