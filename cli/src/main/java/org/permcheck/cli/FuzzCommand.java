package org.permcheck.cli;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.permcheck.engine.report.BundleBudget;
import org.permcheck.engine.report.Campaign;
import org.permcheck.engine.run.ProgressListener;
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
                "A campaign killed (or stopped) goes on with --resume: the same seed stream from the next case, the same options.",
                "", "Examples:", "  ./permcheck fuzz --cases 10000", "  ./permcheck fuzz --time 10m --backend cuda --seed 42",
                "  ./permcheck fuzz --resume reports/fuzz",
                "  ./permcheck fuzz --cases 500 --sizes small,large --max-tokens 4096"})
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

    @Option(names = "--resume", paramLabel = "DIR", description = "continue the campaign whose --out is DIR (after a kill or a stop): "
            + "the next cases of its seed stream, its options; an option given that differs from the campaign's is refused")
    Path resume;

    @Mixin HistoryOption history;

    /** The options a campaign is defined by, as campaign.json records them and a resume compares them. */
    static final List<String> CAMPAIGN_OPTIONS = List.of("seed", "cases", "time", "until-failures", "no-shrink", "expectations", "backend",
            "timeout", "bundles-per-signature", "sizes", "max-tokens", "max-experts", "max-hidden", "max-topk");

    /** This command line's campaign options: all of them (a new campaign), or only those typed (a resume compares these). */
    private Map<String, String> campaignOptions(boolean typedOnly, long seed) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        var parsed = spec.commandLine().getParseResult();
        for (String name : CAMPAIGN_OPTIONS) {
            if (typedOnly && !parsed.hasMatchedOption("--" + name)) continue;
            m.put(name, switch (name) {
                case "seed" -> String.valueOf(seed);
                case "cases" -> budget != null && budget.cases != null ? String.valueOf(budget.cases) : budget != null && budget.time != null ? "" : "1000";
                case "time" -> budget != null && budget.time != null ? budget.time : "";
                case "until-failures" -> untilFailures == null ? "" : String.valueOf(untilFailures);
                case "no-shrink" -> String.valueOf(noShrink);
                case "expectations" -> expectations == null ? "" : expectations.toString();
                case "backend" -> backendOptions.backend == null ? "" : backendOptions.backend;
                case "timeout" -> String.valueOf(backendOptions.timeoutSeconds);
                case "sizes" -> sizes;
                case "max-tokens" -> maxTokens == null ? "" : String.valueOf(maxTokens);
                case "max-experts" -> maxExperts == null ? "" : String.valueOf(maxExperts);
                case "max-hidden" -> maxHidden == null ? "" : String.valueOf(maxHidden);
                case "max-topk" -> maxTopK == null ? "" : String.valueOf(maxTopK);
                default -> String.valueOf(bundleOption.perSignature);
            });
        }
        return m;
    }

    /** Takes the campaign's options for every one this resume did not type (those typed were compared). */
    private long adopt(Map<String, String> c) {
        var parsed = spec.commandLine().getParseResult();
        if (!c.getOrDefault("cases", "").isEmpty() || !c.getOrDefault("time", "").isEmpty()) {
            budget = new Budget();
            if (!c.getOrDefault("cases", "").isEmpty()) budget.cases = Long.parseLong(c.get("cases"));
            if (!c.getOrDefault("time", "").isEmpty()) budget.time = c.get("time");
        }
        if (!c.getOrDefault("until-failures", "").isEmpty()) untilFailures = Long.parseLong(c.get("until-failures"));
        noShrink = Boolean.parseBoolean(c.getOrDefault("no-shrink", "false"));
        if (!c.getOrDefault("expectations", "").isEmpty()) expectations = Path.of(c.get("expectations"));
        if (!c.getOrDefault("backend", "").isEmpty()) backendOptions.backend = c.get("backend");
        // the size mix is part of every case id: a resumed stream must draw from the same one
        if (!c.getOrDefault("sizes", "").isEmpty()) sizes = c.get("sizes");
        if (!c.getOrDefault("max-tokens", "").isEmpty()) maxTokens = Integer.parseInt(c.get("max-tokens"));
        if (!c.getOrDefault("max-experts", "").isEmpty()) maxExperts = Integer.parseInt(c.get("max-experts"));
        if (!c.getOrDefault("max-hidden", "").isEmpty()) maxHidden = Integer.parseInt(c.get("max-hidden"));
        if (!c.getOrDefault("max-topk", "").isEmpty()) maxTopK = Integer.parseInt(c.get("max-topk"));
        if (!parsed.hasMatchedOption("--timeout") && c.containsKey("timeout")) backendOptions.timeoutSeconds = Long.parseLong(c.get("timeout"));
        if (!parsed.hasMatchedOption("--bundles-per-signature") && c.containsKey("bundles-per-signature")) {
            bundleOption.perSignature = Integer.parseInt(c.get("bundles-per-signature"));
        }
        return Long.parseLong(c.get("seed"));
    }

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
        Campaign campaign = null;
        if (resume != null) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--out") && !OutDirectory.same(out, resume)) {
                throw new UsageError("--resume " + resume + " writes into the campaign's own directory: leave out --out " + out);
            }
            campaign = Campaign.read(resume);
            List<String> differ = campaign.differences(campaignOptions(true, this.seed == null ? 0 : this.seed));
            if (!differ.isEmpty()) throw new UsageError("--resume " + resume + ": the campaign was started with other options: " + String.join(", ", differ));
            out = resume;
        }
        long seed = campaign != null ? adopt(campaign.options()) : this.seed != null ? this.seed : FuzzOptions.randomSeed();
        backendOptions.timeoutSeconds();
        BundleBudget bundles = bundleOption.budget();
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Expectations exp = RunSetup.expectations(expectations);
        long cases = cases();
        SizeMix mix = sizeMix();
        if (untilFailures != null && untilFailures <= 0) throw new UsageError("--until-failures must be positive");
        java.time.Duration budget = time();
        BackendChoice choice = BackendChoice.resolve(backendOptions.backend, err);
        long startAt = 0;
        if (campaign != null) {
            startAt = campaign.next();
            sameBackend(campaign, choice);
            String done = campaignDone(campaign, cases, budget);
            if (done != null) throw new UsageError("--resume " + resume + ": the campaign is complete (" + done + "); nothing to resume");
            if (budget != null) budget = budget.minusMillis(campaign.elapsedBefore());
            campaign.preload(bundles);
        } else {
            campaign = Campaign.start(campaignOptions(false, seed));
        }
        Campaign camp = campaign;
        err.println("permcheck fuzz: seed " + seed + " (repeat with --seed " + seed + "), "
                + (cases > 0 ? cases + " cases" : "for " + this.budget.time)
                + (startAt > 0 ? ", resuming at case " + startAt + " (session " + camp.sessions() + ")" : "") + ", reports in " + this.out);
        err.flush();
        try (OutDirectory dir = OutDirectory.claim(this.out, resume != null)) {
            UnaryOperator<RunResult> dress = r -> RunSetup.withSelector(RunSetup.withSeed(r, seed), choice);
            RunControl control = dir.control(dress, soFar -> saveCampaign(camp, soFar));
            ProgressBar bar = ProgressBar.forStderr(err, "fuzz").withBudget(budget).withStart(startAt);
            ProgressListener progress = RunSetup.progress(bar, dir);
            // the listener is told the stream position after each case: the campaign counts it there
            ProgressListener counting = (done, total, r) -> {
                camp.record(done - 1, r);
                progress.onCase(done, total, r);
            };
            RunOptions opts = RunSetup.options("fuzz", backendOptions.timeoutSeconds(), exp, counting,
                    RunSetup.bundles(this.out, choice, bundles), err, Shard.ALL).withControl(control);
            FuzzOptions f = FuzzOptions.of(seed, Math.max(0, cases)).withBudget(budget).withShrink(!noShrink)
                    .withUntilFailures(untilFailures == null ? 0 : Math.max(1, untilFailures - camp.failures())).withSizes(mix);
            RunResult placeholder = dress.apply(Runner.placeholder(opts, Map.of(), List.of(seed)));
            dir.begin(placeholder);
            camp.save(dir.path(), 0);
            RunResult result;
            try (SignalStop signals = SignalStop.install(control, err)) {
                result = new Fuzzer(choice, opts).run(f, startAt);
            } finally {
                bar.finish();
            }
            RunResult dressed = dress.apply(result);
            saveCampaign(camp, dressed);
            int code = dir.finish(dressed, out, err);
            if (camp.sessions() > 1 || resume != null) {
                out.println("campaign: " + camp.cases() + " cases in " + camp.sessions() + " sessions, " + camp.failures() + " failures in "
                        + camp.signatures().size() + (camp.signatures().size() == 1 ? " signature (" : " signatures (") + Campaign.FILE + " in " + this.out + ")");
                out.flush();
            }
            history.append(this.out, dressed, Map.of("cases", camp.cases(), "failures", camp.failures(),
                    "signatures", (long) camp.signatures().size(), "session", camp.sessions()), err);
            return code;
        }
    }

    /** Saves the campaign with the backend the session ran against and its time so far. */
    private void saveCampaign(Campaign c, RunResult soFar) throws java.io.IOException {
        Map<String, String> b = soFar.info().backend();
        if (b.containsKey("name") && c.backend().isEmpty()) c.backend(b.get("name"), b.getOrDefault("version", ""));
        c.save(this.out, soFar.info().wallMillis());
    }

    /** Refuses a resume against another backend than the campaign's (name and version as it reports them). */
    private static void sameBackend(Campaign c, BackendChoice choice) throws Exception {
        if (c.backend().isEmpty()) return; // the first session died before its backend was recorded
        org.permcheck.spi.BackendInfo info;
        try (org.permcheck.spi.Backend b = choice.create()) {
            info = b.info();
        }
        if (!info.name().equals(c.backend().get("name")) || !info.version().equals(c.backend().get("version"))) {
            throw new UsageError("--resume: the campaign ran against " + c.backend().get("name") + " " + c.backend().get("version")
                    + ", this backend is " + info.name() + " " + info.version() + ": start a new campaign for it");
        }
    }

    /** Why a campaign has nothing left to run, or null. */
    private String campaignDone(Campaign c, long cases, java.time.Duration budget) {
        if (cases > 0 && c.next() >= cases) return c.next() + " of " + cases + " cases ran";
        if (budget != null && c.elapsedBefore() >= budget.toMillis()) return "its --time " + this.budget.time + " is spent";
        if (untilFailures != null && c.failures() >= untilFailures) return c.failures() + " failures found, --until-failures " + untilFailures;
        return null;
    }
}
