package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.ExpectationMatch;
import org.permcheck.engine.model.NotJudged;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.RunVerdict;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.report.JsonReport;
import org.permcheck.engine.report.ReportSet;
import org.permcheck.engine.run.Shard;
import org.permcheck.engine.run.Tier;

/**
 * Issue 13: the quick tier in 3 shards against the CPU backend, with an expectations file whose
 * only entry (a skip) matches one case, a case of shard 1/3. Before, shards 0 and 2 called it stale
 * and failed; now each shard records what it matched and {@code report merge} judges the whole
 * (docs/checks.md section 5). The expected verdicts and counts come from the unsharded run of the
 * same tier with the same file, the rule the merge must reproduce.
 */
class ReportMergeCommandTest {
    @TempDir static Path dir;
    static final Path VECTORS = RunCommandTest.ROOT.resolve("vectors");
    /** The first case of shard 1/3: case 1 of the unsharded list (Shard: position mod n). */
    static String skipped;
    static Path expectations, whole;
    static Cli wholeRun;
    static final Cli[] shardRuns = new Cli[3];

    @BeforeAll
    static void runTheTierWholeAndInThreeShards() throws Exception {
        skipped = CaseSources.tier(Tier.QUICK, Tier.DEFAULT_SEED, new Shard(1, 3), VECTORS, true).get(0).id();
        expectations = write("exp.json", "{\"skips\": [{\"case\": \"" + skipped + "\", \"reason\": \"test: a case of shard 1 only\"}]}");
        whole = dir.resolve("whole");
        wholeRun = run(expectations, whole, null);
        for (int i = 0; i < 3; i++) shardRuns[i] = run(expectations, shardDir("s", i), i + "/3");
    }

