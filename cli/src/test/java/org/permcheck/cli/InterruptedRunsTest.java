package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.RunVerdict;
import org.permcheck.engine.report.JsonReport;
import org.permcheck.engine.report.RunJournal;

/**
 * A real permcheck process, interrupted (docs/checks.md, "Guarantees: what is never lost"): SIGTERM
 * mid-fuzz gives reports marked INCOMPLETE with every failure found so far and the verdict's exit
 * code; kill -9 leaves no older run's CONFORMANT, and the journal holds the failures; a second run
 * into the same --out is refused while the first holds it.
 */
class InterruptedRunsTest {
    @TempDir Path dir;
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** The numpy port with a planted D3 bug: slow enough (a Python process) and failing often. */
    static final String BUGGY = "exec:env PERMCHECK_PLANT_BUG=zero-prob python3 " + ROOT.resolve("adapters/python/examples/numpy_port.py");
    static final ObjectMapper JSON = new ObjectMapper();

    private Process fuzz(Path out, String backend) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), "org.permcheck.cli.Main",
                "fuzz", "--time", "120s", "--seed", "2", "--backend", backend, "--out", out.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("process.log").toFile()).start();
    }

    private static List<JsonNode> journal(Path out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        Path f = out.resolve(RunJournal.FILE);
        if (!Files.exists(f)) return lines;
        for (String line : Files.readAllLines(f)) {
            if (!line.endsWith("}")) continue; // a line being written right now
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static long count(List<JsonNode> lines, String type, String status) {
        return lines.stream().filter(n -> n.path("type").asText().equals(type) && (status == null || n.path("status").asText().equals(status))).count();
    }

    private void awaitJournal(Process p, Path out, Predicate<List<JsonNode>> ready) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!ready.test(journal(out))) {
            assertTrue(p.isAlive(), "permcheck ended early: " + Files.readString(dir.resolve("process.log")));
            assertTrue(System.nanoTime() < deadline, "the journal never got there: " + Files.readString(dir.resolve("process.log")));
            Thread.sleep(100);
        }
    }

    @Test
    void sigtermWritesIncompleteReportsWithEveryFailureSoFarAndASecondRunIsRefused() throws Exception {
        Path out = dir.resolve("out");
        Process p = fuzz(out, BUGGY);
        awaitJournal(p, out, lines -> count(lines, "case", "FAIL") >= 3);

        // a second run into the same --out fails at once, one line, and leaves the first one's files alone
        String startLine = Files.readAllLines(out.resolve(RunJournal.FILE)).get(0);
        Cli second = Cli.run("fuzz", "--cases", "5", "--backend", "cpu", "--out", out.toString());
        assertEquals(2, second.exit(), second.err());
        String last = second.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.contains("is in use by another permcheck run (pid " + p.pid()), second.err());
        assertFalse(second.err().contains("\tat ") || second.err().contains("Exception"), second.err());
        assertEquals(startLine, Files.readAllLines(out.resolve(RunJournal.FILE)).get(0));

        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "no exit after SIGTERM");
        String log = Files.readString(dir.resolve("process.log"));
        assertEquals(RunVerdict.NOT_CONFORMANT.exitCode(), p.exitValue(), log);
        assertTrue(log.contains("SIGTERM: stopping after the case in flight"), log);
        RunResult r = JsonReport.read(out.resolve("report.json"));
        assertEquals(RunVerdict.NOT_CONFORMANT, r.verdict());
        assertTrue(r.verdictReasons().stream().anyMatch(s -> s.startsWith("incomplete: interrupted by SIGTERM after ")), r.verdictReasons().toString());
        // every failure the journal holds is in the report, and the other way round
        List<JsonNode> lines = journal(out);
        Set<String> journaled = new TreeSet<>();
        for (JsonNode n : lines) if (n.path("type").asText().equals("case") && !n.path("status").asText().equals("NOT_SUPPORTED")) journaled.add(n.path("id").asText());
        Set<String> reported = new TreeSet<>();
        for (CaseResult c : r.results()) if (c.status().breaksConformance()) reported.add(c.caseId());
        assertTrue(journaled.size() >= 3);
        assertEquals(journaled, reported);
        assertEquals("end", lines.get(lines.size() - 1).path("type").asText());
        assertTrue(Files.readString(out.resolve("summary.md")).contains("incomplete: interrupted by SIGTERM"));
    }

    @Test
    void sigtermWithNothingWrongSoFarIsIncompleteExit4() throws Exception {
        Path out = dir.resolve("clean");
        Process p = fuzz(out, "cpu");
        awaitJournal(p, out, lines -> count(lines, "tally", null) >= 1);
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "no exit after SIGTERM");
        assertEquals(RunVerdict.INCOMPLETE.exitCode(), p.exitValue(), Files.readString(dir.resolve("process.log")));
        RunResult r = JsonReport.read(out.resolve("report.json"));
        assertEquals(RunVerdict.INCOMPLETE, r.verdict());
        assertTrue(r.totalCases() >= 1000, "the tally came at 1000 cases: " + r.totalCases());
        assertTrue(Files.readString(out.resolve("summary.md")).startsWith("# permcheck: INCOMPLETE"));
    }

    @Test
    void killMinus9LeavesNoStaleConformantAndTheJournalHoldsTheFailures() throws Exception {
        Path out = dir.resolve("killed");
        Cli earlier = Cli.run("fuzz", "--cases", "20", "--seed", "1", "--backend", "cpu", "--out", out.toString());
        assertEquals(0, earlier.exit(), earlier.err());
        assertTrue(JsonReport.read(out.resolve("report.json")).conformant(), "the earlier campaign was CONFORMANT");

        Process p = fuzz(out, BUGGY);
        awaitJournal(p, out, lines -> count(lines, "case", "FAIL") >= 2);
        p.destroyForcibly(); // SIGKILL: no handler runs
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue());

        RunResult r = JsonReport.read(out.resolve("report.json"));
        assertNotEquals(RunVerdict.CONFORMANT, r.verdict());
        assertTrue(r.verdictReasons().contains("incomplete: run in progress or killed"), r.verdictReasons().toString());
        assertEquals(List.of(2L), r.info().seeds(), "the report is this run's (seed 2), not the earlier one's (seed 1)");
        assertFalse(Files.readString(out.resolve("summary.md")).startsWith("# permcheck: CONFORMANT"));
        assertFalse(Files.readString(out.resolve("report.html")).contains("id=\"verdict\">CONFORMANT<"));
        List<JsonNode> lines = journal(out);
        assertTrue(count(lines, "case", "FAIL") >= 2, "journal: " + lines.size() + " lines");
        assertTrue(lines.stream().anyMatch(n -> n.path("type").asText().equals("case") && n.path("signature").asText().contains("[D3]")),
                "the planted zero-prob bug breaks D3");
    }
}
