package org.permcheck.zoo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Regenerates reports/kill-matrix.md and the Coverage section of docs/spec.md (about a minute and a
 * half on 2 cores). Off in ordinary builds; run it with
 * {@code mvn -B -o verify -pl zoo -am -Dtest=KillMatrixWriter -Dsurefire.failIfNoSpecifiedTests=false -Dpermcheck.killMatrix=write}.
 */
class KillMatrixWriter {

    @Test
    @EnabledIfSystemProperty(named = "permcheck.killMatrix", matches = "write")
    void writeKillMatrixAndCoverage() throws Exception {
        KillMatrix.main(new String[0]);
        assertTrue(Files.isRegularFile(Catalogue.repoRoot().resolve("reports/kill-matrix.md")));
    }
}
