package org.permcheck.zoo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Invocation;
import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.engine.fuzz.CaseSpec;
import org.permcheck.engine.fuzz.EdgeCases;
import org.permcheck.engine.fuzz.SizeClass;
import org.permcheck.engine.fuzz.SpecSampler;
import org.permcheck.engine.fuzz.SplitMix64;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.run.BackendFactory;
import org.permcheck.engine.run.Fuzzer;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Tier;
import org.permcheck.engine.run.Verdict;
import org.permcheck.engine.vectors.VectorSet;

/**
 * Hunts one backend with the suite as a user runs it: first what {@code permcheck run} runs (the
 * committed vectors, then the quick tier's edge cases and sampled cases), then the engine's fuzzer
 * ("fuzz/seed=S/i") up to a budget of cases and seconds. The first case that does not pass ends the
 * hunt; a FAIL is shrunk by the engine's shrinker to a minimal case failing the same rule. After the fuzzer comes the
 * xl stage: a handful of cases of the xl size class (T just past 2^15 and 2^16, small E and H), beyond the oracle's
 * budget and judged by the relations R3/R4 with the bound and guard checks only (docs/checks.md section 2a), the
 * oracle not run; then the zoo's own extra cases.
 */
final class KillSearch {
    private KillSearch() {}

    /**
     * How hard to look.
     *
     * @param quickSampled how many of the quick tier's sampled cases to run after its edge cases
     *                     (the tier has 600; fewer keeps the meta-test's CI time down)
     * @param fuzzCases    fuzz cases at most
     * @param fuzzTime     fuzz seconds at most
     * @param fuzzSeed     the fuzz run's seed
     * @param shrinkTries  candidate cases the shrinker may try
     * @param zooCases     the zoo's own extra cases (stage "zoo": its quick list, then seeded cases up to
     *                     this count) for what the shipped suite does not generate; a kill there is a gap
     *                     of the suite's generators, listed as such in the kill matrix
     * @param xlCases      how many of {@link #xlSpecs()} the xl stage runs (0: no xl stage), within {@link #XL_TIME}
     */
    record Budget(int quickSampled, int fuzzCases, Duration fuzzTime, long fuzzSeed, int shrinkTries, int zooCases, int xlCases) {
        static Budget standard() {
            return new Budget(Tier.QUICK.sampledCount(), 1000, Duration.ofSeconds(30), Tier.DEFAULT_SEED, 400, 300, xlSpecs().size());
        }

        /** The same budget without the xl stage (what the hunt found before it had one). */
        Budget withoutXl() { return new Budget(quickSampled, fuzzCases, fuzzTime, fuzzSeed, shrinkTries, zooCases, 0); }
    }

    /** The xl stage's time bound: no further xl case starts after this (each takes well under a second on the CPU backends). */
    static final Duration XL_TIME = Duration.ofSeconds(30);

    /** The case-id prefix of the xl stage's cases ("xl/i/spec"). */
    static final String XL_PREFIX = "xl/";

    /**
     * The xl stage's cases: one per op the relations judge (docs/checks.md section 2a), T just past 2^15 (32769, the first T
     * a grid of 32 blocks of 1024 tokens misses) and one dispatch just past 2^16 (65537, the first T a 16-bit index
     * wraps on), with E, H and k small so that a case moves at most about 2^17 rows. The draws of the xl size class
     * (SizeClass.XL's tables, --sizes xl) with the smallest T; labelled xl, so the runner does not run the oracle on them.
     */
    static List<CaseSpec> xlSpecs() {
        int t15 = (1 << 15) + 1;
        return List.of(
                CaseSpec.of(org.permcheck.contract.Op.DISPATCH, t15, 4, 2, 2, 0x11L).withProbs(true),
                CaseSpec.of(org.permcheck.contract.Op.COMBINE_BACKWARD, t15, 4, 2, 2, 0x12L).withMergingProbs(true),
                CaseSpec.of(org.permcheck.contract.Op.COMBINE, t15, 4, 2, 2, 0x13L).withMergingProbs(true).withAlign(16),
                CaseSpec.of(org.permcheck.contract.Op.SORT_CHUNKS, t15, 4, 2, 1, 0x14L).withChunks(8).withProbs(true),
                CaseSpec.of(org.permcheck.contract.Op.DISPATCH, (1 << 16) + 1, 2, 1, 1, 0x15L).withProbs(true));
    }