    static Cli run(Path exp, Path out, String shard) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--tier", "quick", "--backend", "cpu", "--vectors", VECTORS.toString(),
                "--expectations", exp.toString(), "--out", out.toString()));
        if (shard != null) args.addAll(List.of("--shard", shard));
        return Cli.run(args.toArray(String[]::new));
    }

    static Path shardDir(String set, int i) { return dir.resolve(set + i); }

    static Path write(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    static Cli merge(Path out, Path... shards) {
        List<String> args = new java.util.ArrayList<>(List.of("report", "merge", "--out", out.toString()));
        for (Path s : shards) args.add(s.toString());
        return Cli.run(args.toArray(String[]::new));
    }

    static Map<Status, Long> counts(RunResult r) {
        Map<Status, Long> m = new TreeMap<>();
        for (CaseResult c : r.results()) m.merge(c.status(), 1L, Long::sum);
        return m;
    }

    @Test
    void noShardIsFailedForAnotherShardsEntry() throws Exception {
        // the unsharded run: the entry matched its one case, nothing stale (today's rule, unchanged)
        assertEquals(0, wholeRun.exit(), wholeRun.out() + wholeRun.err());
        for (int i = 0; i < 3; i++) {
            assertEquals(0, shardRuns[i].exit(), i + "/3: " + shardRuns[i].out() + shardRuns[i].err());
            RunResult r = JsonReport.read(shardDir("s", i).resolve(ReportSet.JSON));
            assertEquals(RunVerdict.CONFORMANT, r.verdict());
            assertEquals(List.of(), r.expectationProblems());
            assertEquals(i + "/3", r.info().shard());
            // the skip's one case is in shard 1 (chosen so above): 1 there, 0 in the others
            assertEquals(List.of(new ExpectationMatch(ExpectationMatch.SKIPS, skipped, i == 1 ? 1 : 0)), r.expectationMatches());
        }
    }

    @Test
    void anExpectedFailureThatPassesIsStillAProblemOfItsOwnShard() throws Exception {
        // the CPU backend passes every case, so expecting the shard-1 case to fail is violated where it ran
        Path exp = write("violated.json", "{\"expected_failures\": [{\"case\": \"" + skipped + "\", \"reason\": \"test: passes really\"}]}");
        Cli s = run(exp, dir.resolve("violated1"), "1/3");
        assertEquals(1, s.exit(), s.out() + s.err());
        assertTrue(s.out().contains("expectation: expected failure now passes (remove the entry): " + skipped), s.out());
        Cli other = run(exp, dir.resolve("violated0"), "0/3");
        assertEquals(0, other.exit(), "the entry is not shard 0's: " + other.out() + other.err());
    }

    @Test
    void theMergeHasTheUnshardedVerdictCountsAndCaseOrder() throws Exception {
        Path out = dir.resolve("merged");
        Cli c = merge(out, shardDir("s", 2), shardDir("s", 0), shardDir("s", 1)); // any order
        assertEquals(wholeRun.exit(), c.exit(), c.out() + c.err());
        RunResult merged = JsonReport.read(out.resolve(ReportSet.JSON)), unsharded = JsonReport.read(whole.resolve(ReportSet.JSON));
        assertEquals(unsharded.verdict(), merged.verdict());
        assertEquals(counts(unsharded), counts(merged));
        assertEquals(unsharded.results().stream().map(CaseResult::caseId).toList(), merged.results().stream().map(CaseResult::caseId).toList());
        assertEquals(unsharded.coverage(), merged.coverage());
        assertEquals(unsharded.expectationMatches(), merged.expectationMatches());
        CaseResult skip = merged.results().get(1);
        assertEquals(skipped, skip.caseId());
        assertEquals(NotJudged.SKIPPED, skip.notJudged());
        assertEquals(unsharded.info().seeds().get(0), merged.info().seeds().get(0)); // the run's own seed first (RunSetup.withSeed)
        assertEquals(Shard.ALL.toString(), merged.info().shard());
        for (String f : ReportSet.NAMES) assertTrue(Files.isRegularFile(out.resolve(f)), f);
        // the console's first line counts the valid inputs; the probes have their own line (Robustness)
        assertTrue(c.out().startsWith("CONFORMANT: " + (unsharded.totalCases() - unsharded.robustness().probes()) + " cases"), c.out());
        assertEquals(unsharded.robustnessLine(), merged.robustnessLine());
        assertTrue(Files.readString(out.resolve(ReportSet.MARKDOWN)).startsWith("# permcheck: CONFORMANT"));
    }

    @Test
    void anEntryMatchingNoCaseOfAnyShardMakesTheMergeNotConformant() throws Exception {
        Path exp = write("stale.json", "{\"skips\": [{\"case\": \"" + skipped + "\", \"reason\": \"test\"},"
                + " {\"case\": \"quick/no-such-case\", \"reason\": \"test: stale\"}]}");
        Path[] shards = new Path[3];
        for (int i = 0; i < 3; i++) {
            shards[i] = shardDir("stale", i);
            Cli s = run(exp, shards[i], i + "/3");
            assertEquals(0, s.exit(), "a shard alone cannot tell: " + s.out() + s.err());
        }
        Path out = dir.resolve("stale-merged");
        Cli c = merge(out, shards);
        assertEquals(1, c.exit(), c.out() + c.err());
        assertTrue(c.out().startsWith("NOT CONFORMANT: "), c.out());
        assertTrue(c.out().contains("expectation: expectation matches no case of this run: 'quick/no-such-case'"), c.out());
        RunResult merged = JsonReport.read(out.resolve(ReportSet.JSON));
        assertEquals(List.of("expectation matches no case of this run: 'quick/no-such-case'"), merged.expectationProblems());
        assertEquals(RunVerdict.NOT_CONFORMANT, merged.verdict());
    }

    @Test
    void aMissingShardIsRefusedInOneLine() {
        Path out = dir.resolve("refused-missing");
        Cli c = merge(out, shardDir("s", 0), shardDir("s", 2));
        assertEquals(2, c.exit(), c.out() + c.err());
        assertTrue(c.oneCleanErrorLine(), c.err());
        assertTrue(c.err().contains("shard 1/3 is missing"), c.err());
        assertFalse(Files.exists(out.resolve(ReportSet.JSON)));
    }

    @Test
    void aDoubledShardIsRefusedInOneLine() throws Exception {
        Path copy = dir.resolve("copy-of-s1");
        Files.createDirectories(copy);
        Files.copy(shardDir("s", 1).resolve(ReportSet.JSON), copy.resolve(ReportSet.JSON));
        Cli c = merge(dir.resolve("refused-double"), shardDir("s", 0), shardDir("s", 1), copy, shardDir("s", 2));
        assertEquals(2, c.exit(), c.out() + c.err());
        assertTrue(c.oneCleanErrorLine(), c.err());
        assertTrue(c.err().contains("shard 1/3 given twice: " + shardDir("s", 1) + " and " + copy), c.err());
    }

    @Test
    void aShardOfAnotherSeedIsRefusedInOneLine() {
        Path other = dir.resolve("seed7");
        Cli s = Cli.run("run", "--tier", "quick", "--backend", "cpu", "--vectors", VECTORS.toString(), "--expectations", expectations.toString(),
                "--seed", "7", "--shard", "2/3", "--out", other.toString());
        assertTrue(s.exit() == 0 || s.exit() == 1, s.out() + s.err()); // its verdict does not matter here
        Cli c = merge(dir.resolve("refused-seed"), shardDir("s", 0), shardDir("s", 1), other);
        assertEquals(2, c.exit(), c.out() + c.err());
        assertTrue(c.oneCleanErrorLine(), c.err());
        assertTrue(c.err().contains(other + ": seed 7 differs from " + shardDir("s", 0) + "'s " + Tier.DEFAULT_SEED), c.err());
    }

    @Test
    void anIncompleteShardIsRefusedInOneLine() throws Exception {
        // what an interrupted shard leaves: a checkpoint with the cases so far, verdict INCOMPLETE
        RunResult done = JsonReport.read(shardDir("s", 2).resolve(ReportSet.JSON));
        RunResult cut = new RunResult(done.info(), done.results().subList(0, 10), done.coverage(), RunVerdict.INCOMPLETE,
                List.of("incomplete: SIGTERM after 10 cases"), List.of(), done.unlisted(), done.expectationMatches());
        Path interrupted = dir.resolve("interrupted");
        Files.createDirectories(interrupted);
        JsonReport.write(cut, interrupted.resolve(ReportSet.JSON));
        Cli c = merge(dir.resolve("refused-incomplete"), shardDir("s", 0), shardDir("s", 1), interrupted);
        assertEquals(2, c.exit(), c.out() + c.err());
        assertTrue(c.oneCleanErrorLine(), c.err());
        assertTrue(c.err().contains(interrupted + ": shard 2/3 is INCOMPLETE"), c.err());
    }

    @Test
    void aFileThatIsNoPermcheckReportIsRefusedInOneLine() throws Exception {
        Path alien = dir.resolve("alien");
        Files.createDirectories(alien);
        Files.writeString(alien.resolve(ReportSet.JSON), "{\"format\": \"something-else\"}");
        Cli c = merge(dir.resolve("refused-alien"), shardDir("s", 0), alien);
        assertEquals(2, c.exit(), c.out() + c.err());
        assertTrue(c.oneCleanErrorLine(), c.err());
        assertTrue(c.err().contains("not a permcheck-report file"), c.err());
        Cli none = merge(dir.resolve("refused-none"), dir.resolve("no-such-dir"));
        assertEquals(2, none.exit());
        assertTrue(none.oneCleanErrorLine(), none.err());
    }
}
