package org.permcheck.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.engine.codec.BundleCall;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Mismatch;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;

class ReproBundleTest {
    @TempDir Path dir;

    @Test
    void bundleHoldsInputsExpectedActualMismatchAndReplayAndReadsBack() throws Exception {
        // token 0 -> expert 1, token 1 -> expert 0 (hand-made, E=2, topk=1); bf16 payload with a -0.0 and a NaN payload
        Tensor inp = Tensor.zeros(DType.BF16, 2, 2);
        inp.setBits(0, 0, 0x8000); inp.setBits(0, 1, 0x7fc1); inp.setBits(1, 0, 0x3f80); inp.setBits(1, 1, 0x4000);
        Tensor routing = Tensor.i32(Tensor.shape(2, 2), 0, 1, 1, 0);
        Map<String, Tensor> inputs = new LinkedHashMap<>(); // ordered: describe() lists inputs in map order
        inputs.put("inp", inp);
        inputs.put("routing_map", routing);
        Invocation inv = new Invocation(Op.DISPATCH, Profile.TE_JAX, inputs, Map.of("num_out_tokens", 2L));
        Case c = new Case("prop/dispatch/seed=7/3", inv, List.of("D2"), Set.of("dtype:bf16"), 7L, "property");
        // expected output: expert 0's token (1) first, then expert 1's token (0)
        Tensor expOut = Tensor.zeros(DType.BF16, 2, 2);
        expOut.copyRowFrom(inp, 1, 0); expOut.copyRowFrom(inp, 0, 1);
        Tensor actOut = inp.copy(); // a backend that forgot to permute
        Expected expected = new Expected(Map.of("output", expOut), Map.of(), Map.of());
        Violation v = new Violation("D2", inv.describe() + " output differs", new Mismatch("output", 1, 0, 0, 0, "0x3f80", "0x8000"), 3);
        CaseResult r = new CaseResult(c.id(), "token_dispatch", c.rules(), List.of("dtype:bf16"), Status.FAIL, List.of(v), null, 5, 16, 7L, null, null);

        Path bundle = ReproBundle.write(dir.resolve("repro"), c, expected, new Outputs(Map.of("output", actOut)), r, "exec:python3 my adapter.py");

        assertEquals("prop_dispatch_seed_7_3-" + String.format("%08x", crc("prop/dispatch/seed=7/3")), bundle.getFileName().toString());
        for (String f : List.of("case.json", "inputs/inp.npy", "inputs/routing_map.npy", "expected/output.npy", "actual/output.npy", "mismatch.txt", "replay.sh")) {
            assertTrue(Files.isRegularFile(bundle.resolve(f)), f);
        }
        String mismatch = Files.readString(bundle.resolve("mismatch.txt"));
        assertTrue(mismatch.startsWith("FAIL: token_dispatch(inp=bf16[2, 2], routing_map=i32[2, 2], num_out_tokens=2)\n"), mismatch);
        assertTrue(mismatch.contains("first mismatch at output token=1 expert=0 row=0 column=0: expected 0x3f80, got 0x8000 (and 3 more)"));
        String replay = Files.readString(bundle.resolve("replay.sh"));
        assertTrue(replay.contains("replay \"$here\" --backend 'exec:python3 my adapter.py'"), replay);
        assertTrue(Files.isExecutable(bundle.resolve("replay.sh")));
        // replay.sh really calls permcheck with the bundle and the backend as separate, intact arguments
        Path fake = dir.resolve("fake permcheck");
        Files.writeString(fake, "#!/bin/sh\nprintf '%s|' \"$PWD\" \"$@\"\n");
        fake.toFile().setExecutable(true);
        Path cwd = Files.createDirectories(dir.resolve("where it ran"));
        ProcessBuilder pb = new ProcessBuilder("bash", bundle.resolve("replay.sh").toString()).redirectErrorStream(true);
        pb.environment().put("PERMCHECK", fake.toString());
        pb.environment().put("PERMCHECK_CWD", cwd.toString());
        Process p = pb.start();
        String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), said);
        assertEquals(cwd.toRealPath() + "|replay|" + bundle.toRealPath() + "|--backend|exec:python3 my adapter.py|", said);

        BundleCall back = BundleCall.read(bundle);
        assertEquals(c.id(), back.id());
        assertEquals(Op.DISPATCH, back.invocation().op());
        assertEquals(2L, back.invocation().attr("num_out_tokens"));
        assertTrue(back.invocation().input("inp").bitEquals(inp)); // bf16 bits, -0.0 and the NaN payload included
        assertTrue(back.invocation().input("routing_map").bitEquals(routing));
        assertTrue(back.actual().get("output").bitEquals(actOut));
        assertEquals(7L, back.seed());
        assertEquals("exec:python3 my adapter.py", back.backend());
    }

    @Test
    void aDirectoryWithoutCaseJsonIsRejectedInOneLine() throws IOException {
        IOException e = assertThrows(IOException.class, () -> BundleCall.read(dir));
        assertTrue(e.getMessage().contains("no case.json"));
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void bundleNamesAreSafeAndDistinct() {
        assertEquals("vec_dispatch-a", BundleName.of("vec_dispatch-a")); // already safe: unchanged
        assertNotEquals(BundleName.of("a/b"), BundleName.of("a:b"));
        String evil = BundleName.of("../../etc/passwd");
        assertTrue(evil.matches("[A-Za-z0-9_][A-Za-z0-9._-]*"), evil);
        assertTrue(BundleName.of("x".repeat(500)).length() <= BundleName.MAX + 9);
        assertTrue(BundleName.of(SampleRuns.HOSTILE_ID).matches("[A-Za-z0-9_][A-Za-z0-9._-]*"));
    }

    private static long crc(String s) {
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return c.getValue();
    }

    @Test
    void mismatchTxtShowsASmallOutputSideBySideWithTheDifferingCellsMarked() throws Exception {
        // t0 -> e0, t1 -> e1, t2 -> e0 and e1, t3 nowhere: the oracle's output rows (expert-major, D1)
        // are t0, t2 | t1, t2 = [0 1 2], [6 7 8], [3 4 5], [6 7 8]; the backend swaps the first two
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("inp", Tensor.ofFloats(DType.F32, Tensor.shape(4, 3), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
        in.put("routing_map", Tensor.i32(Tensor.shape(4, 2), 1, 0, 0, 1, 1, 1, 0, 0));
        Invocation inv = new Invocation(Op.DISPATCH, Profile.TE_JAX, in, Map.of("num_out_tokens", 4L));
        Expected e = org.permcheck.oracle.Oracle.expected(inv);
        Map<String, Tensor> got = new LinkedHashMap<>(e.values());
        Tensor out = e.values().get("output").copy();
        out.copyRowFrom(e.values().get("output"), 1, 0);
        out.copyRowFrom(e.values().get("output"), 0, 1);
        got.put("output", out);
        Violation v = new Violation("D1", "rows out of order", new Mismatch("output", 0, 0, 0, 0, "the row of token 0", "the row of token 2"), 1);
        CaseResult r = new CaseResult("vec/swap", "token_dispatch", List.of("D1"), List.of(), Status.FAIL, List.of(v), null, 0, 0, null, null, null);
        Path b = ReproBundle.write(dir.resolve("repro"), new Case("vec/swap", inv, List.of("D1"), Set.of(), null, "vector"), e, new Outputs(got), r, "cpu");
        List<String> lines = Files.readAllLines(b.resolve("mismatch.txt"));
        assertTrue(lines.contains("output 'output' f32[4, 3]: expected | actual (* bits differ; . unspecified, never compared)"), lines.toString());
        String row0 = lines.stream().filter(l -> l.startsWith("   0  ")).findFirst().orElseThrow();
        String row2 = lines.stream().filter(l -> l.startsWith("   2  ")).findFirst().orElseThrow();
        assertEquals("   0           0          1          2 |          6*         7*         8*", row0);
        assertEquals("   2           3          4          5 |          3          4          5 ", row2);
    }
}
