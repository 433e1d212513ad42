package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** permcheck ep: the exit codes and the report; bad input is one line and exit 2. */
class EpCommandTest {
    private static final Path RANK = Path.of("").toAbsolutePath().getParent().resolve("adapters/python/ep/numpy_rank.py");

    @TempDir Path tmp;

    @Test
    void theNumpyRanksAreConformantForTwoRanksAndTheReportSaysSo() throws Exception {
        assumeTrue(Files.isRegularFile(RANK), RANK.toString());
        Cli c = Cli.run("ep", "--ranks", "2", "--backend-cmd", "python3 " + RANK, "--out", tmp.toString());
        assertEquals(ExitCodes.CONFORMANT, c.exit(), c.out() + c.err());
        assertTrue(c.out().contains("ep: CONFORMANT"), c.out());
        assertTrue(Files.readString(tmp.resolve("summary.md")).startsWith("# permcheck ep tier: CONFORMANT"));
        assertTrue(Files.readString(tmp.resolve("report.json")).contains("\"status\" : \"PASS\""));
    }

    @Test
    void aCommandThatDiesIsCrashAndNotConformant() {
        Cli c = Cli.run("ep", "--ranks", "2", "--backend-cmd", "exit 3", "--timeout", "10");
        assertEquals(ExitCodes.NOT_CONFORMANT, c.exit(), c.out() + c.err());
        assertTrue(c.out().contains("CRASH"), c.out());
        assertTrue(!c.out().contains("PASS"), c.out());
    }

    @Test
    void badArgumentsAreOneLineAndExitTwo() {
        for (String[] args : new String[][] {{"ep", "--ranks", "0", "--backend-cmd", "x"}, {"ep", "--backend-cmd", " "},
                {"ep", "--ranks", "2", "--backend-cmd", "x", "--timeout", "0"}, {"ep", "--ranks", "two", "--backend-cmd", "x"}}) {
            Cli c = Cli.run(args);
            assertEquals(ExitCodes.USAGE_OR_HARNESS, c.exit(), String.join(" ", args) + ": " + c.err());
            assertTrue(c.oneCleanErrorLine(), c.err());
        }
    }
}
