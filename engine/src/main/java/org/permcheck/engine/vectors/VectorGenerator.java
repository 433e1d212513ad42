package org.permcheck.engine.vectors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes the committed vector set: the hand-written cases, the small generated recipes, and the
 * promoted fuzz counterexamples (whose inputs are their own source of truth, read back from the
 * existing set). Byte for byte reproducible: {@code permcheck vectors generate} over a checkout
 * changes nothing unless the oracle, a recipe or the format changed (CI's drift test).
 */
public final class VectorGenerator {
    private VectorGenerator() {}

    /** Every vector the set holds, in index order. {@code existing} (may be null) supplies promoted ones. */
    public static List<VectorCase> committedSet(Path existing) throws IOException {
        List<VectorCase> all = new ArrayList<>(HandWrittenVectors.all());
        for (GeneratedRecipes.Recipe r : GeneratedRecipes.smallRecipes()) all.add(GeneratedRecipes.toVector(r, false));
        if (existing != null && Files.isRegularFile(existing.resolve(VectorFiles.INDEX))) {
            for (String id : VectorSet.promotedIds(existing)) all.add(VectorSet.loadOne(existing, id, false).vector());
        }
        return all;
    }

    /**
     * Writes the whole set into {@code out}: case directories, index.json, features.txt. When
     * {@code out} already holds a vector set its case directories are replaced (promoted vectors
     * are read first); a non-empty directory that is not a vector set is refused.
     *
     * @return the number of vectors written
     */
    public static int generate(Path out, Path existing) throws IOException {
        List<VectorCase> all = committedSet(existing);
        byte[] recipes = existing != null && Files.isRegularFile(existing.resolve(VectorFiles.RECIPES))
                ? Files.readAllBytes(existing.resolve(VectorFiles.RECIPES)) : null;
        Set<String> promoted = new LinkedHashSet<>();
        if (existing != null && Files.isRegularFile(existing.resolve(VectorFiles.INDEX))) promoted.addAll(VectorSet.promotedIds(existing));
        // written into a sibling first, so a failure leaves the existing set untouched
        Path abs = out.toAbsolutePath().normalize();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempDirectory(abs.getParent(), ".vectors-");
        try {
            Set<String> seen = new LinkedHashSet<>();
            for (VectorCase vc : all) {
                if (!seen.add(vc.id())) throw new IllegalStateException("duplicate vector id " + vc.id());
                VectorWriter.write(vc, tmp);
            }
            writeIndex(tmp, seen, promoted);
            Files.writeString(tmp.resolve(VectorFiles.FEATURES), FeatureLabels.featuresTxt(), StandardCharsets.UTF_8);
            // the pinned hashes of the large recipes are kept (LargeVectors.pin rewrites them)
            if (recipes != null) Files.write(tmp.resolve(VectorFiles.RECIPES), recipes);
            prepare(abs);
            try (Stream<Path> s = Files.list(tmp)) {
                for (Path p : (Iterable<Path>) s::iterator) Files.move(p, abs.resolve(p.getFileName().toString()));
            }
        } finally {
            deleteTree(tmp);
        }
        return all.size();
    }

    static void writeIndex(Path out, Set<String> ids, Set<String> promoted) throws IOException {
        ObjectNode idx = VectorJson.MAPPER.createObjectNode();
        idx.put("format", VectorFiles.FORMAT);
        idx.put("format_version", VectorFiles.FORMAT_VERSION);
        idx.put("description", "permcheck conformance vectors; see docs/vectors.md");
        ArrayNode cases = idx.putArray("cases");
        ids.forEach(cases::add);
        ArrayNode p = idx.putArray("promoted");
        promoted.forEach(p::add);
        Files.write(out.resolve(VectorFiles.INDEX), VectorJson.bytes(idx));
        // the pin covers the index and every manifest, so it is written last, once they are all on disk
        Files.writeString(out.resolve(VectorFiles.PIN), VectorSet.pin(out).line() + "\n", StandardCharsets.UTF_8);
    }

    /** Empties a vector directory (everything but files we do not own is ours) or creates it. */
    private static void prepare(Path out) throws IOException {
        if (Files.isDirectory(out)) {
            boolean isSet = Files.isRegularFile(out.resolve(VectorFiles.INDEX));
            boolean empty;
            try (Stream<Path> s = Files.list(out)) {
                empty = s.findAny().isEmpty();
            }
            if (!isSet && !empty) throw new IOException(out + ": not empty and not a vector set (no " + VectorFiles.INDEX + "); refusing to overwrite");
            if (isSet) {
                try (Stream<Path> s = Files.list(out)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        String name = p.getFileName().toString();
                        if (name.equals("large") || name.startsWith(".") || name.equals("README.md")) continue;
                        deleteTree(p);
                    }
                }
            }
        }
        Files.createDirectories(out);
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.delete(p);
        }
    }
}
