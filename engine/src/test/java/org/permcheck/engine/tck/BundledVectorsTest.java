package org.permcheck.engine.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.engine.model.Case;
import org.permcheck.engine.vectors.VectorSet;

/**
 * The vectors jar as a consumer's TCK reads it (docs/tck.md). The expected set is
 * the repository's own {@code vectors/} directory: the same cases, byte-identical files.
 */
class BundledVectorsTest {
    static final Path REPO_VECTORS = Path.of("..", "vectors");

    @TempDir Path dir;

    static List<String> ids(List<Case> cases) { return cases.stream().map(Case::id).toList(); }

    @Test
    void theTestClassPathCarriesTheRepositorysSet() throws Exception {
        Path bundled = BundledVectors.find();
        assertNotNull(bundled, "permcheck-tck-vectors is a test dependency of the engine");
        assertArrayEquals(Files.readAllBytes(REPO_VECTORS.resolve("index.json")), Files.readAllBytes(bundled.resolve("index.json")));
        assertEquals(ids(VectorSet.load(REPO_VECTORS)), ids(VectorSet.load(bundled)));
    }

    @Test
    void aSetInsideAJarIsCopiedOutByteForByteAndLoads() throws Exception {
        Path jar = dir.resolve("permcheck-tck-vectors.jar");
        List<Path> files;
        try (Stream<Path> s = Files.walk(REPO_VECTORS)) { files = s.filter(Files::isRegularFile).sorted().toList(); }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path f : files) {
                out.putNextEntry(new JarEntry(BundledVectors.FOLDER + "/" + REPO_VECTORS.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, (OutputStream) out);
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Path copied = BundledVectors.find(loader);
            assertNotNull(copied);
            for (Path f : files) assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(copied.resolve(REPO_VECTORS.relativize(f).toString())), f.toString());
            assertEquals(ids(VectorSet.load(REPO_VECTORS)), ids(VectorSet.load(copied)));
        }
    }

    @Test
    void withoutTheJarThereIsNoBundledSet() throws Exception {
        try (URLClassLoader bare = new URLClassLoader(new URL[0], null)) {
            assertNull(BundledVectors.find(bare));
        }
    }
}
