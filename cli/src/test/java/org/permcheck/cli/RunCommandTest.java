package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.report.JsonReport;

/**
 * permcheck run end to end on one shard of the quick tier (vectors + properties), against the
 * protocol's numpy example port: the clean port is conformant, a planted bug is not, and every
 * report is written and readable.
 */
class RunCommandTest {
    @TempDir Path dir;
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String PORT = "python3 " + ROOT.resolve("adapters/python/examples/numpy_port.py");

    /** The README's main command, on the embedded CPU backend: the whole quick tier (a few seconds). */
    @Test
    void quickTierAgainstTheCpuBackendIsConformant() throws Exception {
        Path out = dir.resolve("cpu");
        Cli c = Cli.run("run", "--tier", "quick", "--backend", "cpu", "--vectors", ROOT.resolve("vectors").toString(), "--out", out.toString());
        assertEquals(0, c.exit(), c.out() + c.err());
        assertTrue(c.err().contains("permcheck: backend cpu"), c.err());
        assertTrue(c.out().contains("seed: 20261126"), c.out());
        RunResult back = JsonReport.read(out.resolve("report.json"));
        assertTrue(back.conformant());
        assertTrue(back.results().size() > 600, "vectors + quick tier: " + back.results().size());
        assertEquals("cpu", back.info().backend().get("selector"));
        assertTrue(Files.readString(out.resolve("report.html")).contains("<svg"));
        // the judged vector set is pinned in the reports: the committed PIN file says which one it must be
        String pin = Files.readString(ROOT.resolve("vectors/PIN")).strip();
        assertEquals(pin, back.info().vectorSet().line());
        assertTrue(Files.readString(out.resolve("summary.md")).contains(pin.split(" ")[1]));
    }

    @Test
    void cleanPortIsConformantAndAllFourReportsAreWritten() throws Exception {
        Path out = dir.resolve("clean");
        Cli c = Cli.run("run", "--backend", "exec:" + PORT, "--shard", "0/25", "--vectors", ROOT.resolve("vectors").toString(),
                "--out", out.toString());
        assertEquals(0, c.exit(), c.out() + c.err());
        assertTrue(c.err().contains("permcheck run: tier quick, seed 20261126, shard 0/25"), c.err());
        assertTrue(c.out().startsWith("CONFORMANT: "), c.out());
        for (String f : new String[] {"report.json", "summary.md", "report.html", "junit.xml"}) {
            assertTrue(c.out().contains("report: " + out.resolve(f)), c.out());
        }
        RunResult back = JsonReport.read(out.resolve("report.json"));
        assertTrue(back.conformant());
        assertTrue(back.results().stream().anyMatch(r -> r.caseId().startsWith("vec/")), "vectors ran");
        assertTrue(back.results().stream().anyMatch(r -> r.caseId().startsWith("quick/")), "properties ran");
        assertEquals("exec:" + PORT, back.info().backend().get("selector"));
        assertTrue(back.info().seeds().contains(20261126L));
        assertTrue(Files.readString(out.resolve("summary.md")).startsWith("# permcheck: CONFORMANT"));
        DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(Files.readAllBytes(out.resolve("junit.xml"))));
        assertFalse(Files.exists(out.resolve("repro")));
    }

    @Test
    void plantedBugIsNotConformantWithReproBundles() throws Exception {
        Path out = dir.resolve("buggy");
        Cli c = Cli.run("run", "--backend", "exec:env PERMCHECK_PLANT_BUG=token-order " + PORT, "--shard", "0/25",
                "--vectors", ROOT.resolve("vectors").toString(), "--out", out.toString());
        assertEquals(1, c.exit(), c.out() + c.err());
        assertTrue(c.out().startsWith("NOT CONFORMANT: "), c.out());
        RunResult back = JsonReport.read(out.resolve("report.json"));
        var fail = back.results().stream().filter(r -> r.status() == Status.FAIL).findFirst().orElseThrow();
        // the planted bug orders an expert's rows by descending token: a D (layout) or M (row_id_map) rule breaks
        assertTrue(fail.violations().stream().anyMatch(v -> v.rule().startsWith("D") || v.rule().startsWith("M")), fail.violations().toString());
        assertTrue(Files.isRegularFile(Path.of(fail.reproDir()).resolve("replay.sh")));
        assertTrue(c.out().contains("replay: ./permcheck replay "), c.out());
    }

    @Test
    void aMissingVectorsDirectoryGivenExplicitlyIsAUsageError() {
        Cli c = Cli.run("run", "--vectors", dir.resolve("none").toString(), "--out", dir.toString());
        assertEquals(2, c.exit());
        assertTrue(c.oneCleanErrorLine(), c.err());
    }
}
