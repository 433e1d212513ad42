package org.permcheck.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;

/**
 * The journal holds every non-passing case the moment it is recorded (read back while the journal
 * is still open, as after a kill -9), and tallies the passes.
 */
class RunJournalTest {
    @TempDir Path dir;

    @Test
    void everyNonPassingCaseIsOnDiskAsSoonAsItIsRecorded() throws Exception {
        RunResult mixed = SampleRuns.mixed();
        Path file = dir.resolve(RunJournal.FILE);
        try (RunJournal j = RunJournal.open(file, mixed.info())) {
            for (CaseResult r : mixed.results()) j.record(r);
            List<JsonNode> lines = read(file);
            assertEquals("start", lines.get(0).path("type").asText());
            assertEquals(RunJournal.FORMAT, lines.get(0).path("format").asText());
            // mixed(): 3 PASS, then FAIL, FAIL, NOT_SUPPORTED, TIMEOUT (by hand)
            List<String> cases = lines.stream().filter(n -> n.path("type").asText().equals("case")).map(n -> n.path("status").asText()).toList();
            assertEquals(List.of("FAIL", "FAIL", "NOT_SUPPORTED", "TIMEOUT"), cases);
            assertEquals("token_dispatch FAIL [D2] output", lines.get(1).path("signature").asText());
            j.end(mixed);
        }
        List<JsonNode> lines = read(file);
        JsonNode end = lines.get(lines.size() - 1);
        assertEquals("end", end.path("type").asText());
        assertEquals(7, end.path("cases").asLong());
        assertEquals(3, end.path("counts").path("PASS").asLong());
        assertEquals("NOT CONFORMANT", end.path("verdict").asText());
    }

    private static List<JsonNode> read(Path file) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(file)) out.add(JsonReport.MAPPER.readTree(line));
        return out;
    }
}
