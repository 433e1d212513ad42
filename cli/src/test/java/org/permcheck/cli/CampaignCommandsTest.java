package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.report.Campaign;
import org.permcheck.engine.report.History;
import org.permcheck.engine.report.JsonReport;

/** fuzz --resume and the campaign history, end to end through the command line (issue 13, docs/cli.md). */
class CampaignCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCampaignCutShortIsResumedWithTheRestOfItsCasesAndBothSessionsAreInTheHistory(@TempDir Path tmp) throws Exception {
        Path d = tmp.resolve("fuzz");
        Cli first = Cli.run("fuzz", "--cases", "20", "--seed", "3", "--backend", "cpu", "--no-shrink", "--out", d.toString());
        assertEquals(0, first.exit(), first.err());
        assertEquals(20, JSON.readTree(d.resolve(Campaign.FILE).toFile()).path("next_index").asLong());

        // nothing left: refused, one line
        Cli done = Cli.run("fuzz", "--resume", d.toString());
        assertEquals(2, done.exit());
        assertTrue(done.err().contains("the campaign is complete (20 of 20 cases ran)"), done.err());
        assertFalse(done.err().contains("Exception"));

        // other options or another backend: refused before anything is touched
        Cli seed = Cli.run("fuzz", "--resume", d.toString(), "--seed", "4");
        assertEquals(2, seed.exit());
        assertTrue(seed.oneCleanErrorLine() && seed.err().contains("--seed 4 (campaign: 3)"), seed.err());
        Cli backend = Cli.run("fuzz", "--resume", d.toString(), "--backend", "exec:python3 x.py");
        assertEquals(2, backend.exit());
        assertTrue(backend.err().contains("--backend exec:python3 x.py (campaign: cpu)"), backend.err());
        assertTrue(Files.isRegularFile(d.resolve("report.json")), "the refused resumes left the reports alone");

        // as a kill after the checkpoint at case 12 leaves it: the state says 12 cases ran
        ObjectNode state = (ObjectNode) JSON.readTree(d.resolve(Campaign.FILE).toFile());
        state.put("next_index", 12).put("cases", 12);
        JSON.writeValue(d.resolve(Campaign.FILE).toFile(), state);
        Cli resumed = Cli.run("fuzz", "--resume", d.toString());
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.err().contains("resuming at case 12 (session 2)"), resumed.err());
        assertTrue(resumed.out().contains("campaign: 20 cases in 2 sessions, 0 failures in 0 signatures"), resumed.out());
        RunResult r = JsonReport.read(d.resolve("report.json"));
        List<String> ids = new ArrayList<>();
        for (CaseResult c : r.results()) ids.add(c.caseId());
        List<String> expected = new ArrayList<>();
        // the ids of the seed stream; the default --sizes mix is part of every id since the size classes (docs/cli.md)
        String prefix = org.permcheck.engine.run.Fuzzer.prefix(org.permcheck.engine.fuzz.SizeMix.all());
        for (int i = 12; i < 20; i++) expected.add(prefix + "/seed=3/" + i);
        assertEquals(expected, ids);

        List<History.Entry> h = History.read(d.resolve(History.FILE));
        assertEquals(2, h.size());
        assertEquals(List.of(20L, 8L), List.of(h.get(0).cases(), h.get(1).cases()));
        assertEquals(2L, h.get(1).campaign().get("session"));
        assertEquals(20L, h.get(1).campaign().get("cases"));
        assertEquals("cpu", h.get(1).backend().get("name"));
        assertEquals("CONFORMANT", h.get(1).verdict());

        // report history: a table and a plot point per run
        Path out = tmp.resolve("history");
        Cli rendered = Cli.run("report", "history", d.resolve(History.FILE).toString(), "--out", out.toString());
        assertEquals(0, rendered.exit(), rendered.err());
        String md = Files.readString(out.resolve("history.md"));
        assertEquals(2, md.lines().filter(l -> l.startsWith("| 20")).count(), md);
        String html = Files.readString(out.resolve("history.html"));
        assertEquals(4, html.split("class=\"run\"", -1).length - 1, "two plots, a dot per run in each");
        Cli printed = Cli.run("report", "history", d.resolve(History.FILE).toString());
        assertTrue(printed.out().startsWith("# permcheck history"), printed.out());
    }

    @Test
    void runAppendsToTheHistoryItIsGivenAndNoneWritesNone(@TempDir Path tmp) throws Exception {
        Path hist = tmp.resolve("scores").resolve("cpu.jsonl");
        Cli a = Cli.run("run", "--vectors", "../vectors", "--backend", "cpu", "--case", "vec/dispatch/worked-example", "--history", hist.toString(), "--out", tmp.resolve("a").toString());
        assertEquals(0, a.exit(), a.err());
        List<History.Entry> h = History.read(hist);
        assertEquals(1, h.size());
        assertEquals("quick", h.get(0).tier());
        assertEquals(1, h.get(0).cases());
        assertTrue(h.get(0).campaign().isEmpty());
        Cli b = Cli.run("run", "--vectors", "../vectors", "--backend", "cpu", "--case", "vec/dispatch/worked-example", "--history", "none", "--out", tmp.resolve("b").toString());
        assertEquals(0, b.exit(), b.err());
        assertFalse(Files.exists(tmp.resolve("b").resolve(History.FILE)));
    }

    @Test
    void aBrokenHistoryLineIsOneLineNamingIt(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("h.jsonl");
        Files.writeString(f, "{\"format\":\"permcheck-history\",\"format_version\":1,\"cases\":3}\nnot json\n");
        Cli c = Cli.run("report", "history", f.toString());
        assertEquals(2, c.exit());
        assertTrue(c.oneCleanErrorLine() && c.err().contains("h.jsonl:2: not a JSON line"), c.err());
    }
}
