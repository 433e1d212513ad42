package org.permcheck.engine.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Violation;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * A self-contained directory that reproduces one failing case, small enough to attach to an issue:
 *
 * <pre>
 * repro/&lt;case-id-sanitized&gt;/
 *   case.json        op, profile, attrs, tensor files with logical dtypes, rules, seed, verdict, backend
 *   inputs/*.npy     the call's inputs
 *   expected/*.npy   the oracle's outputs (+ NAME.specified.npy masks, NAME.reference.npy f64 values)
 *   actual/*.npy     what the backend returned
 *   mismatch.txt     the call, then every violation with its first mismatch
 *   replay.sh        ./permcheck replay &lt;this dir&gt; --backend &lt;backend&gt;
 * </pre>
 */
public final class ReproBundle {
    public static final String FORMAT = "permcheck-repro";
    public static final int FORMAT_VERSION = 1;

    private ReproBundle() {}

    /**
     * Writes the bundle for {@code result} under {@code reproRoot} and returns its directory.
     *
     * @param expected the oracle's answer, or null when the oracle itself failed
     * @param actual   the backend's answer, or null when it gave none (crash, timeout)
     * @param backend  what to pass to --backend when replaying
     */
    public static Path write(Path reproRoot, Case c, Expected expected, Outputs actual, CaseResult result, String backend,
                             TensorFileWriter npy) throws IOException {
        Path dir = reproRoot.resolve(BundleName.of(c.id()));
        Files.createDirectories(dir);
        Invocation inv = c.invocation();

        ObjectNode root = JsonReport.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("id", c.id());
        root.put("op", inv.op().wireName());
        root.put("profile", inv.profile().id());
        ObjectNode attrs = root.putObject("attrs");
        inv.attrs().forEach(attrs::put);
        root.set("inputs", tensors(dir, "inputs", inv.inputs(), npy));
        if (expected != null) {
            ObjectNode e = tensors(dir, "expected", expected.values(), npy);
            root.set("expected", e);
            root.set("expected_specified", tensors(dir, "expected", suffixed(expected.specified(), ".specified"), npy));
            root.set("expected_reference", tensors(dir, "expected", suffixed(expected.reference(), ".reference"), npy));
        }
        if (actual != null) root.set("actual", tensors(dir, "actual", actual.tensors(), npy));
        ArrayNode rules = root.putArray("rules");
        c.rules().forEach(rules::add);
        ArrayNode features = root.putArray("features");
        c.features().stream().sorted().forEach(features::add);
        if (c.seed() == null) root.putNull("seed"); else root.put("seed", Long.toString(c.seed()));
        root.put("origin", c.origin());
        root.put("status", result.status().name());
        if (result.detail() != null) root.put("detail", result.detail());
        if (result.shrunk() != null) root.put("shrunk", result.shrunk());
        ArrayNode vs = root.putArray("violations");
        for (Violation v : result.violations()) vs.add(v.render());
        root.put("backend", backend);
        JsonReport.MAPPER.writeValue(dir.resolve("case.json").toFile(), root);

        Files.writeString(dir.resolve("mismatch.txt"), mismatchText(inv, result), StandardCharsets.UTF_8);
        writeReplayScript(dir, backend);
        return dir;
    }

    static String mismatchText(Invocation inv, CaseResult result) {
        StringBuilder sb = new StringBuilder();
        sb.append(result.status()).append(": ").append(inv.describe()).append('\n');
        for (Violation v : result.violations()) sb.append(v.render()).append('\n');
        if (result.detail() != null) sb.append(result.detail()).append('\n');
        if (result.shrunk() != null) sb.append("minimal counterexample: ").append(result.shrunk()).append('\n');
        return sb.toString();
    }

