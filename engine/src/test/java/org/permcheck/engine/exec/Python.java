package org.permcheck.engine.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whether python3 (and numpy) can be run here; tests that need them are skipped with the reason.
 * Public for the protocol tests of other packages (engine.smoke).
 */
public final class Python {
    private Python() {}

    public static final Path REPO = Path.of("").toAbsolutePath().getParent();
    public static final Path FAKE = Path.of("src/test/resources/fake-backends/fake_backend.py").toAbsolutePath();
    public static final Path NUMPY_PORT = REPO.resolve("adapters/python/examples/numpy_port.py");

    private static Boolean python;
    private static Boolean numpy;

    public static synchronized boolean hasPython() {
        if (python == null) python = runs("python3", "-c", "pass");
        return python;
    }

    public static synchronized boolean hasNumpy() {
        if (numpy == null) numpy = hasPython() && runs("python3", "-c", "import numpy");
        return numpy;
    }

    private static boolean runs(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    public static String fake(String... modes) {
        return "python3 " + FAKE + " " + String.join(" ", modes);
    }

    public static String numpyPort() {
        return "python3 " + NUMPY_PORT;
    }

    public static boolean repoLooksRight() {
        return Files.isRegularFile(NUMPY_PORT);
    }
}
