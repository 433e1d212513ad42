package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.report.SignatureTable;
import org.permcheck.engine.report.JsonReport;

/** --bundles-per-signature bounds the bundles of a failing fuzz run; every case still counts. */
class BundleOptionTest {
    @TempDir Path dir;

    @Test
    void aBackendFailingOftenGetsOneBundlePerSignatureAndEveryCaseCounted() throws Exception {
        Path out = dir.resolve("out");
        Cli c = Cli.run("fuzz", "--cases", "300", "--seed", "2", "--no-shrink", "--bundles-per-signature", "1",
                "--backend", InterruptedRunsTest.BUGGY, "--out", out.toString());
        assertEquals(1, c.exit(), c.out() + c.err());
        RunResult r = JsonReport.read(out.resolve("report.json"));
        assertEquals(300, r.totalCases());
        var groups = SignatureTable.of(r);
        long failing = r.results().stream().filter(x -> x.status().breaksConformance()).count();
        assertEquals(failing, groups.stream().mapToLong(SignatureTable.Group::cases).sum(), "every failure is in a signature");
        assertTrue(failing > groups.size(), "the planted bug fails many cases of few signatures: " + failing + " / " + groups.size());
        long bundles;
        try (Stream<Path> s = Files.list(out.resolve("repro"))) {
            bundles = s.count();
        }
        assertEquals(groups.size(), bundles, "one bundle per signature");
        assertTrue(c.out().contains("cases with signature token_dispatch FAIL [D3] output, 1 bundled"), c.out());
        assertTrue(Files.readString(out.resolve("summary.md")).contains("## Failure signatures"));
    }

    @Test
    void aNegativeLimitIsAUsageError() {
        Cli c = Cli.run("fuzz", "--cases", "5", "--backend", "cpu", "--bundles-per-signature", "-1", "--out", dir.resolve("x").toString());
        assertEquals(2, c.exit());
        assertTrue(c.oneCleanErrorLine(), c.err());
        assertTrue(c.err().contains("--bundles-per-signature must be between 0 and 1000000"), c.err());
        assertTrue(!Files.exists(dir.resolve("x")), "nothing was created");
    }
}