    private static void writeReplayScript(Path dir, String backend) throws IOException {
        // The permcheck script passes its own absolute path in this property; a bundle copied elsewhere
        // can point PERMCHECK at the script instead.
        String script = System.getProperty("permcheck.script", "./permcheck");
        String text = "#!/usr/bin/env bash\n"
                + "# Replays this saved case: " + ReplayCommand.of(dir.toString(), backend).replace('\n', ' ') + "\n"
                + "# Set PERMCHECK to the permcheck script (and PERMCHECK_CWD to the directory the run started in)\n"
                + "# when this bundle has moved to another machine or checkout.\n"
                + "set -euo pipefail\n"
                + "here=\"$(cd \"$(dirname \"$0\")\" && pwd)\"\n"
                + "permcheck=${PERMCHECK:-}\n"
                + "if [ -z \"$permcheck\" ]; then permcheck=" + ShellQuote.word(script) + "; fi\n"
                // an exec backend's command may name files relative to where the run started
                + "cwd=${PERMCHECK_CWD:-}\n"
                + "if [ -z \"$cwd\" ]; then cwd=" + ShellQuote.word(System.getProperty("user.dir")) + "; fi\n"
                + "cd \"$cwd\"\n"
                + "exec \"$permcheck\" replay \"$here\" --backend " + ShellQuote.word(backend) + " \"$@\"\n";
        Path f = dir.resolve("replay.sh");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the script still runs with "bash replay.sh"
        }
    }

    private static Map<String, Tensor> suffixed(Map<String, Tensor> m, String suffix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k + suffix, v));
        return out;
    }

    private static ObjectNode tensors(Path dir, String sub, Map<String, Tensor> tensors, TensorFileWriter npy) throws IOException {
        ObjectNode o = JsonReport.MAPPER.createObjectNode();
        if (tensors.isEmpty()) return o;
        Files.createDirectories(dir.resolve(sub));
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String file = sub + "/" + BundleName.of(e.getKey()) + ".npy";
            npy.write(e.getValue(), dir.resolve(file));
            ObjectNode t = o.putObject(e.getKey());
            t.put("file", file);
            t.put("dtype", e.getValue().dtype().id());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.getValue().shape()) shape.add(d);
        }
        return o;
    }

    // ------------------------------------------------------------------ reading back (replay)

    /** A bundle read back: the call, and what the backend answered when the bundle was written. */
    public record Loaded(String id, Invocation invocation, List<String> rules, Long seed, String backend,
                         String status, Map<String, Tensor> actual) {}

    /** Reads a bundle written by {@link #write}; a malformed bundle is an IOException with one clear line. */
    public static Loaded read(Path dir, TensorFileReader npy) throws IOException {
        Path json = dir.resolve("case.json");
        if (!Files.isRegularFile(json)) throw new IOException(dir + ": no case.json (not a repro bundle)");
        JsonNode root;
        try {
            root = JsonReport.MAPPER.readTree(json.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(json + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) throw new IOException(json + ": not a " + FORMAT + " file");
        if (root.path("format_version").asInt(-1) != FORMAT_VERSION) {
            throw new IOException(json + ": bundle format version " + root.path("format_version").asText() + ", this permcheck reads " + FORMAT_VERSION);
        }
        Op op;
        Profile profile;
        try {
            op = Op.byWireName(root.path("op").asText());
            profile = Profile.byId(root.path("profile").asText("te-jax"));
        } catch (IllegalArgumentException e) {
            throw new IOException(json + ": " + e.getMessage());
        }
        Map<String, Long> attrs = new LinkedHashMap<>();
        root.path("attrs").fields().forEachRemaining(e -> attrs.put(e.getKey(), e.getValue().asLong()));
        Map<String, Tensor> inputs = readTensors(dir, root.path("inputs"), npy);
        Map<String, Tensor> actual = readTensors(dir, root.path("actual"), npy);
        List<String> rules = new ArrayList<>();
        root.path("rules").forEach(n -> rules.add(n.asText()));
        Long seed = root.hasNonNull("seed") ? root.get("seed").asLong() : null;
        return new Loaded(root.path("id").asText(), new Invocation(op, profile, inputs, attrs), rules, seed,
                root.path("backend").asText(null), root.path("status").asText(null), actual);
    }

    private static Map<String, Tensor> readTensors(Path dir, JsonNode node, TensorFileReader npy) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        var it = node.fields();
        while (it.hasNext()) {
            var e = it.next();
            String file = e.getValue().path("file").asText();
            Path p = dir.resolve(file).normalize();
            if (file.isEmpty() || !p.startsWith(dir.normalize())) throw new IOException(dir + ": tensor '" + e.getKey() + "' has a bad file '" + file + "'");
            if (!Files.isRegularFile(p)) throw new IOException(dir + ": missing " + file);
            DType dtype;
            try {
                dtype = DType.byId(e.getValue().path("dtype").asText());
            } catch (IllegalArgumentException ex) {
                throw new IOException(dir + ": tensor '" + e.getKey() + "': " + ex.getMessage());
            }
            out.put(e.getKey(), npy.read(p, dtype));
        }
        return out;
    }
}
