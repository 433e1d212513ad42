package org.permcheck.engine.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.engine.fuzz.CaseIds;
import org.permcheck.engine.fuzz.ClassCounts;
import org.permcheck.engine.fuzz.CaseSpec;
import org.permcheck.engine.fuzz.Shrinker;
import org.permcheck.engine.fuzz.SizeClass;
import org.permcheck.engine.fuzz.SizeMix;
import org.permcheck.engine.fuzz.SpecSampler;
import org.permcheck.engine.fuzz.SplitMix64;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.UnlistedPasses;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;

/**
 * Property-based fuzzing against one backend: sampled cases from a printed seed, every failure
 * shrunk to a minimal case that fails the same rule, coverage per feature label.
 *
 * <pre>
 *   RunResult r = new Fuzzer(BackendFactory.byName("cpu"), RunOptions.defaults().withTier("fuzz"))
 *           .run(FuzzOptions.of(seed, 10_000));
 * </pre>
 */
public final class Fuzzer {
    private final BackendFactory factory;
    private final RunOptions options;

    public Fuzzer(BackendFactory factory, RunOptions options) {
        this.factory = factory;
        this.options = options;
    }

    /** The spec of case i of a fuzz run with this seed (what ports rebuild). */
    public static CaseSpec specAt(long seed, long index, SizeClass size) {
        return SpecSampler.sample(SplitMix64.nth(seed, index), size);
    }

    /** Case i of a fuzz run with this seed and size mix, with the class it was drawn from. */
    public static SpecSampler.Drawn drawAt(long seed, long index, SizeMix sizes) {
        return SpecSampler.draw(SplitMix64.nth(seed, index), sizes);
    }

    /**
     * The case-id prefix of a campaign: "fuzz" for the legacy small draw, else "fuzz:{mix}" (e.g.
     * "fuzz:small+medium+boundary+large,max-tokens=4096"), so that an id alone rebuilds its case.
     */
    public static String prefix(SizeMix sizes) {
        return sizes.equals(SizeMix.legacy(SizeClass.SMALL)) ? PREFIX : PREFIX + ":" + sizes.text();
    }

    /**
     * Passing cases listed one by one in a fuzz result; the rest are tallied (UnlistedPasses), so a
     * campaign of hours keeps bounded memory and bounded reports. Every non-passing case is listed.
     */
    public static final int MAX_LISTED_PASSES = 2000;

    public RunResult run(FuzzOptions f) {
        return run(f, 0);
    }

    /**
     * Runs the campaign's cases from the {@code startAt}-th case of this shard's stream on (a resumed
     * campaign, {@code fuzz --resume}): the same cases, with the same ids, as an unbroken run would
     * have judged from there. {@code maxCases} counts from the stream's start, so a resumed run judges
     * the cases the first session did not; the progress listener is told the stream position
     * (startAt + cases of this session).
     */
    public RunResult run(FuzzOptions f, long startAt) {
        if (startAt < 0) throw new IllegalArgumentException("start index must be 0 or more, not " + startAt);
        options.log().accept("fuzz seed=" + f.seed() + " shard=" + f.shard() + (f.maxCases() > 0 ? " cases=" + f.maxCases() : "")
                + (startAt > 0 ? " resuming at case " + startAt : "")
                + (f.budget() != null ? " budget=" + f.budget().toSeconds() + "s" : "") + " sizes=" + f.sizes().text()
                + " (replay: --seed " + f.seed() + f.sizes().cliArgs() + ")");
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        long deadline = f.budget() == null ? Long.MAX_VALUE : t0 + f.budget().toNanos();
        List<CaseResult> results = new ArrayList<>();
        UnlistedPasses.Tally unlisted = new UnlistedPasses.Tally();
        long listedPasses = 0;
        int shrinks = 0;
        RunControl control = options.control();
        long failures = 0;
        try (Runner runner = new Runner(factory, options)) {
            long ran = 0;
            long limit = f.maxCases() > 0 ? Math.max(0, f.maxCases() - startAt) : Long.MAX_VALUE;
            // generation and the oracle run one step ahead on a second thread (k-th case of this shard)
            try (Lookahead<Prepared> ahead = new Lookahead<>(k -> prepare(f, f.shard().index() + (startAt + k) * f.shard().count()), 4, limit)) {
                long enough = f.untilFailures() > 0 ? f.untilFailures() : Long.MAX_VALUE;
                while (ran < limit && System.nanoTime() < deadline && !control.stopped() && failures < enough) {
                    Prepared p = ahead.take();
                    if (p == null) break;
                    CaseSpec spec = p.spec();
                    Case c = p.testCase();
                    Verdict v = runner.judge(c, p.oracle());
                    if (control.dropsInFlight(v.result(), options.log())) break;
                    ran++;
                    CaseResult r = v.result();
                    boolean failed = r.status().breaksConformance() && r.status() != Status.TIMEOUT;
                    if (failed && f.shrink() && shrinks < f.maxShrinks() && !r.excused()) {
                        shrinks++;
                        Shrunk shrunk = shrink(runner, spec, v, f.shrinkTries(), control);
                        Verdict min = shrunk.verdict();
                        r = r.withShrunk("minimal: " + shrunk.minimal() + " [" + describe(min.result()) + "]; " + shrunk.replays());
                        options.log().accept("shrunk " + c.id() + " to " + min.testCase().id());
                        CaseResult rr = runner.report(min);
                        if (rr.reproDir() != null) r = r.withRepro(rr.reproDir());
                    } else {
                        r = runner.report(new Verdict(c, r, v.expected(), v.actual()));
                    }
                    // every non-passing case is listed; passes only up to a limit, then tallied
                    if (r.status() != Status.PASS || listedPasses++ < MAX_LISTED_PASSES) results.add(r);
                    else unlisted.add(r);
                    options.progress().onCase(startAt + ran, f.maxCases() > 0 ? f.maxCases() : -1, r);
                    if (r.status().breaksConformance()) failures++;
                    if (control.due(failures)) {
                        control.save(runner.summarize(results, unlisted.done(), List.of(f.seed()), started, (System.nanoTime() - t0) / 1_000_000,
                                RunControl.IN_PROGRESS), failures);
                    }
                }
            }
            // a stop (signal) makes the run incomplete; the end of --cases or --time does not
            String incomplete = control.stopped() ? control.stopReason() + " after " + ran + " cases" : null;
            // only the results are kept: a long run must not hold every case's tensors
            RunResult result = runner.summarize(results, unlisted.done(), List.of(f.seed()), started, (System.nanoTime() - t0) / 1_000_000, incomplete);
            options.log().accept("fuzz seed=" + f.seed() + ": " + result.totalCases() + " cases, "
                    + (results.stream().filter(x -> x.status() == Status.PASS).count() + result.unlisted().cases())
                    + " passed, verdict " + result.verdict().label());
            options.log().accept("fuzz coverage: " + ClassCounts.of(result).line());
            return result;
        }
    }

