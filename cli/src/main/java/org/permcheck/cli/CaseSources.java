package org.permcheck.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.permcheck.engine.codec.BundleCall;
import org.permcheck.engine.codec.JsonFile;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.run.Shard;
import org.permcheck.engine.run.Tier;
import org.permcheck.engine.vectors.VectorFiles;
import org.permcheck.engine.vectors.VectorSet;
import org.permcheck.engine.vectors.VectorCase;

/** Where a command's cases come from: the vector set plus a tier's properties, or one saved case. */
final class CaseSources {
    private CaseSources() {}

    /**
     * A tier: every positive vector of {@code vectorsDir} (when the directory exists), then the tier's
     * property cases for {@code seed}; a shard takes every n-th case of the combined list
     * ({@link Tier#cases(long, Shard, List)}, which builds only the cases of its shard, so a shard
     * costs 1/n of the generation and of the memory).
     */
    static List<Case> tier(Tier tier, long seed, Shard shard, Path vectorsDir, boolean vectorsRequired) throws IOException {
        return tier.cases(seed, shard, vectors(vectorsDir, vectorsRequired));
    }

    /** How many cases {@link #tier} has unsharded (nothing is generated: the list builds on demand). */
    static long unshardedCount(Tier tier, long seed, Path vectorsDir) throws IOException {
        return tier.cases(seed, Shard.ALL, vectors(vectorsDir, false)).size();
    }

    private static List<Case> vectors(Path vectorsDir, boolean vectorsRequired) throws IOException {
        if (Files.isDirectory(vectorsDir)) return VectorSet.load(vectorsDir);
        if (vectorsRequired) throw new UsageError("--vectors " + vectorsDir + ": no such directory");
        return List.of();
    }

    /**
     * {@code cases} (this shard's share of {@code unshardedCount} cases) followed by the precondition
     * probes of {@code shard} (the robustness tier: generated probes, then the negative vectors of
     * {@code vectorsDir} when it exists), sharded as the continuation of the unsharded list. A list
     * built on demand stays so: the probes are few and built here.
     */
    static List<Case> withProbes(List<Case> cases, long unshardedCount, Shard shard, Path vectorsDir) throws IOException {
        List<Case> negatives = Files.isDirectory(vectorsDir) ? VectorSet.negatives(vectorsDir) : List.of();
        List<Case> probes = org.permcheck.engine.run.ProbeCases.of(shard, unshardedCount, negatives);
        return new java.util.AbstractList<Case>() {
            @Override public Case get(int i) { return i < cases.size() ? cases.get(i) : probes.get(i - cases.size()); }
            @Override public int size() { return cases.size() + probes.size(); }
        };
    }

    /** One saved case: a repro bundle (case.json of format permcheck-repro) or a vector directory. */
    record Saved(Case theCase, String recordedBackend, String recordedStatus) {}

    /**
     * What {@code replay} was given: a directory (bundle or vector), else a case id that
     * {@link Tier#caseById} rebuilds (a tier's case, a fuzz case, or {@code spec:<spec line>}).
     */
    static Saved replayed(String target) throws IOException {
        Path dir;
        try {
            dir = Path.of(target);
        } catch (RuntimeException notAPath) {
            dir = null;
        }
        if (dir != null && Files.isDirectory(dir)) return saved(dir);
        java.util.Optional<Case> byId;
        try {
            byId = Tier.caseById(target);
        } catch (IllegalArgumentException badSpec) {
            throw new UsageError("replay " + target + ": " + badSpec.getMessage());
        }
        if (byId.isEmpty()) {
            throw new UsageError("replay: '" + target + "' is neither a directory (repro bundle, vector) nor a case id "
                    + "(quick/edge/NAME, quick/seed=S/I, full/..., fuzz/seed=S/I, fuzz:SIZES/seed=S/I, spec:<spec line>)");
        }
        return new Saved(byId.get(), null, null);
    }

    static Saved saved(Path dir) throws IOException {
        Path json = dir.resolve("case.json");
        if (!Files.isRegularFile(json)) {
            throw new UsageError(dir + " holds no case.json: replay takes a repro bundle (reports/.../repro/<case>/) or a vector directory");
        }
        JsonNode root = JsonFile.object(json);
        String format = root.path("format").asText();
        if (BundleCall.FORMAT.equals(format)) {
            BundleCall b = BundleCall.read(dir);
            Case c = new Case(b.id(), b.invocation(), b.rules(), Set.of(), b.seed(), "replay");
            return new Saved(c, b.backend(), b.status());
        }
        if (VectorFiles.CASE_FORMAT.equals(format)) {
            Path root2 = setRoot(dir);
            String id = root2.relativize(dir.toAbsolutePath().normalize()).toString().replace('\\', '/');
            VectorCase v = VectorSet.loadOne(root2, id, false).vector();
            if (v.isNegative()) throw new UsageError("vector " + id + " is a negative vector (inputs outside the contract): nothing to replay");
            return new Saved(new Case("vec/" + v.id(), v.invocation(), v.rules(), Set.copyOf(v.features()), v.seed(), "vector"), null, null);
        }
        throw new UsageError(json + ": neither a repro bundle nor a vector (format '" + format + "')");
    }

    /** The vector set a vector directory belongs to: the nearest parent holding index.json. */
    private static Path setRoot(Path dir) {
        for (Path p = dir.toAbsolutePath().normalize().getParent(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(VectorFiles.INDEX))) return p;
        }
        throw new UsageError(dir + ": a vector directory outside any vector set (no " + VectorFiles.INDEX + " above it)");
    }
}
