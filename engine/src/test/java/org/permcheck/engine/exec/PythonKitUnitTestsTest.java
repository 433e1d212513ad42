package org.permcheck.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Runs the Python kit's own unittest suite (adapters/python/tests: protocol loop, dtypes, generator
 * goldens, vector reader, the numpy port against the vectors offline with planted bugs; the kit's
 * offline install into a clean virtualenv, its stdout guard, guard bands and array helpers on
 * numpy-backed fakes, real torch / cupy / JAX skipped where absent), so CI fails when the Python
 * side breaks.
 */
class PythonKitUnitTestsTest {

    @Test
    void pythonUnittestsPass() throws Exception {
        assumeTrue(Python.hasNumpy(), "python3 with numpy not found: adapters/python/tests cannot run here");
        Process p = new ProcessBuilder("python3", "-m", "unittest", "discover", "-s", "adapters/python/tests")
                .directory(Python.REPO.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "python unittests finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("OK"), out);
    }
}
