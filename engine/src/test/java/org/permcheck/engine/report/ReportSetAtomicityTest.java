package org.permcheck.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.RunVerdict;

/**
 * A report set is replaced whole or not at all (docs/checks.md, "Guarantees: what is never lost"):
 * a write that fails half-way (here: the third report's partial file cannot be created, as on a
 * full disk) leaves the previous four reports byte for byte, and no partial file.
 */
class ReportSetAtomicityTest {
    @TempDir Path dir;

    @Test
    void aFailedWriteLeavesThePreviousSetWholeAndNothingTruncated() throws Exception {
        ReportSet.write(SampleRuns.clean(), dir);
        Map<String, byte[]> before = contents();
        // a non-empty directory where the HTML report's partial file must go: that write fails
        Path blocker = ReportSet.partial(dir, ReportSet.HTML);
        Files.createDirectories(blocker.resolve("x"));
        RunResult failing = SampleRuns.mixed();
        assertEquals(RunVerdict.NOT_CONFORMANT, failing.verdict());
        assertThrows(IOException.class, () -> ReportSet.write(failing, dir));
        Map<String, byte[]> after = contents();
        for (String name : ReportSet.NAMES) assertTrue(java.util.Arrays.equals(before.get(name), after.get(name)), name + " changed");
        assertFalse(Files.exists(ReportSet.partial(dir, ReportSet.JSON)), "partial report.json left behind");
        assertFalse(Files.exists(ReportSet.partial(dir, ReportSet.MARKDOWN)), "partial summary.md left behind");
        assertTrue(JsonReport.read(dir.resolve(ReportSet.JSON)).conformant(), "the previous report.json still parses");

        // with the blocker gone, the new set replaces the old one whole
        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
        List<Path> written = ReportSet.write(failing, dir);
        assertEquals(4, written.size());
        assertEquals(RunVerdict.NOT_CONFORMANT, JsonReport.read(dir.resolve(ReportSet.JSON)).verdict());
        assertTrue(Files.readString(dir.resolve(ReportSet.MARKDOWN)).startsWith("# permcheck: NOT CONFORMANT"));
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }

    private Map<String, byte[]> contents() throws IOException {
        Map<String, byte[]> m = new HashMap<>();
        for (String name : ReportSet.NAMES) m.put(name, Files.readAllBytes(dir.resolve(name)));
        return m;
    }
}
