package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `permcheck vectors` and `permcheck smoke` as a user types them: verdicts, exit codes, one-line errors. */
class VectorsAndSmokeCommandTest {
    static final Path REPO = Path.of("").toAbsolutePath().getParent();

    @Test
    void verifyTheCommittedVectors() {
        Cli c = Cli.run("vectors", "verify", REPO.resolve("vectors").toString());
        assertEquals(0, c.exit(), c.out() + c.err());
        assertTrue(c.out().matches("(?s)permcheck vectors: \\d+ vectors verified in .*\\n"), c.out());
    }

    @Test
    void generateThenVerifyThenDrift(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("v");
        Cli g = Cli.run("vectors", "generate", "--out", out.toString(), "--from", REPO.resolve("vectors").toString());
        assertEquals(0, g.exit(), g.err());
        assertTrue(g.out().startsWith("permcheck vectors: wrote "), g.out());
        assertEquals(0, Cli.run("vectors", "verify", out.toString()).exit());
        Path f = out.resolve("chunk-sort/worked-example/exp_output.npy");
        byte[] b = Files.readAllBytes(f);
        b[b.length - 1] ^= 1;
        Files.write(f, b);
        Cli v = Cli.run("vectors", "verify", out.toString());
        assertEquals(1, v.exit());
        assertTrue(v.out().startsWith("DRIFT chunk-sort/worked-example: "), v.out());
        assertTrue(v.out().contains("permcheck vectors: 1 problem(s) in "), v.out());
    }

    @Test
    void generateRefusesToOverwriteADirectoryThatIsNotAVectorSet(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("precious.txt"), "keep me");
        Cli c = Cli.run("vectors", "generate", "--out", tmp.toString());
        assertEquals(2, c.exit());
        assertTrue(c.oneCleanErrorLine(), c.err());
        assertTrue(c.err().contains("not empty and not a vector set"), c.err());
        assertTrue(Files.exists(tmp.resolve("precious.txt")));
    }

    @Test
    void badArgumentsAreOneLine(@TempDir Path tmp) {
        Cli missing = Cli.run("vectors", "verify", tmp.resolve("nope").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.oneCleanErrorLine(), missing.err());
        Cli notBundle = Cli.run("vectors", "promote", tmp.toString(), "--id", "x/y", "--into", REPO.resolve("vectors").toString());
        assertEquals(2, notBundle.exit());
        assertTrue(notBundle.oneCleanErrorLine(), notBundle.err());
        assertTrue(notBundle.err().contains("no case.json (not a repro bundle)"), notBundle.err());
        Cli smokeCpu = Cli.run("smoke", "--backend", "cpu");
        assertEquals(2, smokeCpu.exit());
        assertTrue(smokeCpu.err().contains("use --backend exec:'<command>'"), smokeCpu.err());
    }

    @Test
    void smokeTheNumpyPort() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "python3 with numpy not found");
        Cli c = Cli.run("smoke", "--backend", "exec:python3 " + REPO.resolve("adapters/python/examples/numpy_port.py"));
        assertEquals(0, c.exit(), c.out() + c.err());
        assertEquals(7, c.out().lines().count(), c.out());
        assertTrue(c.out().lines().limit(6).allMatch(l -> l.startsWith("PASS ")), c.out());
        assertTrue(c.out().endsWith("smoke: the adapter speaks protocol 1\n"), c.out());
    }
}
