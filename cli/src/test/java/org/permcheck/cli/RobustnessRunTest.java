package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * permcheck run and the robustness tier (docs/checks.md, "Robustness"; docs/cli.md): probes run
 * after the tier by default and only with --tier robustness; the console, report.json, summary.md
 * and report.html carry the robustness line; a backend unsafe on probes but conformant otherwise
 * exits 5.
 */
class RobustnessRunTest {
    @TempDir Path dir;
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path FAKE = ROOT.resolve("engine/src/test/resources/fake-backends/fake_backend.py");

    @Test
    void robustnessTierAloneAgainstTheCpuBackendIsSafe() throws Exception {
        Path out = dir.resolve("cpu");
        Cli c = Cli.run("run", "--tier", "robustness", "--backend", "cpu", "--vectors", ROOT.resolve("vectors").toString(), "--out", out.toString());
        assertEquals(0, c.exit(), c.out() + c.err());
        assertTrue(c.err().contains("permcheck run: tier robustness"), c.err());
        assertTrue(c.out().contains("no valid input run; SAFE on precondition probes: "), c.out());
        JsonNode rb = new ObjectMapper().readTree(out.resolve("report.json").toFile()).path("robustness");
        assertTrue(rb.path("safe").asBoolean(), rb.toString());
        assertEquals(rb.path("probes").asLong(), rb.path("refused").asLong(), "the CPU backend refuses every probe");
        assertTrue(rb.path("probes").asLong() >= 40, rb.toString());
        assertTrue(Files.readString(out.resolve("summary.md")).contains("**Robustness:** no valid input run; SAFE on precondition probes"));
        assertTrue(Files.readString(out.resolve("report.html")).contains("id=\"robustness\""));
    }

    @Test
    void probesFollowTheTierByDefaultAndCanBeTurnedOff() throws Exception {
        Cli on = Cli.run("run", "--backend", "cpu", "--shard", "0/20", "--vectors", ROOT.resolve("vectors").toString(), "--list");
        assertEquals(0, on.exit(), on.err());
        assertTrue(on.out().contains("robustness/X"), on.out());
        Cli off = Cli.run("run", "--backend", "cpu", "--shard", "0/20", "--probes", "off", "--vectors", ROOT.resolve("vectors").toString(), "--list");
        assertFalse(off.out().contains("robustness/"), off.out());
        Path out = dir.resolve("default");
        Cli run = Cli.run("run", "--backend", "cpu", "--shard", "0/20", "--vectors", ROOT.resolve("vectors").toString(), "--out", out.toString());
        assertEquals(0, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains("CONFORMANT on valid inputs ("), run.out());
        assertTrue(run.out().contains("SAFE on precondition probes"), run.out());
    }

    /** A backend whose every answer reports a guard breach: with only the probes run, conformant on valid inputs (none), unsafe: exit 5. */
    @Test
    void unsafeOnProbesExitsFive() throws Exception {
        assumeTrue(Files.isRegularFile(FAKE), "the engine's fake protocol backend is not there");
        Path out = dir.resolve("unsafe");
        Cli c = Cli.run("run", "--tier", "robustness", "--backend", "exec:python3 " + FAKE + " guard-breach", "--vectors", ROOT.resolve("vectors").toString(),
                "--out", out.toString());
        assertEquals(5, c.exit(), c.out() + c.err());
        assertTrue(c.out().contains("UNSAFE on precondition probes: "), c.out());
        assertTrue(c.out().contains("B2 on X3: "), c.out());
        assertFalse(new ObjectMapper().readTree(out.resolve("report.json").toFile()).path("robustness").path("safe").asBoolean());
    }
}
