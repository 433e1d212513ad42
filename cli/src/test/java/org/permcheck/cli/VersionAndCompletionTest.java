package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Papercuts of issue 13: every subcommand answers --version; picocli's shell completion is offered. */
class VersionAndCompletionTest {

    @ParameterizedTest(name = "permcheck {0} --version prints the version")
    @ValueSource(strings = {"run", "fuzz", "replay", "expect", "bench", "vectors", "smoke", "ep"})
    void everySubcommandPrintsTheVersion(String sub) {
        Cli c = Cli.run(sub, "--version");
        assertEquals(0, c.exit(), c.err());
        // the first line names the tool and its version, as the top command's --version does
        String top = Cli.run("--version").out().lines().findFirst().orElse("");
        assertTrue(top.startsWith("permcheck "), top);
        assertEquals(top, c.out().lines().findFirst().orElse(""), "permcheck " + sub + " --version");
    }

    @Test
    void generateCompletionWritesABashScriptThatKnowsTheSubcommands() {
        Cli c = Cli.run("generate-completion");
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().startsWith("#!/usr/bin/env bash"), c.out().lines().findFirst().orElse(""));
        for (String sub : new String[] {"run", "fuzz", "replay", "vectors", "--tier", "--backend"}) {
            assertTrue(c.out().contains(sub), "completion script mentions " + sub);
        }
    }
}
