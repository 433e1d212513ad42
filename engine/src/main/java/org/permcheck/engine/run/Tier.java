package org.permcheck.engine.run;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.engine.fuzz.CaseIds;
import org.permcheck.engine.fuzz.CaseSpec;
import org.permcheck.engine.fuzz.EdgeCases;
import org.permcheck.engine.fuzz.SizeClass;
import org.permcheck.engine.fuzz.SizeMix;
import org.permcheck.engine.fuzz.SpecSampler;
import org.permcheck.engine.model.Case;

/**
 * The fixed case lists: named edge cases first, then cases sampled from the seed.
 * {@code quick} is the CI gate (about a minute against the CPU backend on 2 cores, every rule
 * exercised); {@code full} adds large shapes and many more sampled cases (about 10 minutes).
 * Case ids are "{tier}/edge/{name}" and "{tier}/seed={seed}/{i}"; {@link #caseById} rebuilds any
 * of them (and "fuzz/seed={seed}/{i}", and "spec:{spec line}") for replay.
 */
public enum Tier {
    QUICK("quick", SizeClass.SMALL, 2000),
    FULL("full", SizeClass.MEDIUM, 4000);

    /** The seed tiers use unless told otherwise (fixed, so CI runs are comparable). */
    public static final long DEFAULT_SEED = 20261126L;

    private final String id;
    private final SizeClass size;
    private final int sampled;

    Tier(String id, SizeClass size, int sampled) {
        this.id = id;
        this.size = size;
        this.sampled = sampled;
    }

    public String id() { return id; }

    /** How many sampled cases follow the edge cases. */
    public int sampledCount() { return sampled; }

    public static Tier byName(String name) {
        for (Tier t : values()) if (t.id.equals(name.toLowerCase(Locale.ROOT))) return t;
        throw new IllegalArgumentException("unknown tier '" + name + "' (known: quick, full)");
    }

    Map<String, CaseSpec> edges() { return this == QUICK ? EdgeCases.quick() : EdgeCases.full(); }

    /** The tier's cases for {@code seed}, restricted to {@code shard} (by position in the full list). */
    public List<Case> cases(long seed, Shard shard) { return cases(seed, shard, List.of()); }

    /**
     * The tier with stored vectors first (e.g. {@code VectorSet.load(Path.of("vectors"))}, ids
     * "vec/..."), then the edge cases, then the sampled cases; the shard applies to the whole list.
     */
    public List<Case> cases(long seed, Shard shard, List<Case> vectors) {
        // built on demand (TierCases): the full tier's tensors never sit in the heap at once
        return new TierCases(this, seed, shard, vectors);
    }

    SizeClass sizeClass() { return size; }

    static Case sampledCase(String prefix, long seed, long i, SizeClass size, String origin) {
        return sampledCase(prefix, seed, i, SizeMix.legacy(size), origin);
    }

    static Case sampledCase(String prefix, long seed, long i, SizeMix sizes, String origin) {
        SpecSampler.Drawn drawn = Fuzzer.drawAt(seed, i, sizes);
        String caseId = CaseIds.sampled(prefix, seed, i);
        InFlight.set("generating " + caseId);
        return CaseGenerator.generate(caseId, drawn, seed, origin);
    }

    /** Rebuilds a case from its id, or from "spec:{spec line}"; empty when the id names no case. */
    public static Optional<Case> caseById(String caseId) {
        if (org.permcheck.engine.model.Robustness.isProbe(caseId)) {
            // a generated probe (the committed negative vectors' probes are replayed from their directories)
            return ProbeCases.all(List.of()).stream().filter(c -> c.id().equals(caseId)).findFirst();
        }
        Optional<CaseIds.Parsed> parsed = CaseIds.parse(caseId);
        if (parsed.isEmpty()) return Optional.empty();
        CaseIds.Parsed p = parsed.get();
        if (p.isSpec()) return Optional.of(CaseGenerator.generate(caseId, p.spec(), null, "replay"));
        if (p.isEdge()) {
            for (Tier t : values()) {
                if (!t.id.equals(p.tier())) continue;
                CaseSpec s = t.edges().get(p.edge());
                return s == null ? Optional.empty() : Optional.of(CaseGenerator.generate(caseId, s, null, "property"));
            }
            return Optional.empty();
        }
        if (p.prefix().equals(Fuzzer.PREFIX)) return Optional.of(sampledCase(Fuzzer.PREFIX, p.seed(), p.index(), SizeClass.SMALL, "fuzz"));
        if (p.prefix().startsWith(Fuzzer.PREFIX + ":")) {
            SizeMix sizes;
            try {
                sizes = SizeMix.parse(p.prefix().substring(Fuzzer.PREFIX.length() + 1));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            return Optional.of(sampledCase(p.prefix(), p.seed(), p.index(), sizes, "fuzz"));
        }
        for (Tier t : values()) if (t.id.equals(p.prefix())) return Optional.of(sampledCase(t.id, p.seed(), p.index(), t.size, "property"));
        return Optional.empty();
    }
}
