package org.permcheck.engine.codec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.permcheck.contract.Invocation;
import org.permcheck.tensor.Tensor;

/**
 * A repro bundle's case.json read back (docs/cli.md, "Repro bundles"; written by
 * engine.report.ReproBundle): the call, and what was recorded when the bundle was written. Here, low
 * in the engine, so that replay and {@code vectors promote} read a bundle without the reports.
 *
 * @param features the engine's feature labels of the case, sorted
 * @param shrunk   the shrinker's description of the minimal counterexample, or null
 * @param actual   what the backend answered (empty after a crash or timeout)
 */
public record BundleCall(String id, Invocation invocation, List<String> rules, List<String> features, Long seed,
                         String backend, String status, String shrunk, Map<String, Tensor> actual) {
    public static final String FORMAT = "permcheck-repro";
    public static final int FORMAT_VERSION = 1;
    public static final String FILE = "case.json";

    /** Reads the bundle in {@code dir}; a malformed one is an IOException with one clear line. */
    public static BundleCall read(Path dir) throws IOException {
        Path json = dir.resolve(FILE);
        if (!Files.isRegularFile(json)) throw new IOException(dir + ": no " + FILE + " (not a repro bundle)");
        JsonNode root = JsonFile.object(json, FORMAT, FORMAT_VERSION);
        CallCodec codec = new CallCodec(dir, TensorRefs.FILE);
        Invocation inv = codec.readCall(root, json.toString());
        Long seed = root.hasNonNull("seed") ? root.get("seed").asLong() : null;
        return new BundleCall(root.path("id").asText(), inv, JsonFile.strings(root.path("rules")), JsonFile.strings(root.path("features")), seed,
                root.path("backend").asText(null), root.path("status").asText(null), root.path("shrunk").asText(null),
                codec.readTensors(root.path("actual"), json.toString()));
    }
}