    /** Case i of the xl stage: labelled with the xl size class, so judged by the relations only (oracle not run). */
    static Case xlCase(int i) {
        CaseSpec spec = xlSpecs().get(i);
        return CaseGenerator.generate(XL_PREFIX + i + "/" + spec, new SpecSampler.Drawn(SizeClass.XL, spec), null, "fuzz");
    }

    /**
     * What a hunt found.
     *
     * @param stage   "vector", "quick" (the quick tier's properties), "fuzz", "xl" (an xl case judged by R3/R4 only,
     *                the oracle not run), "zoo" (only the zoo's extra cases),
     *                "probe" (the robustness tier, for group-B mutants), or "survived"
     * @param status  the first non-passing status (FAIL for a clean kill), PASS when it survived
     * @param caseId  the killing case (a vector "vec/...", "quick/edge/...", "quick/seed=S/i", "fuzz/seed=S/i")
     * @param cases   cases run up to and including the kill
     * @param rules   the rules the killing case's verdict cites
     * @param shrunk  the minimal failing case's id ("spec:..."), or the killing case when it cannot be shrunk (a vector)
     * @param size    the minimal case's size
     * @param message the minimal case's first violation, or the detail of a non-FAIL status
     * @param found   the killing case's size before shrinking (null when it survived)
     * @param seconds the hunt's time up to and including the killing case (not the shrinking)
     */
    record Kill(String stage, Status status, String caseId, int cases, List<String> rules, String shrunk, Size size, String message,
                Size found, double seconds) {
        boolean killed() { return status == Status.FAIL; }

        /** Where the killing case comes from: "vector", "quick edge", "quick sampled", "fuzz", "probe", "xl" or "zoo" (by its id, Tier's, ProbeCases' and KillSearch's prefixes). */
        String origin() {
            if (caseId == null) return "-";
            if (caseId.startsWith(XL_PREFIX)) return "xl";
            if (caseId.startsWith("vec/")) return "vector";
            if (caseId.startsWith("robustness/")) return "probe";
            if (caseId.startsWith("quick/edge/")) return "quick edge";
            if (caseId.startsWith("quick/")) return "quick sampled";
            return caseId.startsWith("fuzz/") ? "fuzz" : "zoo";
        }
    }

    /** T, E, H, k of a case. */
    record Size(int tokens, int experts, int hidden, int topK) {
        @Override
        public String toString() { return tokens + ", " + experts + ", " + hidden + ", " + topK; }

        boolean small() { return tokens <= 8 && experts <= 4; }

        /**
         * The size class of a case by T, E and H: "xl" past T = 32768 (beyond the oracle's budget), "small" within the fuzzer's and the quick tier's SMALL tables
         * (T <= 256, E <= 32, H <= 128, docs/generator.md), "medium" within the full tier's MEDIUM tables
         * (T <= 4096, E <= 512, H <= 1024), "large" past them (E > 1024, H = 7168, ...).
         */
        String sizeClass() {
            if (tokens > 32768) return "xl";
            if (tokens <= 256 && experts <= 32 && hidden <= 128) return "small";
            return tokens <= 4096 && experts <= 512 && hidden <= 1024 ? "medium" : "large";
        }

        /** For the chunk sort, E is the chunk count; for the EP helpers, k is the shard count. */
        static Size of(CaseSpec s) {
            switch (s.op()) {
                case SORT_CHUNKS: case SORT_CHUNKS_BACKWARD: return new Size(s.tokens(), s.chunks(), s.hidden(), 0);
                case RAGGED_A2A_PARAMS: case REVERSE_RAGGED_A2A_PARAMS: case LOCAL_PERMUTE_AFTER_A2A: case LOCAL_UNPERMUTE_BEFORE_A2A:
                    return new Size(s.tokens(), s.experts(), s.hidden(), s.shards());
                default: return new Size(s.tokens(), s.experts(), s.hidden(), s.topK());
            }
        }

