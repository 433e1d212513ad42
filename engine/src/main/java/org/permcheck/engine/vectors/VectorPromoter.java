package org.permcheck.engine.vectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.engine.codec.BundleCall;
import org.permcheck.oracle.Oracle;

/**
 * Turns a repro bundle written by {@code permcheck fuzz} (case.json + inputs/*.npy, see
 * {@link BundleCall}) into a vector of the committed set, with provenance: the bundle's case id,
 * seed, the backend that failed, its verdict. Expected outputs come from the oracle, as always;
 * the bundle's expected and actual tensors are not copied.
 */
public final class VectorPromoter {
    private VectorPromoter() {}

    /**
     * Promotes {@code bundle} into the vector set at {@code vectors} under {@code id}.
     *
     * @param rules       rule ids to cite; empty: the bundle's own
     * @param description one sentence; null: derived from the bundle
     * @return the new vector's directory
     */
    public static Path promote(Path bundle, Path vectors, String id, List<String> rules, String description) throws IOException {
        BundleCall b = BundleCall.read(bundle);
        Invocation inv = b.invocation();
        try {
            Oracle.expected(inv);
        } catch (PreconditionViolation e) {
            throw new IOException(bundle + ": the oracle rejects this call (" + e.getMessage() + "); only calls inside the contract are promoted");
        }
        List<String> ids = VectorSet.ids(vectors);
        if (ids.contains(id)) throw new IOException(vectors + ": a vector '" + id + "' exists already");

        Set<String> features = new LinkedHashSet<>();
        b.features().stream().map(FeatureLabels::fromEngineLabel).filter(java.util.Objects::nonNull).forEach(features::add);
        if (inv.op().wireName().endsWith("_backward")) features.add("gradient");
        if (inv.op() == org.permcheck.contract.Op.SORT_CHUNKS || inv.op() == org.permcheck.contract.Op.SORT_CHUNKS_BACKWARD) features.add("chunk-sort");
        features.add("fuzz-found");
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("source", "fuzz");
        provenance.put("bundle_case", b.id());
        if (b.seed() != null) provenance.put("seed", Long.toString(b.seed()));
        if (b.backend() != null) provenance.put("backend", b.backend());
        if (b.status() != null) provenance.put("status", b.status());
        if (b.shrunk() != null) provenance.put("shrunk", b.shrunk());
        List<String> cite = rules.isEmpty() ? b.rules() : rules;
        String desc = description != null ? description
                : "promoted fuzz counterexample " + b.id() + (b.shrunk() != null ? " (" + b.shrunk() + ")" : "");
        VectorCase vc;
        try {
            vc = new VectorCase(id, desc, cite, new ArrayList<>(features), inv, null, Map.of(), provenance);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
        VectorWriter.write(vc, vectors);

        Set<String> all = new LinkedHashSet<>(ids);
        all.add(id);
        Set<String> promoted = new LinkedHashSet<>(VectorSet.promotedIds(vectors));
        promoted.add(id);
        VectorGenerator.writeIndex(vectors, all, promoted);
        Path dir = vectors.resolve(id);
        if (!Files.isRegularFile(dir.resolve(VectorFiles.MANIFEST))) throw new IOException(dir + ": manifest not written");
        return dir;
    }
}
