package org.permcheck.engine.vectors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.engine.codec.CallCodec;
import org.permcheck.engine.codec.JsonFile;
import org.permcheck.engine.codec.Sha256;
import org.permcheck.engine.codec.TensorRefs;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.VectorSetPin;
import org.permcheck.oracle.Oracle;
import org.permcheck.tensor.Tensor;

/**
 * Reads a vector directory (docs/vectors.md): the index, every manifest, every tensor, each checked
 * against its pinned SHA-256. A malformed set is an {@link IOException} with one line naming the
 * file and the problem.
 */
public final class VectorSet {
    private VectorSet() {}

    /** A vector as read back: the documented call, plus the stored expected outputs (positive vectors). */
    public record Loaded(VectorCase vector, Map<String, Tensor> expected, Map<String, Tensor> specified,
                         Map<String, Tensor> reference) {}

    /**
     * The positive vectors of {@code dir} as engine cases (id "vec/&lt;vector id&gt;", origin "vector"),
     * in index order. Negative vectors (inputs outside the contract) are left out: there is nothing
     * to judge. Every input file's hash is checked.
     */
    public static List<Case> load(Path dir) throws IOException {
        List<Case> out = new ArrayList<>();
        for (Loaded l : loadAll(dir, false)) {
            VectorCase v = l.vector();
            if (v.isNegative()) {
                // a vector flipped to negative would silently leave the run: its inputs must really be refused
                String p = negativeProblem(v);
                if (p != null) throw new IOException(dir.resolve(v.id()).resolve(VectorFiles.MANIFEST) + ": " + p);
                continue;
            }
            out.add(new Case("vec/" + v.id(), v.invocation(), v.rules(), new LinkedHashSet<>(v.features()), v.seed(), "vector"));
        }
        // last, so a more specific problem above is the one reported; what is left (a vector removed
        // from the index together with its directory, a manifest edited consistently) only the pin sees
        String pinProblem = pinProblem(dir);
        if (pinProblem != null) throw new IOException(pinProblem);
        return out;
    }

    /**
     * The negative vectors of {@code dir} (inputs outside the contract, group X) as cases, id
     * "vec/&lt;vector id&gt;", rules the one X rule each violates: what the robustness tier runs as
     * precondition probes (engine.run.ProbeCases). {@link #load} has checked that the oracle refuses them.
     */
    public static List<Case> negatives(Path dir) throws IOException {
        List<Case> out = new ArrayList<>();
        for (Loaded l : loadAll(dir, false)) {
            VectorCase v = l.vector();
            if (v.isNegative()) out.add(new Case("vec/" + v.id(), v.invocation(), List.of(v.negative()), new LinkedHashSet<>(v.features()), null, "vector"));
        }
        return out;
    }

    /** Every vector, negative ones included; with {@code withExpected} also the stored expected tensors. */
    public static List<Loaded> loadAll(Path dir, boolean withExpected) throws IOException {
        List<Loaded> out = new ArrayList<>();
        List<String> ids = ids(dir);
        List<String> unlisted = unlisted(dir, ids);
        if (!unlisted.isEmpty()) throw new IOException(unlistedMessage(dir, unlisted));
        for (String id : ids) out.add(loadOne(dir, id, withExpected));
        return out;
    }