        static Size of(ZooShape s) { return new Size(s.tokens(), s.experts(), s.hidden(), s.topK()); }

        /** Read off the tensors (for vectors, which have no spec). */
        static Size of(Invocation inv) {
            var r = inv.inputs().get("routing_map");
            var m = inv.inputs().get("row_id_map");
            var x = inv.inputs().containsKey("inp") ? inv.inputs().get("inp") : inv.inputs().get("grad_output");
            int h = x == null || x.rank() < 2 ? 0 : (int) x.dim(1);
            if (r != null) return new Size((int) r.dim(0), (int) r.dim(1), h, maxPerToken(r));
            if (m != null && m.rank() == 2) return new Size((int) m.dim(0), (int) ((m.dim(1) - 1) / 2), h, 0);
            return new Size(x == null ? 0 : (int) x.dim(0), 0, h, 0);
        }

        private static int maxPerToken(org.permcheck.tensor.Tensor r) {
            int k = 0;
            for (long t = 0; t < r.dim(0); t++) {
                int n = 0;
                for (long e = 0; e < r.dim(1); e++) if (r.bits(t, e) != 0) n++;
                k = Math.max(k, n);
            }
            return k;
        }
    }

    /** One case to run, with the spec it was generated from (null for a vector); generated when first asked for. */
    private static final class Planned {
        private final String id;
        private final CaseSpec spec;
        private final Long seed;
        private Case c;

        Planned(Case c, CaseSpec spec) { this.id = c.id(); this.spec = spec; this.seed = null; this.c = c; }

        Planned(String id, CaseSpec spec, Long seed) { this.id = id; this.spec = spec; this.seed = seed; }

        CaseSpec spec() { return spec; }

        Case c() {
            if (c == null) c = CaseGenerator.generate(id, spec, seed, "property");
            return c;
        }
    }

    private static List<Case> vectorCases;

    /** The committed vectors, loaded (and their hashes checked) once per JVM. */
    private static synchronized List<Case> vectors() {
        if (vectorCases == null) {
            Path dir = Catalogue.repoRoot().resolve("vectors");
            try {
                vectorCases = Files.isDirectory(dir) ? VectorSet.load(dir) : List.of();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load " + dir + ": " + e.getMessage(), e);
            }
        }
        return vectorCases;
    }

    static Kill hunt(BackendFactory factory, Budget budget) { return hunt(factory, budget, true); }

    /**
     * Hunts a mutant as its expected rule says: one planted against a group-B rule (docs/spec.md,
     * robustness) with the robustness tier's precondition probes, every other one with the suite.
     */
    static Kill hunt(Mutant m, Budget budget) {
        boolean robustness = org.permcheck.contract.Rule.byId(m.rule()).map(org.permcheck.contract.Rule::robustness).orElse(false);
        return robustness ? huntProbes(m.factory()) : hunt(m.factory(), budget);
    }

    /** The robustness tier (stage "probe"): every precondition probe, in order, until one does not pass. */
    static Kill huntProbes(BackendFactory factory) {
        RunOptions options = RunOptions.defaults().withTier("mutants").withCaseTimeout(Duration.ofSeconds(60));
        int n = 0;
        long t0 = System.nanoTime();
        try (Runner runner = new Runner(factory, options)) {
            for (Case c : probes()) {
                n++;
                Verdict v = runner.judge(c);
                if (!failed(v)) continue;
                String message = v.result().violations().isEmpty() ? v.result().detail() : v.result().violations().get(0).render();
                Size size = Size.of(c.invocation()); // a probe is not shrunk: found and shown are the same case
                return new Kill("probe", v.result().status(), c.id(), n, rules(v), c.id(), size, message, size, since(t0));
            }
        }
        return new Kill("survived", Status.PASS, null, n, List.of(), null, null, null, null, since(t0));
    }

