package org.permcheck.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report directory is claimed by one run at a time and starts clean of the previous run's
 * results, but only when it is recognisably ours (docs/checks.md, "Guarantees").
 */
class ReportDirTest {
    @TempDir Path dir;

    @Test
    void claimingOursRemovesThePreviousRunsReportsJournalAndBundles() throws Exception {
        Path out = dir.resolve("out");
        ReportSet.write(SampleRuns.clean(), out);
        Files.writeString(out.resolve(RunJournal.FILE), "{\"type\":\"start\"}\n");
        Path bundle = Files.createDirectories(out.resolve("repro/old-case"));
        Files.writeString(bundle.resolve("case.json"), "{}");
        // a link inside repro/ to a file outside: the link goes, the file it points at stays
        Path precious = Files.writeString(dir.resolve("precious.txt"), "keep me");
        Files.createSymbolicLink(bundle.resolve("link"), precious);
        Path mine = Files.writeString(out.resolve("notes.txt"), "the user's own file");
        try (ReportDir d = ReportDir.claim(out, false)) {
            for (String name : ReportSet.NAMES) assertFalse(Files.exists(out.resolve(name)), name + " of the previous run is still there");
            assertFalse(Files.exists(out.resolve(RunJournal.FILE)));
            assertFalse(Files.exists(out.resolve("repro")));
            assertEquals("keep me", Files.readString(precious));
            assertTrue(Files.exists(mine), "only our files are removed");
        }
    }

    @Test
    void aForeignDirectoryIsNotCleared() throws Exception {
        Path out = Files.createDirectories(dir.resolve("foreign/repro/theirs"));
        try (ReportDir d = ReportDir.claim(dir.resolve("foreign"), false)) {
            assertTrue(Files.isDirectory(out), "a directory without our marks keeps its repro/");
        }
    }

    @Test
    void aSecondClaimFailsAtOnceAndTouchesNothingUntilTheFirstIsReleased() throws Exception {
        Path out = dir.resolve("busy");
        try (ReportDir first = ReportDir.claim(out, false)) {
            ReportSet.write(SampleRuns.mixed(), out);
            byte[] json = Files.readAllBytes(out.resolve(ReportSet.JSON));
            IOException e = assertThrows(IOException.class, () -> ReportDir.claim(out, false));
            assertTrue(e.getMessage().contains("is in use by another permcheck run (pid " + ProcessHandle.current().pid()), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
            assertTrue(java.util.Arrays.equals(json, Files.readAllBytes(out.resolve(ReportSet.JSON))), "the first run's report was touched");
        }
        try (ReportDir again = ReportDir.claim(out, false)) {
            assertFalse(Files.exists(out.resolve(ReportSet.JSON)), "released: the next run claims and clears it");
        }
    }

    @Test
    void aFileIsNotADirectory() throws Exception {
        Path f = Files.writeString(dir.resolve("file"), "x");
        IOException e = assertThrows(IOException.class, () -> ReportDir.claim(f, false));
        assertTrue(e.getMessage().endsWith("is a file, not a directory"), e.getMessage());
    }
}
