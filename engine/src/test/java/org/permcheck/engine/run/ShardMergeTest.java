package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.RunVerdict;

/**
 * The merge of shards on small runs of two edge cases against the CPU backend (both pass): the
 * verdict of the whole, and the refusals the CLI test does not build (docs/checks.md section 5).
 */
class ShardMergeTest {
    @TempDir Path dir;

    private static final Case DISPATCH = Tier.caseById("quick/edge/dispatch-uniform-f32").orElseThrow();
    private static final Case COMBINE = Tier.caseById("quick/edge/combine-plain").orElseThrow();
    /** A second combine case, so that skipping COMBINE leaves the op judged (Conformance's floor). */
    private static final Case COMBINE_NOWHERE = Tier.caseById("quick/edge/combine-nowhere").orElseThrow();

    private Expectations skipping(String pattern) throws Exception {
        Path f = dir.resolve("e.json");
        Files.writeString(f, "{\"skips\":[{\"case\":\"" + pattern + "\",\"reason\":\"test\"}]}");
        return Expectations.load(f);
    }

    private static ShardMerge.Part shard(String where, Expectations e, Shard s, Case... cases) {
        try (Runner r = new Runner(CpuBackend::new, RunOptions.defaults().withExpectations(e).withShard(s))) {
            return new ShardMerge.Part(where, r.run(List.of(cases)));
        }
    }

    @Test
    void anEntryMatchedInOneShardIsNotStaleInTheMerge() throws Exception {
        Expectations e = skipping(COMBINE.id());
        // the whole list DISPATCH, COMBINE, COMBINE_NOWHERE in two shards: 0/2 holds cases 0 and 2
        RunResult merged = ShardMerge.merge(List.of(shard("b", e, new Shard(1, 2), COMBINE), shard("a", e, new Shard(0, 2), DISPATCH, COMBINE_NOWHERE)));
        assertEquals(RunVerdict.CONFORMANT, merged.verdict(), merged.verdictReasons().toString());
        // case i of the whole is shard i mod n's: the unsharded order comes back
        assertEquals(List.of(DISPATCH.id(), COMBINE.id(), COMBINE_NOWHERE.id()), merged.results().stream().map(CaseResult::caseId).toList());
        assertEquals(1, merged.expectationMatches().get(0).cases());
        assertEquals("0/1", merged.info().shard());
    }

    @Test
    void anEntryMatchedInNoShardIsStaleInTheMerge() throws Exception {
        Expectations e = skipping("quick/edge/none-*");
        RunResult merged = ShardMerge.merge(List.of(shard("a", e, new Shard(0, 2), DISPATCH), shard("b", e, new Shard(1, 2), COMBINE)));
        assertEquals(RunVerdict.NOT_CONFORMANT, merged.verdict());
        assertEquals(List.of("expectation matches no case of this run: 'quick/edge/none-*'"), merged.expectationProblems());
    }

    @Test
    void shardsThatAreNotOneRunAreRefusedInOneLine() throws Exception {
        Expectations none = Expectations.none();
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                () -> ShardMerge.merge(List.of(shard("a", none, new Shard(0, 2), DISPATCH), shard("b", none, new Shard(1, 3), COMBINE))));
        assertEquals("b: shard 1/3 is not a shard of 2 like a (0/2)", n.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> ShardMerge.merge(List.of(shard("a", none, new Shard(0, 2), DISPATCH), shard("b", none, new Shard(1, 2), DISPATCH))));
        assertEquals("case " + DISPATCH.id() + " is in two shards: a and b", twice.getMessage());
        IllegalArgumentException exp = assertThrows(IllegalArgumentException.class,
                () -> ShardMerge.merge(List.of(shard("a", none, new Shard(0, 2), DISPATCH), shard("b", skipping(COMBINE.id()), new Shard(1, 2), COMBINE))));
        assertEquals("b: ran with other expectations than a", exp.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ShardMerge.merge(List.of(shard("a", none, new Shard(1, 3), DISPATCH))));
        assertTrue(missing.getMessage().startsWith("shards 0/3, 2/3 are missing"), missing.getMessage());
    }
}