    private static List<Case> probeCases;

    /** The probes with the committed negative vectors, built once per JVM. */
    private static synchronized List<Case> probes() {
        if (probeCases == null) {
            Path dir = Catalogue.repoRoot().resolve("vectors");
            try {
                probeCases = org.permcheck.engine.run.ProbeCases.all(Files.isDirectory(dir) ? VectorSet.negatives(dir) : List.of());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load " + dir + ": " + e.getMessage(), e);
            }
        }
        return probeCases;
    }

    /** With {@code vectors} false only generated cases run (quick-tier properties, fuzz, zoo): every kill then has a shrunk case. */
    static Kill hunt(BackendFactory factory, Budget budget, boolean vectors) {
        RunOptions options = RunOptions.defaults().withTier("mutants").withCaseTimeout(Duration.ofSeconds(60));
        long t0 = System.nanoTime();
        int n = 0;
        try (Runner runner = new Runner(factory, options)) {
            for (Planned p : quickTier(budget)) {
                if (!vectors && p.spec() == null) continue;
                n++;
                Verdict v = runner.judge(p.c());
                if (failed(v)) return finish(factory, options, p.spec() == null ? "vector" : "quick", v, p, n, budget, since(t0));
            }
            long deadline = System.nanoTime() + budget.fuzzTime().toNanos();
            for (int i = 0; i < budget.fuzzCases() && System.nanoTime() < deadline; i++) {
                n++;
                CaseSpec spec = Fuzzer.specAt(budget.fuzzSeed(), i, SizeClass.SMALL);
                Case c = CaseGenerator.generate("fuzz/seed=" + budget.fuzzSeed() + "/" + i, spec, budget.fuzzSeed(), "fuzz");
                Verdict v = runner.judge(c);
                if (failed(v)) return finish(factory, options, "fuzz", v, new Planned(c, spec), n, budget, since(t0));
            }
            long xlDeadline = System.nanoTime() + XL_TIME.toNanos();
            for (int i = 0; i < budget.xlCases() && System.nanoTime() < xlDeadline; i++) {
                n++;
                Case c = xlCase(i);
                Verdict v = runner.judge(c);
                if (failed(v)) return finishXl(v, c, n, since(t0));
            }
            List<ZooShape> zoo = new ArrayList<>(ZooQuick.shapes());
            for (int i = 0; zoo.size() < budget.zooCases(); i++) zoo.add(ZooGenerator.randomShape(budget.fuzzSeed() * 1_000_003L + i));
            for (int i = 0; i < zoo.size(); i++) {
                n++;
                ZooShape z = zoo.get(i);
                Verdict v = runner.judge(zooCase("zoo/" + i + "/" + z, z));
                if (failed(v)) return finishZoo(runner, v, z, n, budget, since(t0));
            }
        }
        return new Kill("survived", Status.PASS, null, n, List.of(), null, null, null, null, since(t0));
    }

    /**
     * A kill by an xl case: not shrunk (a smaller T is no longer beyond the threshold such a bug needs, and a case the
     * oracle could judge is no longer one it is not run on), so the found case is the one shown.
     */
    private static Kill finishXl(Verdict v, Case c, int n, double seconds) {
        Size size = Size.of(c.invocation());
        String message = v.result().violations().isEmpty() ? v.result().detail() : v.result().violations().get(0).render();
        return new Kill("xl", v.result().status(), c.id(), n, rules(v), c.id(), size, message, size, seconds);
    }

    private static double since(long t0) { return (System.nanoTime() - t0) / 1e9; }

    private static boolean failed(Verdict v) {
        Status s = v.result().status();
        return s != Status.PASS && s != Status.NOT_SUPPORTED;
    }

