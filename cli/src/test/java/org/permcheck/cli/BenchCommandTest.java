package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CI-sized bench: the table is written and each row carries its same-run baseline (no timing asserted). */
class BenchCommandTest {
    @TempDir Path dir;

    @Test
    void tinyOracleBenchWritesMarkdownAndJson() throws Exception {
        Cli c = Cli.run("bench", "oracle", "--tokens", "64", "--experts", "8", "--topk", "2", "--hidden", "32",
                "--align", "16", "--warmups", "0", "--repeats", "1", "--out", dir.toString());
        assertEquals(0, c.exit(), c.err());
        JsonNode json = new ObjectMapper().readTree(dir.resolve("bench.json").toFile());
        JsonNode row = json.at("/rows/0");
        assertEquals("oracle token_dispatch", row.get("subject").asText());
        assertEquals("T=64 E=8 top-2 H=32 bf16 probs align=16", row.get("shape").asText());
        // output bytes by hand: buffer rows ((64*2 + 8*15) // 16) * 16 = 240 rows of 32 bf16 = 15360 B,
        // permuted_probs 240*4 (f32), row_id_map 64*(2*8+1)*4, pad_offsets 8*4, tokens_per_expert 8*4
        assertEquals(15360 + 240 * 4 + 64 * 17 * 4 + 8 * 4 + 8 * 4, row.get("bytes").asLong());
        assertTrue(row.get("baseline_nanos").asLong() > 0);
        assertTrue(row.has("target_met"));
        assertTrue(Files.readString(dir.resolve("bench.md")).contains("| oracle token_dispatch |"));
        // bench.html: the oracle row's bar and the dashed mark of its target "ratio <= 5"
        String html = Files.readString(dir.resolve("bench.html"));
        assertEquals(1, html.split("class=\"ratio\"", -1).length - 1);
        assertEquals(1, html.split("class=\"target\"", -1).length - 1);
        assertTrue(html.contains("(target &lt;= 5)"), html);
    }

    @Test
    void tinyEndToEndAndFuzzRowsCarryTheirBaselinesAndTheFuzzTarget() throws Exception {
        Cli c = Cli.run("bench", "e2e", "fuzz", "--tokens", "32", "--experts", "4", "--topk", "2", "--hidden", "8",
                "--align", "0", "--warmups", "0", "--repeats", "1", "--fuzz-cases", "20", "--out", dir.toString());
        assertEquals(0, c.exit(), c.err());
        JsonNode rows = new ObjectMapper().readTree(dir.resolve("bench.json").toFile()).get("rows");
        assertEquals(2, rows.size());
        assertTrue(rows.get(0).get("subject").asText().startsWith("e2e"));
        assertEquals("PASS", rows.get(0).at("/notes/status").asText());
        assertEquals("20", rows.get(1).at("/notes/cases").asText());
        assertEquals(">= 2000 cases/s", rows.get(1).get("target").asText());
    }

    @Test
    void badShapeIsAUsageError() {
        Cli c = Cli.run("bench", "oracle", "--topk", "9", "--experts", "8", "--out", dir.toString());
        assertEquals(2, c.exit());
        assertTrue(c.oneCleanErrorLine(), c.err());
    }

    @Test
    void backendSubjectNeedsABackend() {
        Cli c = Cli.run("bench", "backend", "--out", dir.toString());
        assertEquals(2, c.exit());
        assertTrue(c.err().contains("needs --backend"), c.err());
    }
}
