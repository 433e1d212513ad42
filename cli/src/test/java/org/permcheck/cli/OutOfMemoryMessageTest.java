package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exhausted heap is one line naming what was in flight and how to raise the heap, exit 2 (it was a
 * 19-line trace): a real JVM with a 48 MB heap asked for the full tier.
 */
class OutOfMemoryMessageTest {
    @TempDir Path tmp;

    @Test
    void outOfMemoryIsOneLineNamingTheCaseAndTheFix() throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(List.of(java.toString(), "-Xmx48m", "-cp", cp, "org.permcheck.cli.Main",
                "run", "--tier", "full", "--backend", "cpu", "--out", tmp.resolve("out").toString()))
                .redirectError(err.toFile()).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the JVM did not end");
        String e = Files.readString(err);
        assertEquals(2, p.exitValue(), e);
        List<String> lines = e.strip().lines().filter(l -> l.contains("out of memory")).toList();
        assertEquals(1, lines.size(), e);
        // the tier builds its cases on demand (TierCases): the heap runs out generating a large case or judging it
        assertTrue(lines.get(0).matches("permcheck run: out of memory while (generating|judging) full/.*"), e);
        assertTrue(lines.get(0).contains("JAVA_OPTS=-Xmx"), e);
        assertFalse(e.contains("\tat "), e);
    }
}
