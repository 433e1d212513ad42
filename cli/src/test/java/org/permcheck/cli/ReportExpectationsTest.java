package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.permcheck.engine.report.JsonReport;
import org.permcheck.engine.run.Expectations;

/**
 * {@code report expectations} (issue 13, "expectations from a run"): a failing run's report becomes an
 * expectations file that excuses exactly its failures, so the same run gated on it is CONFORMANT; run
 * again with {@code --update}, nothing is added and the reasons written by hand stay.
 */
class ReportExpectationsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String BUGGY = "exec:env PERMCHECK_PLANT_BUG=token-order python3 " + ROOT.resolve("adapters/python/examples/numpy_port.py");

    @TempDir Path dir;

    Cli run(Path out, String... extra) {
        String[] base = {"run", "--backend", BUGGY, "--shard", "0/25", "--vectors", ROOT.resolve("vectors").toString(), "--out", out.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    @Test
    void aRunsFailuresBecomeAnExpectationsFileThatMakesTheSameRunConformant() throws Exception {
        Path first = dir.resolve("first");
        assertEquals(1, run(first).exit());
        long failing = JsonReport.read(first.resolve("report.json")).results().stream().filter(r -> r.status().breaksConformance()).count();
        assertTrue(failing > 0);

        Path file = dir.resolve("expectations.json");
        Cli made = Cli.run("report", "expectations", first.toString(), "--update", file.toString());
        assertEquals(0, made.exit(), made.err());
        assertTrue(made.err().contains(failing + " failures added"), made.err());
        Expectations exp = Expectations.load(file);
        assertEquals(failing, exp.expectedFailures().size());
        assertTrue(exp.expectedFailures().stream().allMatch(e -> e.reason().startsWith("TODO: ")));

        // a reason filled in by hand survives an update
        Files.writeString(file, Files.readString(file).replaceFirst("TODO: why this failure is known \\([^)]*\\)", "planted token-order bug (test)"));
        Path second = dir.resolve("second");
        Cli gated = run(second, "--expectations", file.toString());
        assertEquals(0, gated.exit(), gated.out() + gated.err());
        assertTrue(gated.out().startsWith("CONFORMANT: "), gated.out());

        Cli again = Cli.run("report", "expectations", second.toString(), "--update", file.toString());
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.err().contains("0 failures added"), again.err());
        assertTrue(Files.readString(file).contains("planted token-order bug (test)"));
    }

    @Test
    void aDirectoryWithoutAReportIsOneLine() {
        Cli c = Cli.run("report", "expectations", dir.toString());
        assertEquals(2, c.exit());
        assertTrue(c.oneCleanErrorLine(), c.err());
    }
}
