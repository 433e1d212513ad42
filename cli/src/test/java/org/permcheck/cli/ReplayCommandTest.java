package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.report.ReproBundle;
import org.permcheck.oracle.Oracle;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;

/**
 * replay end to end, against the protocol's numpy example port (python3 + numpy, as in CI): the
 * clean port passes the saved case, the port with a planted bug fails it with the rule it breaks.
 */
class ReplayCommandTest {
    @TempDir Path dir;
    Path bundle;
    static final Path PORT = Path.of("..", "adapters", "python", "examples", "numpy_port.py").toAbsolutePath().normalize();

    @BeforeEach
    void writeBundle() throws Exception {
        // tokens 0 and 2 go to expert 0, tokens 1 and 2 to expert 1: each expert holds two rows whose order D2 fixes
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("inp", Tensor.ofFloats(DType.F32, Tensor.shape(4, 3), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
        inputs.put("routing_map", Tensor.i32(Tensor.shape(4, 2), 1, 0, 0, 1, 1, 1, 0, 0));
        Invocation inv = new Invocation(Op.DISPATCH, Profile.TE_JAX, inputs, Map.of("num_out_tokens", 4L));
        Case c = new Case("vec/replay-me", inv, List.of("D1", "D2"), Set.of(), null, "vector");
        CaseResult r = new CaseResult(c.id(), "token_dispatch", c.rules(), List.of(), Status.FAIL, List.of(), "saved for the test", 0, 0, null, null, null);
        bundle = ReproBundle.write(dir.resolve("repro"), c, Oracle.expected(inv), null, r, "cpu");
    }

    @Test
    void theCleanPortPasses() {
        Cli c = Cli.run("replay", bundle.toString(), "--backend", "exec:python3 " + PORT);
        assertEquals(0, c.exit(), c.out() + c.err());
        assertTrue(c.out().contains("PASS vec/replay-me"), c.out());
        assertTrue(c.err().contains("permcheck: backend exec:"), c.err());
    }

    @Test
    void aPlantedBugFailsWithItsRuleAndWritesReportsWhenAsked() throws Exception {
        Path out = dir.resolve("replay-out");
        Cli c = Cli.run("replay", bundle.toString(), "--backend", "exec:env PERMCHECK_PLANT_BUG=token-order python3 " + PORT,
                "--out", out.toString());
        assertEquals(1, c.exit(), c.out() + c.err());
        assertTrue(c.out().contains("NOT CONFORMANT"), c.out());
        assertTrue(c.out().contains("[D"), c.out());
        assertTrue(Files.isRegularFile(out.resolve("report.json")));
        assertTrue(Files.isRegularFile(out.resolve("junit.xml")));
        try (var s = Files.list(out.resolve("repro"))) {
            Path again = s.findFirst().orElseThrow();
            assertTrue(Files.readString(again.resolve("replay.sh")).contains("PERMCHECK_PLANT_BUG=token-order"));
        }
    }

    @Test
    void aCaseIdIsReplayedWithoutASavedDirectory() {
        // docs/checks.md section 4: every case id rebuilds its case; a fuzz run prints these ids
        Cli tierCase = Cli.run("replay", "quick/seed=20261126/17", "--backend", "cpu");
        assertEquals(0, tierCase.exit(), tierCase.err() + tierCase.out());
        assertTrue(tierCase.out().contains("replaying quick/seed=20261126/17: "), tierCase.out());
        assertTrue(tierCase.out().contains("PASS quick/seed=20261126/17"), tierCase.out());
        // a shrunk failure's spec line, as the shrinker prints it ("minimal: <spec line>"): the token-order
        // bug fuzzed through the protocol shrinks to this (two tokens in expert 0's group, in reverse)
        Cli spec = Cli.run("replay", "spec:op=token_dispatch profile=te-jax T=2 E=1 H=1 k=1 routing=uniform align=0 extra=0 dtype=f32 "
                + "probs_dtype=f32 probs=false merging_probs=false zero_probs=false values=bits chunks=1 chunk_order=random shards=1 seed=0x5",
                "--backend", "exec:env PERMCHECK_PLANT_BUG=token-order python3 " + PORT);
        assertEquals(1, spec.exit(), spec.err() + spec.out());
        assertTrue(spec.out().contains("[D1] token_dispatch(inp=f32[2, 1]"), spec.out());
    }

    @Test
    void neitherADirectoryNorACaseIdIsOneLine() {
        Cli c = Cli.run("replay", "no/such/thing", "--backend", "cpu");
        assertEquals(2, c.exit());
        assertEquals(1, c.err().strip().lines().count(), c.err());
        assertTrue(c.err().contains("is neither a directory (repro bundle, vector) nor a case id"), c.err());
        Cli bad = Cli.run("replay", "spec:op=token_dispatch T=x", "--backend", "cpu");
        assertEquals(2, bad.exit(), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
    }
}
