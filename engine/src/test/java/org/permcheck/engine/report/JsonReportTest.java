package org.permcheck.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.engine.model.RunResult;

class JsonReportTest {
    @TempDir Path dir;

    @Test
    void reportJsonParsesAndReadsBackToTheSameRun() throws IOException {
        RunResult run = SampleRuns.mixed();
        Path f = dir.resolve("report.json");
        JsonReport.write(run, f);
        JsonNode root = new ObjectMapper().readTree(f.toFile()); // plain Jackson: valid JSON
        assertEquals("NOT CONFORMANT", root.get("verdict").asText());
        assertEquals(7, root.get("cases").size());
        // counts by hand from SampleRuns.mixed(): 3 PASS, 2 FAIL, 1 NOT_SUPPORTED, 1 TIMEOUT
        assertEquals(3, root.at("/counts/PASS").asLong());
        assertEquals(2, root.at("/counts/FAIL").asLong());
        assertEquals(1, root.at("/counts/TIMEOUT").asLong());
        // rule D2: PASS in cases 1 and 2, FAIL in case 4, NOT_SUPPORTED in case 6
        assertEquals(2, root.at("/rules/D2/PASS").asLong());
        assertEquals(1, root.at("/rules/D2/FAIL").asLong());
        assertEquals(SampleRuns.HOSTILE_ID, root.at("/cases/4/id").asText());
        assertEquals("output", root.at("/cases/3/violations/0/first/output").asText());
        // a 64-bit seed survives as a string (JavaScript readers would round a number)
        assertEquals("-7046029254386353131", root.at("/run_info/seeds/1").asText());
        assertEquals(run, JsonReport.read(f));
    }

    @Test
    void readRejectsAFileThatIsNotAReport() throws IOException {
        Path f = dir.resolve("x.json");
        Files.writeString(f, "{\"format\":\"something-else\"}");
        IOException e = assertThrows(IOException.class, () -> JsonReport.read(f));
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void theVerdictItsReasonsAndEachCasesJudgementReadBack(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        var clean = SampleRuns.clean();
        java.util.List<org.permcheck.engine.model.CaseResult> results = new java.util.ArrayList<>();
        results.add(new org.permcheck.engine.model.CaseResult("a", "token_combine", java.util.List.of(), java.util.List.of(),
                org.permcheck.engine.model.Status.NOT_SUPPORTED, java.util.List.of(), "skipped by expectations: x", 0, 0, null, null, null,
                org.permcheck.engine.model.NotJudged.SKIPPED, null));
        results.add(new org.permcheck.engine.model.CaseResult("b", "token_dispatch", java.util.List.of("N1"), java.util.List.of(),
                org.permcheck.engine.model.Status.FAIL, java.util.List.of(new org.permcheck.engine.model.Violation("N1", "m", null, 0)),
                null, 0, 0, null, null, null, null, "known (issue 1)"));
        var run = new org.permcheck.engine.model.RunResult(clean.info(), results, java.util.Map.of(),
                org.permcheck.engine.model.RunVerdict.NOTHING_JUDGED, java.util.List.of("token_combine: only 0 of 1"), java.util.List.of(), null);
        Path f = tmp.resolve("report.json");
        JsonReport.write(run, f);
        var back = JsonReport.read(f);
        assertEquals(run, back);
        assertEquals(org.permcheck.engine.model.NotJudged.SKIPPED, back.results().get(0).notJudged());
        assertEquals("known (issue 1)", back.results().get(1).excuse());
        String text = java.nio.file.Files.readString(f);
        org.junit.jupiter.api.Assertions.assertTrue(text.contains("\"verdict\" : \"NOTHING JUDGED\""));
        org.junit.jupiter.api.Assertions.assertTrue(text.contains("\"conformant\" : false"));
    }
}
