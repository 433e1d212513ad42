package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** fuzz --sizes and --max-*: honoured in every case, named in the case ids, counted in the reports. */
class FuzzSizesTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"fuzz --sizes small,huge", "fuzz --sizes ,", "fuzz --max-tokens 0", "fuzz --max-topk -3", "fuzz --max-hidden x"})
    void badSizeOptionsGiveOneLineAndExitTwo(String line) {
        Cli c = Cli.run(line.split(" "));
        assertEquals(2, c.exit(), c.err());
        assertTrue(c.oneCleanErrorLine(), c.err());
    }

    @Test
    void boundsAreHonouredRecordedAndCounted() throws Exception {
        Path out = dir.resolve("fuzz");
        Cli c = Cli.run("fuzz", "--cases", "24", "--seed", "3", "--backend", "cpu", "--sizes", "large,boundary",
                "--max-tokens", "1500", "--max-experts", "130", "--max-hidden", "3", "--max-topk", "5", "--out", out.toString());
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.err().contains("--seed 3 --sizes boundary,large --max-tokens 1500 --max-experts 130 --max-hidden 3 --max-topk 5"), c.err());
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode sizes = report.path("classes").path("sizes");
        assertEquals(0, sizes.path("size-small").path("ran").asLong(), sizes.toString());
        assertEquals(0, sizes.path("size-medium").path("ran").asLong(), sizes.toString());
        assertEquals(24, sizes.path("size-boundary").path("ran").asLong() + sizes.path("size-large").path("ran").asLong(), sizes.toString());
        assertTrue(sizes.path("size-large").path("ran").asLong() > 0 && sizes.path("size-boundary").path("ran").asLong() > 0, sizes.toString());
        for (JsonNode r : report.path("cases")) {
            String id = r.path("id").asText();
            assertTrue(id.startsWith("fuzz:boundary+large,max-tokens=1500,max-experts=130,max-hidden=3,max-topk=5/seed=3/"), id);
        }
        assertTrue(Files.readString(out.resolve("summary.md")).contains("## Size classes and routing dtypes"));
        // the id alone replays the case (the bounds are in it)
        String first = report.path("cases").get(0).path("id").asText();
        Cli replay = Cli.run("replay", first, "--backend", "cpu");
        assertEquals(0, replay.exit(), replay.err() + replay.out());
    }
}