    /** The prefix of a campaign's case ids ("fuzz/seed={seed}/{i}"). */
    public static final String PREFIX = "fuzz";

    /** A fuzz case made ahead of time: its spec, the case, the oracle's answer. */
    private record Prepared(CaseSpec spec, Case testCase, OracleAnswer oracle) {}

    private static Prepared prepare(FuzzOptions f, long i) {
        SpecSampler.Drawn drawn = drawAt(f.seed(), i, f.sizes());
        Case c = CaseGenerator.generate(CaseIds.sampled(prefix(f.sizes()), f.seed(), i), drawn, f.seed(), "fuzz");
        return new Prepared(drawn.spec(), c, OracleAnswer.of(c.invocation()));
    }

    /**
     * How often the minimal case is judged again after shrinking: a nondeterministic backend's
     * "minimal case" may pass when replayed (issue 11), so the report says how often it failed.
     */
    static final int REPLAYS = 5;

    /**
     * The minimal failing spec the shrinker settled on, the verdict on it, and in how many of
     * {@link #REPLAYS} further judgings it failed the same way.
     */
    record Shrunk(CaseSpec minimal, Verdict verdict, int reproduced) {
        /** "reproduced 5 of 5 replays", or the FLAKY line of a backend that does not fail every time. */
        String replays() {
            String counts = "reproduced " + reproduced + " of " + REPLAYS + " replays";
            return reproduced == REPLAYS ? counts : "FLAKY: " + counts + " (the backend is nondeterministic on this case)";
        }
    }

    /**
     * Shrinks a failing case: candidates must give the same status and, for FAIL, a violation of
     * the same rule (the first one of the original). Returns the verdict on the minimal case,
     * whose id is "spec:{minimal spec line}" (replayable).
     */
    static Shrunk shrink(Runner runner, CaseSpec spec, Verdict failing, int maxTries, RunControl control) {
        Status status = failing.result().status();
        String rule = failing.result().violations().isEmpty() ? null : failing.result().violations().get(0).rule();
        java.util.function.Predicate<CaseResult> same = r -> r.status() == status && (rule == null || hasRule(r, rule));
        Shrinker.Result res = Shrinker.shrink(spec, candidate -> {
            if (control.stopped()) return false; // a stop cuts shrinking short: no further backend calls
            Case c = CaseGenerator.generate(CaseIds.spec(candidate), candidate, failing.testCase().seed(), "fuzz");
            return same.test(runner.judge(c).result());
        }, maxTries);
        Case min = CaseGenerator.generate(CaseIds.spec(res.minimal()), res.minimal(), failing.testCase().seed(), "fuzz");
        Verdict v = runner.judge(min);
        int reproduced = 0;
        for (int i = 0; i < REPLAYS && !control.stopped(); i++) if (same.test(runner.judge(min).result())) reproduced++;
        return new Shrunk(res.minimal(), v, reproduced);
    }

    /** Shrinks one failing case with a fresh runner (what replay and tests use). */
    public static Verdict shrink(BackendFactory factory, RunOptions options, CaseSpec spec, int maxTries) {
        try (Runner runner = new Runner(factory, options)) {
            Verdict v = runner.judge(CaseGenerator.generate(CaseIds.spec(spec), spec, null, "fuzz"));
            if (!v.result().status().breaksConformance()) return v;
            return shrink(runner, spec, v, maxTries, options.control()).verdict();
        }
    }

    private static boolean hasRule(CaseResult r, String rule) {
        for (Violation v : r.violations()) if (v.rule().equals(rule)) return true;
        return false;
    }

    private static String describe(CaseResult r) {
        if (r.violations().isEmpty()) return r.status() + (r.detail() == null ? "" : ": " + r.detail());
        return r.violations().get(0).render();
    }
}