    /** What {@code permcheck run} runs by default: the vectors, then Tier.QUICK (edge cases, then sampled cases). */
    static List<Planned> quickTier(Budget budget) {
        List<Planned> out = new ArrayList<>();
        for (Case c : vectors()) out.add(new Planned(c, null));
        for (var e : EdgeCases.quick().entrySet()) out.add(new Planned("quick/edge/" + e.getKey(), e.getValue(), null));
        long seed = Tier.DEFAULT_SEED;
        for (int i = 0; i < budget.quickSampled(); i++) {
            out.add(new Planned("quick/seed=" + seed + "/" + i, SpecSampler.sample(SplitMix64.nth(seed, i), SizeClass.SMALL), seed));
        }
        return out;
    }

    private static Kill finish(BackendFactory factory, RunOptions options, String stage, Verdict v, Planned p, int n, Budget budget,
                               double seconds) {
        Status st = v.result().status();
        Size found = size(p);
        if (st != Status.FAIL) {
            return new Kill(stage, st, v.result().caseId(), n, List.of(), v.result().caseId(), found, v.result().detail(), found, seconds);
        }
        if (p.spec() == null) {
            return new Kill(stage, st, v.result().caseId(), n, rules(v), v.result().caseId(), found, v.result().violations().get(0).render(),
                    found, seconds);
        }
        Verdict min = Fuzzer.shrink(factory, options, p.spec(), budget.shrinkTries());
        var minSpec = org.permcheck.engine.fuzz.CaseIds.parse(min.testCase().id()).filter(org.permcheck.engine.fuzz.CaseIds.Parsed::isSpec);
        boolean ok = min.result().status() == Status.FAIL && minSpec.isPresent();
        Verdict shown = ok ? min : v;
        Size size = ok ? Size.of(minSpec.get().spec()) : found;
        return new Kill(stage, st, v.result().caseId(), n, rules(v), shown.testCase().id(), size, shown.result().violations().get(0).render(),
                found, seconds);
    }

    /** Shrinks a zoo case with the zoo's own candidates (smaller T, E, H, k, tail, align; no probs; same seed). */
    private static Kill finishZoo(Runner runner, Verdict v, ZooShape found, int n, Budget budget, double seconds) {
        if (v.result().status() != Status.FAIL) {
            return new Kill("zoo", v.result().status(), v.result().caseId(), n, List.of(), v.result().caseId(), Size.of(found), v.result().detail(),
                    Size.of(found), seconds);
        }
        ZooShape best = found;
        Verdict bestVerdict = v;
        int calls = 0;
        boolean progress = true;
        while (progress && calls < budget.shrinkTries()) {
            progress = false;
            for (ZooShape cand : best.shrinkCandidates()) {
                if (calls++ >= budget.shrinkTries()) break;
                Verdict cv = runner.judge(zooCase("zoo/shrink/" + cand, cand));
                if (cv.result().status() == Status.FAIL && cv.result().violations().get(0).rule().equals(v.result().violations().get(0).rule())) {
                    best = cand;
                    bestVerdict = cv;
                    progress = true;
                    break;
                }
            }
        }
        return new Kill("zoo", Status.FAIL, v.result().caseId(), n, rules(v), "zoo/" + best, Size.of(best),
                bestVerdict.result().violations().get(0).render(), Size.of(found), seconds);
    }

    static Case zooCase(String id, ZooShape s) {
        return new Case(id, ZooGenerator.invocation(s), List.of(), Set.of(), s.seed(), "fuzz");
    }

    private static Size size(Planned p) { return p.spec() != null ? Size.of(p.spec()) : Size.of(p.c().invocation()); }

    static List<String> rules(Verdict v) {
        Set<String> r = new LinkedHashSet<>();
        for (Violation x : v.result().violations()) r.add(x.rule());
        return new ArrayList<>(r);
    }

    /** The hunt's quick stage split into the vectors and the quick tier's property cases (for the coverage table). */
    static List<List<Case>> quickStageCases(Budget budget) {
        List<Case> vec = new ArrayList<>();
        List<Case> props = new ArrayList<>();
        for (Planned p : quickTier(budget)) (p.spec() == null ? vec : props).add(p.c());
        return List.of(vec, props);
    }

    /** How many cases the hunt's quick stage has. */
    static int quickCount(Budget budget) { return quickTier(budget).size(); }
}