    /** The case ids listed by the index, in order. */
    public static List<String> ids(Path dir) throws IOException {
        Path index = dir.resolve(VectorFiles.INDEX);
        if (!Files.isRegularFile(index)) throw new IOException(dir + ": no " + VectorFiles.INDEX + " (not a vector directory)");
        JsonNode root = JsonFile.object(index, VectorFiles.FORMAT, VectorFiles.FORMAT_VERSION);
        JsonNode cases = root.get("cases");
        // a missing, empty or non-array "cases" would verify as a set of nothing
        if (cases == null || !cases.isArray()) throw new IOException(index + ": \"cases\" must be an array of vector ids");
        if (cases.isEmpty()) throw new IOException(index + ": \"cases\" is empty (a vector set with no vectors judges nothing)");
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode n : cases) {
            if (!n.isTextual()) throw new IOException(index + ": \"cases\" holds a non-string entry " + n);
            if (!seen.add(n.asText())) throw new IOException(index + ": \"cases\" lists '" + n.asText() + "' twice");
            if (!dir.resolve(n.asText()).normalize().startsWith(dir.normalize())) {
                throw new IOException(dir + ": case id '" + n.asText() + "' leaves the vector directory");
            }
            ids.add(n.asText());
        }
        return ids;
    }

    /**
     * The set's pin: the number of vectors the index lists and a SHA-256 over index.json followed,
     * for each listed id in order, by the id, a NUL byte and the bytes of its case.json. A manifest
     * holds the SHA-256 of each of its tensor files (checked when it is read), so the digest pins
     * every byte of the set.
     */
    public static VectorSetPin pin(Path dir) throws IOException {
        List<String> ids = ids(dir);
        java.io.ByteArrayOutputStream pinned = new java.io.ByteArrayOutputStream();
        pinned.writeBytes(Files.readAllBytes(dir.resolve(VectorFiles.INDEX)));
        for (String id : ids) {
            pinned.writeBytes(id.getBytes(StandardCharsets.UTF_8));
            pinned.write(0);
            Path mf = dir.resolve(id).resolve(VectorFiles.MANIFEST);
            if (!Files.isRegularFile(mf)) throw new IOException(mf + ": missing (listed in " + VectorFiles.INDEX + ")");
            pinned.writeBytes(Files.readAllBytes(mf));
        }
        return new VectorSetPin(ids.size(), Sha256.of(pinned.toByteArray()));
    }

    /**
     * Null when the set has no PIN file or matches it; else the one-line problem. A set edited by
     * hand (a vector dropped from the index with its directory, a manifest changed) no longer
     * matches the pin its generator wrote.
     */
    static String pinProblem(Path dir) throws IOException {
        Path file = dir.resolve(VectorFiles.PIN);
        if (!Files.isRegularFile(file)) return null;
        String want = Files.readString(file, StandardCharsets.UTF_8).strip();
        VectorSetPin got = pin(dir);
        if (want.equals(got.line())) return null;
        return file + ": the set does not match its pin (pinned " + want + ", found " + got.line()
                + "); restore the set, or regenerate it with permcheck vectors generate";
    }

    /**
     * Directories under {@code dir} holding a manifest that the index does not list, sorted. A vector
     * dropped from the index with its files left would otherwise vanish from every run unnoticed.
     */
    static List<String> unlisted(Path dir, List<String> ids) throws IOException {
        Set<String> listed = new HashSet<>(ids);
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().equals(VectorFiles.MANIFEST) || !Files.isRegularFile(p)) continue;
                String id = dir.relativize(p.getParent()).toString().replace('\\', '/');
                if (!listed.contains(id)) out.add(id);
            }
        }
        out.sort(null);
        return out;
    }

    private static String unlistedMessage(Path dir, List<String> unlisted) {
        return dir.resolve(VectorFiles.INDEX) + ": " + unlisted.size() + " vector director" + (unlisted.size() == 1 ? "y" : "ies")
                + " not listed in \"cases\": " + String.join(", ", unlisted.subList(0, Math.min(5, unlisted.size())))
                + (unlisted.size() > 5 ? ", ..." : "");
    }

    /**
     * Null when a negative vector's inputs are refused by the oracle (a precondition is violated, X
     * rules); else why not. A positive vector flipped to negative is caught here.
     */
    static String negativeProblem(VectorCase v) {
        try {
            Oracle.expected(v.invocation());
        } catch (PreconditionViolation e) {
            return null;
        } catch (RuntimeException e) {
            return "marked negative (" + v.negative() + ") but the oracle fails on its inputs: " + e;
        }
        return "marked negative (" + v.negative() + ") but the oracle accepts its inputs (a positive vector with its flag flipped?)";
    }

    /** Ids the index marks as promoted from fuzzing (their inputs are the source of truth). */
    static List<String> promotedIds(Path dir) throws IOException {
        JsonNode root = JsonFile.object(dir.resolve(VectorFiles.INDEX));
        List<String> ids = new ArrayList<>();
        for (JsonNode n : root.path("promoted")) ids.add(n.asText());
        return ids;
    }

    public static Loaded loadOne(Path dir, String id, boolean withExpected) throws IOException {
        Path caseDir = dir.resolve(id).normalize();
        if (!caseDir.startsWith(dir.normalize())) throw new IOException(dir + ": case id '" + id + "' leaves the vector directory");
        Path mf = caseDir.resolve(VectorFiles.MANIFEST);
        if (!Files.isRegularFile(mf)) throw new IOException(mf + ": missing (listed in " + VectorFiles.INDEX + ")");
        JsonNode m = JsonFile.object(mf, VectorFiles.CASE_FORMAT, VectorFiles.FORMAT_VERSION);
        if (!id.equals(m.path("id").asText())) throw new IOException(mf + ": id '" + m.path("id").asText() + "' does not match its directory '" + id + "'");
        List<String> rules = JsonFile.strings(m.path("rules"));
        List<String> features = JsonFile.strings(m.path("features"));
        List<String> unknown = FeatureLabels.unknown(features);
        if (!unknown.isEmpty()) throw new IOException(mf + ": features not in the closed list: " + unknown);
        CallCodec codec = new CallCodec(caseDir, TensorRefs.PINNED);
        Invocation call = codec.readCall(m, mf.toString());
        String negative = m.has("negative") ? m.path("negative").path("rule").asText() : null;
        Map<String, Object> generator = m.has("generator")
                ? VectorJson.MAPPER.convertValue(m.get("generator"), VectorJson.MAPPER.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class))
                : Map.of();
        Map<String, String> provenance = new LinkedHashMap<>();
        m.path("provenance").fields().forEachRemaining(e -> provenance.put(e.getKey(), e.getValue().asText()));
        VectorCase vc;
        try {
            vc = new VectorCase(id, m.path("description").asText(), rules, features, call,
                    negative, generator, provenance);
        } catch (IllegalArgumentException e) {
            throw new IOException(mf + ": " + e.getMessage());
        }
        if (!withExpected || negative != null) return new Loaded(vc, Map.of(), Map.of(), Map.of());
        return new Loaded(vc, codec.readTensors(m.path("expected"), mf.toString()), codec.readTensors(m.path("specified"), mf.toString()),
                codec.readTensors(m.path("reference"), mf.toString()));
    }

    /**
     * Checks a vector directory: every listed manifest reads, every file matches its SHA-256, the
     * stored expected outputs are still what the oracle says, no file lies around unlisted. Returns
     * one line per problem (empty: all good).
     */
    public static List<String> verify(Path dir) {
        List<String> problems = new ArrayList<>();
        List<String> ids;
        try {
            ids = ids(dir);
        } catch (IOException e) {
            return List.of(e.getMessage());
        }
        try {
            List<String> unlisted = unlisted(dir, ids);
            if (!unlisted.isEmpty()) problems.add(unlistedMessage(dir, unlisted));
        } catch (IOException e) {
            problems.add(dir + ": " + e.getMessage());
        }
        for (String id : ids) {
            try {
                Loaded l = loadOne(dir, id, true);
                if (l.vector().isNegative()) {
                    String p = negativeProblem(l.vector());
                    if (p != null) problems.add(id + ": " + p);
                    continue;
                }
                Expected now = Oracle.expected(l.vector().invocation());
                compare(problems, id, "expected", l.expected(), now.values());
                compare(problems, id, "specified", l.specified(), now.specified());
                compare(problems, id, "reference", l.reference(), now.reference());
            } catch (IOException | RuntimeException e) {
                problems.add(id + ": " + e.getMessage());
            }
        }
        if (problems.isEmpty()) {
            // only when nothing more specific drifted: the pin is what catches a whole vector removed
            try {
                String p = pinProblem(dir);
                if (p != null) problems.add(p);
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    private static void compare(List<String> problems, String id, String what, Map<String, Tensor> stored, Map<String, Tensor> oracle) {
        Set<String> names = new LinkedHashSet<>(stored.keySet());
        names.addAll(oracle.keySet());
        for (String n : names) {
            Tensor s = stored.get(n);
            Tensor o = oracle.get(n);
            if (s == null) problems.add(id + ": " + what + " '" + n + "' is missing (the oracle gives one)");
            else if (o == null) problems.add(id + ": " + what + " '" + n + "' is stored but the oracle gives none");
            else if (!s.bitEquals(o)) problems.add(id + ": " + what + " '" + n + "' differs from the oracle's (regenerate, or the oracle changed)");
        }
    }
}
