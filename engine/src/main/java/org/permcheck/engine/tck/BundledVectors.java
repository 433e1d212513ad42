package org.permcheck.engine.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The golden vectors shipped as the {@code permcheck-tck-vectors} jar (docs/tck.md):
 * the repository's {@code vectors/} directory under the resource folder {@value #FOLDER}. A backend
 * in another repository puts that jar on its test class path and {@link BackendTck} runs the
 * vectors without a checkout of ours.
 *
 * <p>The vector reader works on files, so a set inside a jar is copied once per JVM to a temporary
 * directory (byte for byte; the set's pin, docs/vectors.md section 12, is verified when it loads, so
 * a damaged copy is refused, never half-run).
 */
public final class BundledVectors {
    /** The resource folder holding the set; its {@code index.json} marks it. */
    public static final String FOLDER = "permcheck-vectors";

    private static Path extracted;

    private BundledVectors() {}

    /** The bundled set as a directory, or null when the jar is not on the class path of {@code loader}. */
    public static Path find(ClassLoader loader) {
        URL index = loader.getResource(FOLDER + "/index.json");
        if (index == null) return null;
        try {
            URI uri = index.toURI();
            if (uri.getScheme().equals("file")) return Path.of(uri).getParent(); // a reactor build: target/classes
            return copyOut(uri);
        } catch (URISyntaxException | IOException e) {
            throw new UncheckedIOException("cannot read the bundled vectors at " + index + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** The set of this class's own loader (the test class path), copied out once. */
    static synchronized Path find() {
        if (extracted == null) extracted = find(BundledVectors.class.getClassLoader());
        return extracted;
    }

    private static Path copyOut(URI indexInJar) throws IOException {
        Path target = Files.createTempDirectory("permcheck-vectors-");
        try (FileSystem jar = FileSystems.newFileSystem(indexInJar, Map.of())) {
            Path root = jar.provider().getPath(indexInJar).getParent();
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    Path to = target.resolve(root.relativize(p).toString());
                    if (Files.isDirectory(p)) Files.createDirectories(to);
                    else Files.copy(p, to);
                }
            }
        } catch (java.nio.file.FileSystemAlreadyExistsException e) {
            throw new IOException("the jar is already open as a file system: " + e.getMessage());
        }
        return target;
    }
}
