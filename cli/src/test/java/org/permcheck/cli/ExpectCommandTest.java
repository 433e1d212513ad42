package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.engine.codec.CallCodec;
import org.permcheck.engine.codec.JsonFile;
import org.permcheck.engine.codec.TensorRefs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;

class ExpectCommandTest {
    @TempDir Path dir;

    /**
     * D1/D2/N1 by hand: routing [[1,0],[0,1],[1,1],[0,0]] sends tokens 0 and 2 to expert 0 and
     * tokens 1 and 2 to expert 1, so the output rows are x0, x2 (expert 0) then x1, x2 (expert 1),
     * and tokens_per_expert is [2, 2].
     */
    @Test
    void dispatchOutputsMatchTheHandComputedLayout() throws Exception {
        Tensor x = Tensor.ofFloats(DType.F32, Tensor.shape(4, 3), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        Tensor map = Tensor.i32(Tensor.shape(4, 2), 1, 0, 0, 1, 1, 1, 0, 0);
        Npy.write(x, dir.resolve("x.npy"));
        Npy.write(map, dir.resolve("map.npy"));
        Path out = dir.resolve("out");
        Cli c = Cli.run("expect", "--op", "token_dispatch", "--in", "inp=" + dir.resolve("x.npy"),
                "--in", "routing_map=" + dir.resolve("map.npy"), "--attr", "num_out_tokens=4", "--out", out.toString());
        assertEquals(0, c.exit(), c.err());
        Tensor output = Npy.read(out.resolve("output.npy"));
        Tensor want = Tensor.ofFloats(DType.F32, Tensor.shape(4, 3), 0, 1, 2, 6, 7, 8, 3, 4, 5, 6, 7, 8);
        assertTrue(output.bitEquals(want));
        assertTrue(Npy.read(out.resolve("tokens_per_expert.npy")).bitEquals(Tensor.i32(Tensor.shape(2), 2, 2)));
        JsonNode json = new ObjectMapper().readTree(out.resolve("expected.json").toFile());
        assertEquals("token_dispatch", json.get("op").asText());
        assertEquals("output.npy", json.at("/outputs/output/file").asText());
        assertEquals("i32", json.at("/outputs/row_id_map/dtype").asText());
        assertEquals(4, json.at("/attrs/num_out_tokens").asLong());
    }

    @Test
    void bf16InputsNeedTheirLogicalDtypeAndKeepTheirBits() throws Exception {
        Tensor x = Tensor.zeros(DType.BF16, 2, 2);
        x.setBits(0, 0, 0x8000); // -0.0
        x.setBits(0, 1, 0x7fc1); // a NaN with a payload
        x.setBits(1, 0, 0x3f80);
        x.setBits(1, 1, 0x4000);
        Npy.write(x, dir.resolve("x.npy"));
        Npy.write(Tensor.i32(Tensor.shape(2, 1), 1, 1), dir.resolve("map.npy"));
        Path out = dir.resolve("out");
        Cli c = Cli.run("expect", "--op", "token_dispatch", "--in", "inp=" + dir.resolve("x.npy") + ":bf16",
                "--in", "routing_map=" + dir.resolve("map.npy"), "--attr", "num_out_tokens=2", "--out", out.toString());
        assertEquals(0, c.exit(), c.err());
        // one expert, both tokens: the output is the input, bit for bit
        assertTrue(Npy.read(out.resolve("output.npy"), DType.BF16).bitEquals(x));
        // expected.json is a whole call: read back by the call codec it is the call that was asked for
        CallCodec codec = new CallCodec(out, TensorRefs.FILE);
        JsonNode json = JsonFile.object(out.resolve("expected.json"));
        Invocation back = codec.readCall(json, "expected.json");
        assertEquals(Op.DISPATCH, back.op());
        assertEquals(Map.of(Attrs.NUM_OUT_TOKENS, 2L), back.attrs());
        assertTrue(back.input("inp").bitEquals(x), "bf16 bits, -0.0 and the NaN payload included");
        assertEquals("in_inp.npy", json.at("/inputs/inp/file").asText());
        assertTrue(codec.readTensors(json.get("outputs"), "expected.json").get("output").bitEquals(x));
    }

    @Test
    void inputsOutsideTheContractAreAUsageErrorNamingTheRule() throws Exception {
        Npy.write(Tensor.zeros(DType.F32, 2, 2), dir.resolve("x.npy"));
        Npy.write(Tensor.i32(Tensor.shape(2, 1), 1, 1), dir.resolve("map.npy"));
        Cli c = Cli.run("expect", "--op", "token_dispatch", "--in", "inp=" + dir.resolve("x.npy"),
                "--in", "routing_map=" + dir.resolve("map.npy"), "--out", dir.resolve("out").toString());
        assertEquals(2, c.exit());
        assertTrue(c.oneCleanErrorLine(), c.err());
        assertTrue(c.err().contains("[X"), c.err());
    }

    @Test
    void unknownInputNameAndMissingFileAreOneLine() throws Exception {
        Cli unknown = Cli.run("expect", "--op", "token_combine", "--in", "nonsense=x.npy", "--out", dir.toString());
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("has no input 'nonsense'"), unknown.err());
        Cli missing = Cli.run("expect", "--op", "token_combine", "--in", "inp=" + dir.resolve("none.npy"), "--out", dir.toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.oneCleanErrorLine(), missing.err());
        Files.writeString(dir.resolve("bad.npy"), "not an npy file");
        Cli bad = Cli.run("expect", "--op", "token_combine", "--in", "inp=" + dir.resolve("bad.npy"), "--out", dir.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.oneCleanErrorLine(), bad.err());
    }
}
