package org.permcheck.engine.vectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.engine.codec.JsonFile;
import org.permcheck.engine.codec.Sha256;

/**
 * The large vectors: materialized from their recipes ({@link GeneratedRecipes#largeRecipes()})
 * into a directory of the caller's, checked against (or pinned into) vectors/recipes.json, which
 * holds the SHA-256 of every file each recipe produces.
 */
public final class LargeVectors {
    private LargeVectors() {}

    /** Writes every large vector under {@code out} (a vector set of its own, with index.json). */
    public static int materialize(Path out) throws IOException {
        Files.createDirectories(out);
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        for (GeneratedRecipes.Recipe r : GeneratedRecipes.largeRecipes()) {
            VectorCase vc = GeneratedRecipes.toVector(r, true);
            Path dir = out.resolve(vc.id());
            if (Files.isDirectory(dir)) VectorGenerator.deleteTree(dir);
            VectorWriter.write(vc, out);
            ids.add(vc.id());
        }
        VectorGenerator.writeIndex(out, ids, java.util.Set.of());
        return ids.size();
    }

    /** Writes vectors/recipes.json from a materialized directory. */
    public static void pin(Path vectors, Path materialized) throws IOException {
        ObjectNode root = VectorJson.MAPPER.createObjectNode();
        root.put("format", "permcheck-recipes");
        root.put("format_version", VectorFiles.FORMAT_VERSION);
        root.put("description", "large vectors: 'permcheck vectors generate --large DIR' rebuilds them; every file is pinned here");
        ArrayNode list = root.putArray("recipes");
        for (GeneratedRecipes.Recipe r : GeneratedRecipes.largeRecipes()) {
            ObjectNode o = list.addObject();
            o.put("id", r.id());
            o.put("description", r.description());
            o.put("spec", r.spec());
            ObjectNode files = o.putObject("sha256");
            hashes(materialized.resolve(r.id())).forEach(files::put);
        }
        Files.write(vectors.resolve(VectorFiles.RECIPES), VectorJson.bytes(root));
    }

    /** One line per file whose hash differs from the pin (empty: the large vectors are exact). */
    public static List<String> verify(Path vectors, Path materialized) throws IOException {
        List<String> problems = new ArrayList<>();
        Path f = vectors.resolve(VectorFiles.RECIPES);
        if (!Files.isRegularFile(f)) return List.of(f + ": missing (run 'permcheck vectors generate --large DIR --pin')");
        JsonNode root = JsonFile.object(f);
        for (JsonNode r : root.path("recipes")) {
            String id = r.path("id").asText();
            Path dir = materialized.resolve(id);
            if (!Files.isDirectory(dir)) {
                problems.add(id + ": not materialized in " + materialized);
                continue;
            }
            Map<String, String> have = hashes(dir);
            Map<String, String> want = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = r.path("sha256").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                want.put(e.getKey(), e.getValue().asText());
            }
            for (Map.Entry<String, String> e : want.entrySet()) {
                String h = have.get(e.getKey());
                if (h == null) problems.add(id + "/" + e.getKey() + ": missing");
                else if (!h.equals(e.getValue())) problems.add(id + "/" + e.getKey() + ": SHA-256 " + h + " differs from the pinned " + e.getValue());
            }
            for (String extra : have.keySet()) if (!want.containsKey(extra)) problems.add(id + "/" + extra + ": not pinned");
        }
        return problems;
    }

    private static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) out.put(p.getFileName().toString(), Sha256.of(p));
        }
        return out;
    }
}
