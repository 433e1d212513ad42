package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Exit codes and messages of bad command lines: one line on stderr, exit 2, never a stack trace. */
class UsageErrorsTest {

    @Test
    void helpListsTheSubcommandsAndExitsZero() {
        Cli c = Cli.run("--help");
        assertEquals(0, c.exit());
        for (String sub : new String[] {"run", "fuzz", "replay", "expect", "bench", "vectors", "smoke", "ep"}) {
            assertTrue(c.out().contains("  " + sub + " "), sub);
        }
        assertTrue(c.out().contains("Exit codes: 0 conformant, 1 not conformant, 2 usage or harness error"), c.out());
        assertTrue(c.out().replaceAll("\\s+", " ").contains("3 nothing judged, 4 incomplete"), c.out());
    }

    @Test
    void subcommandHelpExitsZero() {
        Cli c = Cli.run("run", "--help");
        assertEquals(0, c.exit());
        assertTrue(c.out().contains("--tier"));
        assertTrue(c.out().contains("--expectations"));
    }

    @Test
    void noSubcommandIsAUsageError() {
        Cli c = Cli.run();
        assertEquals(2, c.exit());
        assertTrue(c.err().contains("Usage: permcheck"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "run --bogus",
            "run --tier slow",
            "run --timeout abc",
            "run --seed 12x",
            "fuzz --cases 3 --time 1m",
            "bench --tokens many",
            "nosuchcommand",
    })
    void badArgumentsGiveOneLineAndExitTwo(String line) {
        Cli c = Cli.run(line.split(" "));
        assertEquals(2, c.exit(), c.err());
        assertTrue(c.oneCleanErrorLine(), c.err());
        assertTrue(c.err().startsWith("permcheck"), c.err());
    }

    @Test
    void unknownBackendIsOneLineNamingTheKnownOnes() {
        Cli c = Cli.run("run", "--backend", "nope");
        assertEquals(2, c.exit());
        assertTrue(c.oneCleanErrorLine(), c.err());
        assertTrue(c.err().contains("unknown backend 'nope'"), c.err());
        assertTrue(c.err().contains("exec:<command>"), c.err());
    }

    @Test
    void badShardAndMissingExpectationsFileAreUsageErrors() {
        Cli shard = Cli.run("run", "--shard", "5/2");
        assertEquals(2, shard.exit());
        assertTrue(shard.err().contains("bad shard 5/2"), shard.err());
        Cli exp = Cli.run("run", "--expectations", "/nonexistent/expectations.json");
        assertEquals(2, exp.exit());
        assertTrue(exp.oneCleanErrorLine(), exp.err());
        assertTrue(exp.err().contains("no such file"), exp.err());
    }

    @Test
    void badFuzzDurationIsOneLine() {
        Cli c = Cli.run("fuzz", "--time", "10 minutes");
        assertEquals(2, c.exit());
        assertTrue(c.oneCleanErrorLine(), c.err());
        assertTrue(c.err().contains("bad duration"), c.err());
    }

    @Test
    void replayOfADirectoryWithoutABundleIsOneLine() {
        Cli c = Cli.run("replay", System.getProperty("java.io.tmpdir"));
        assertEquals(2, c.exit());
        assertTrue(c.oneCleanErrorLine(), c.err());
        assertTrue(c.err().contains("no case.json"), c.err());
    }

    @Test
    void debugShowsTheTrace() {
        Cli c = Cli.run("--debug", "run", "--backend", "nope");
        assertEquals(2, c.exit());
        assertTrue(c.err().contains("\tat "), c.err());
    }
}
