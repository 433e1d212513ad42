package org.permcheck.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.UnlistedPasses;

/** Passes a long campaign tallied instead of listing count in every report exactly like listed ones. */
class UnlistedPassesReportTest {
    @TempDir Path dir;

    /** SampleRuns.mixed() plus 1000 tallied passes: 600 exercised D2, 1000 exercised C1. */
    private static RunResult withTally() {
        RunResult m = SampleRuns.mixed();
        UnlistedPasses u = new UnlistedPasses(1000, Map.of("D2", 600L, "C1", 1000L), Map.of("probs", 10L));
        return new RunResult(m.info(), m.results(), m.coverage(), m.conformant(), m.expectationProblems(), u);
    }

    @Test
    void countsAndRulesIncludeTheTally() {
        StatusTable t = new StatusTable(withTally());
        // by hand: mixed() has 3 PASS, D2 PASS 2, C1 PASS 1 (see SampleRuns); plus the tally
        assertEquals(1003, t.count(Status.PASS));
        assertEquals(602, t.count("D2", Status.PASS));
        assertEquals(1001, t.count("C1", Status.PASS));
        assertEquals(2, t.count(Status.FAIL)); // failures untouched
        assertEquals(1007, withTally().totalCases());
    }

    @Test
    void jsonCarriesTheTallyAndReadsBack() throws IOException {
        RunResult run = withTally();
        Path f = dir.resolve("report.json");
        JsonReport.write(run, f);
        JsonNode root = new ObjectMapper().readTree(f.toFile());
        assertEquals(1003, root.at("/counts/PASS").asLong());
        assertEquals(1000, root.at("/unlisted_passes/cases").asLong());
        assertEquals(600, root.at("/unlisted_passes/per_rule/D2").asLong());
        assertEquals(7, root.get("cases").size()); // only the listed cases are written one by one
        assertEquals(run, JsonReport.read(f));
    }

    @Test
    void markdownHtmlAndJunitSayHowManyWereNotListed() throws Exception {
        RunResult run = withTally();
        String md = MarkdownSummary.render(run);
        assertTrue(md.contains("1007 cases"), md);
        assertTrue(md.contains("1000 passing cases of this long run are counted below but not listed"), md);
        assertTrue(HtmlReport.render(run, dir).contains("1000 further passing cases counted, not listed"));
        Path x = dir.resolve("junit.xml");
        Files.writeString(x, JUnitXmlReport.render(run));
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(x.toFile());
        // 7 listed cases + 1 testcase standing for the tally + 1 expectation problem
        assertEquals("9", d.getDocumentElement().getAttribute("tests"));
    }
}
