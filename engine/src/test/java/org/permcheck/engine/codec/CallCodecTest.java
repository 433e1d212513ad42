package org.permcheck.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The call codec in each of its three reference styles: what goes in comes back bit for bit (through
 * the JSON text, not only the tree), and every broken reference is refused in one line. Tensors are
 * built from bit patterns chosen by hand; the expected JSON and digests are computed here
 * independently (MessageDigest over the file), never by the codec.
 */
class CallCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    /**
     * Hand-picked bits per dtype, six elements each: for every float type -0.0 (the sign bit alone),
     * a NaN with a payload that a float round trip would lose, and ordinary values; for the integer
     * types the extremes.
     */
    private static long[] bits(DType d) {
        switch (d) {
            case F64: return new long[] {0x8000000000000000L, 0x7ff8000000000123L, 0x3ff0000000000000L, 0xfff0000000000000L, 1L, 0};
            case F32: return new long[] {0x80000000L, 0x7fc00123L, 0x3f800000L, 0xff800000L, 1L, 0};
            case F16: return new long[] {0x8000, 0x7e01, 0x3c00, 0xfc00, 1, 0};
            case BF16: return new long[] {0x8000, 0x7fc1, 0x3f80, 0xff80, 1, 0};
            case F8E4M3: return new long[] {0x80, 0x7f, 0x38, 0xff, 1, 0};
            case F8E5M2: return new long[] {0x80, 0x7d, 0x3c, 0xfc, 1, 0};
            case I64: return new long[] {0x8000000000000000L, -1L, 0x7fffffffffffffffL, 1, 2, 0};
            case I32: return new long[] {0x80000000L, 0xffffffffL, 0x7fffffffL, 1, 2, 0};
            case U16: return new long[] {0xffff, 0x8000, 1, 2, 3, 0};
            case U8: return new long[] {0xff, 0x80, 1, 2, 3, 0};
            case BOOL: return new long[] {1, 0, 1, 1, 0, 0};
            default: throw new IllegalArgumentException("a dtype this test does not know: " + d);
        }
    }

    private static Tensor filled(DType d, long... shape) {
        Tensor t = Tensor.zeros(d, shape);
        long[] b = bits(d);
        for (long i = 0; i < t.numel(); i++) t.setBits(i, b[(int) (i % b.length)]);
        return t;
    }

    /** Every dtype at rank 2 (2x3: all six patterns), then ranks 0, 1, 3 and empty tensors. */
    private static Map<String, Tensor> everyDtypeAndRank() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (DType d : DType.values()) m.put(d.id(), filled(d, 2, 3));
        m.put("rank0_bf16_nan", Tensor.filled(DType.BF16, 0x7fc1)); // a scalar: shape [], one NaN with a payload
        m.put("rank1_f16", filled(DType.F16, 6));
        m.put("rank3_f8e4m3", filled(DType.F8E4M3, 2, 1, 3));
        m.put("empty_rows_f32", Tensor.zeros(DType.F32, 0, 4));
        m.put("empty_i64", Tensor.zeros(DType.I64, 0));
        return m;
    }

    /** The JSON as text and back: what a reader in another process sees. */
    private static JsonNode reparsed(JsonNode n) throws IOException {
        return JSON.readTree(JSON.writeValueAsString(n));
    }

    @ParameterizedTest
    @EnumSource(TensorRefs.class)
    void everyDtypeRankAndPayloadComesBackBitForBit(TensorRefs refs) throws IOException {
        CallCodec codec = new CallCodec(dir, refs);
        Map<String, Tensor> in = everyDtypeAndRank();
        Map<String, Tensor> back = codec.readTensors(reparsed(codec.writeTensors(in, n -> "t_" + n + ".npy")), "t.json");
        assertEquals(new ArrayList<>(in.keySet()), new ArrayList<>(back.keySet()), "names in the written order");
        for (String n : in.keySet()) {
            assertEquals(in.get(n).dtype(), back.get(n).dtype(), n);
            assertArrayEquals(in.get(n).shape(), back.get(n).shape(), n);
            assertTrue(in.get(n).bitEquals(back.get(n)), n + ": bits differ");
        }
        assertEquals(0, back.get("rank0_bf16_nan").rank());
        assertEquals(0x7fc1, back.get("rank0_bf16_nan").bits(0));
        assertEquals(0x8000, back.get(DType.BF16.id()).bits(0)); // -0.0 stays negative
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    /** token_dispatch with its inputs given in reverse port order and an attribute: the JSON is canonical. */
    private static Invocation dispatch() {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put(Ports.ROUTING_MAP, Tensor.i32(Tensor.shape(2, 2), 1, 0, 0, 1));
        inputs.put(Ports.INP, filled(DType.BF16, 2, 3));
        return new Invocation(Op.DISPATCH, Profile.TE_JAX, inputs, Map.of(Attrs.NUM_OUT_TOKENS, 2L));
    }

    @ParameterizedTest
    @EnumSource(TensorRefs.class)
    void aCallRoundTripsWithTheReferenceFormOfItsStyle(TensorRefs refs) throws Exception {
        CallCodec codec = new CallCodec(dir, refs);
        Invocation inv = dispatch();
        ObjectNode root = codec.writeCall(JSON.createObjectNode(), inv, n -> "in_" + n + ".npy");
        assertEquals(List.of("op", "profile", "attrs", "inputs"), names(root));
        assertEquals(List.of(Ports.INP, Ports.ROUTING_MAP), names(root.get("inputs")), "port order, not the order the call was built in");
        Path inp = dir.resolve("in_inp.npy");
        // by hand, per style (docs/protocol.md 3.2, docs/vectors.md 4, docs/cli.md)
        String ref = switch (refs) {
            case PATH -> "{\"path\":" + JSON.writeValueAsString(inp.toString()) + ",\"dtype\":\"bf16\",\"shape\":[2,3]}";
            case FILE -> "{\"file\":\"in_inp.npy\",\"dtype\":\"bf16\",\"shape\":[2,3]}";
            case PINNED -> "{\"file\":\"in_inp.npy\",\"dtype\":\"bf16\",\"shape\":[2,3],\"sha256\":\"" + sha256(inp) + "\"}";
        };
        assertEquals(ref, JSON.writeValueAsString(root.at("/inputs/" + Ports.INP)));
        assertEquals("{\"op\":\"token_dispatch\",\"profile\":\"te-jax\",\"attrs\":{\"num_out_tokens\":2}}",
                JSON.writeValueAsString(root.deepCopy().without("inputs")));

        Invocation back = codec.readCall(reparsed(root), "call.json");
        assertEquals(inv.op(), back.op());
        assertEquals(inv.profile(), back.profile());
        assertEquals(inv.attrs(), back.attrs());
        for (String n : inv.inputs().keySet()) assertTrue(inv.input(n).bitEquals(back.input(n)), n);
    }

    private static List<String> names(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }

    // ------------------------------------------------------------------ refused, in one line

    private String refused(TensorRefs refs, JsonNode tensors) {
        return refused(dir, refs, tensors);
    }

    private static String refused(Path d, TensorRefs refs, JsonNode tensors) {
        IOException e = assertThrows(IOException.class, () -> new CallCodec(d, refs).readTensors(tensors, "t.json"));
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("t.json: ") || e.getMessage().startsWith(d.toString()), e.getMessage());
        return e.getMessage();
    }

    /** One tensor x (f32 [2, 3]) written to dir/x.npy; the name -> reference object. */
    private ObjectNode written(TensorRefs refs) throws IOException {
        return new CallCodec(dir, refs).writeTensors(Map.of("x", filled(DType.F32, 2, 3)), n -> n + ".npy");
    }

    @Test
    void aChangedFileOrAWrongPinFailsTheSha256() throws Exception {
        ObjectNode t = written(TensorRefs.PINNED);
        String good = t.at("/x/sha256").asText();
        ((ObjectNode) t.get("x")).put("sha256", "0".repeat(64));
        String m = refused(TensorRefs.PINNED, t);
        assertEquals(dir.resolve("x.npy") + ": SHA-256 " + good + " does not match the manifest's " + "0".repeat(64), m);

        ((ObjectNode) t.get("x")).put("sha256", good);
        byte[] b = Files.readAllBytes(dir.resolve("x.npy"));
        b[b.length - 1] ^= 1; // one bit of the last element
        Files.write(dir.resolve("x.npy"), b);
        assertTrue(refused(TensorRefs.PINNED, t).contains(": SHA-256 " + sha256(dir.resolve("x.npy")) + " does not match"));
        // the same file without a pin is read (FILE has no hash to check)
        assertEquals(1, new CallCodec(dir, TensorRefs.FILE).readTensors(written(TensorRefs.FILE), "t.json").size());
    }

    @ParameterizedTest
    @EnumSource(TensorRefs.class)
    void aShapeOrDtypeThatTheFileContradictsIsRefused(TensorRefs refs) throws IOException {
        ObjectNode t = written(refs);
        ObjectNode x = (ObjectNode) t.get("x");
        x.putArray("shape").add(3).add(2);
        assertEquals(dir.resolve("x.npy") + ": shape [2, 3] does not match the manifest's [3, 2]", refused(refs, t));
        x.putArray("shape").add(2).add(3);
        x.put("dtype", "i32"); // the file says <f4
        assertTrue(refused(refs, t).contains("holds <f4 but i32 is stored as <i4"));
        x.put("dtype", "bf16"); // a 2-byte dtype over a 4-byte file
        assertTrue(refused(refs, t).contains("holds <f4 but bf16 is stored as <u2"));
        x.put("dtype", "f17");
        assertTrue(refused(refs, t).startsWith("t.json: tensor 'x': "), refused(refs, t));
        x.put("dtype", "f32");
        x.putArray("shape").add(-2).add(-3);
        assertEquals("t.json: tensor 'x': bad shape [-2,-3]", refused(refs, t));
        x.remove("shape");
        assertEquals("t.json: tensor 'x': bad shape (none)", refused(refs, t));
        x.put("shape", "2x3");
        assertEquals("t.json: tensor 'x': bad shape \\\"2x3\\\"", refused(refs, t)); // the JSON text, escaped
    }

    @ParameterizedTest
    @EnumSource(TensorRefs.class)
    void aMissingFileIsNamed(TensorRefs refs) throws IOException {
        ObjectNode t = written(refs);
        Files.delete(dir.resolve("x.npy"));
        String file = refs == TensorRefs.PATH ? dir.resolve("x.npy").toString() : "x.npy";
        assertEquals("t.json: tensor 'x': missing file " + file, refused(refs, t));
    }

    @ParameterizedTest
    @EnumSource(TensorRefs.class)
    void aReferenceLeavingItsDirectoryIsRefusedEvenWhenTheFileExists(TensorRefs refs) throws IOException {
        Tensor x = filled(DType.F32, 2, 3);
        ObjectNode t = written(refs); // dir/x.npy, which the references below reach from dir/case/
        Path sub = Files.createDirectories(dir.resolve("case"));
        String key = refs == TensorRefs.PATH ? "path" : "file";
        ObjectNode r = (ObjectNode) t.get("x");
        for (String bad : List.of("../x.npy", "a/../../x.npy", dir.resolve("x.npy").toString(), "", ".", "/etc/passwd", "nul\0byte")) {
            r.put(key, bad);
            assertEquals("t.json: tensor 'x' names a bad file '" + bad.replace("\0", "\\u0000") + "'", refused(sub, refs, t), bad);
        }
        // an absolute path inside the directory: the protocol's form, refused where only names are allowed
        CallCodec codec = new CallCodec(sub, refs);
        ObjectNode inside = codec.writeTensors(Map.of("x", x), n -> n + ".npy");
        ((ObjectNode) inside.get("x")).put(key, sub.resolve("x.npy").toString());
        if (refs == TensorRefs.PATH) {
            assertTrue(codec.readTensors(inside, "t.json").get("x").bitEquals(x));
        } else {
            assertEquals("t.json: tensor 'x' names a bad file '" + sub.resolve("x.npy") + "'", refused(sub, refs, inside));
        }
    }

    @ParameterizedTest
    @EnumSource(TensorRefs.class)
    void onlyAVectorManifestRefusesASubdirectory(TensorRefs refs) throws IOException {
        Tensor x = filled(DType.I32, 2);
        ObjectNode t = new CallCodec(dir, refs).writeTensors(Map.of("x", x), n -> "inputs/" + n + ".npy");
        assertTrue(Files.isRegularFile(dir.resolve("inputs/x.npy")), "the subdirectory is made on the way");
        if (refs == TensorRefs.PINNED) {
            assertEquals("t.json: tensor 'x' names a bad file 'inputs/x.npy'", refused(refs, t)); // docs/vectors.md 2: <id>/in_<port>.npy
        } else {
            assertTrue(new CallCodec(dir, refs).readTensors(t, "t.json").get("x").bitEquals(x)); // a bundle's inputs/
        }
    }

    @ParameterizedTest
    @EnumSource(TensorRefs.class)
    void namesWithJsonSpecialCharactersRoundTripAndStayOneLineInErrors(TensorRefs refs) throws IOException {
        String name = "a\"b\\c\nd/e\u0001{}";
        Tensor x = filled(DType.F16, 3);
        CallCodec codec = new CallCodec(dir, refs);
        ObjectNode t = codec.writeTensors(Map.of(name, x), n -> "t0.npy");
        Map<String, Tensor> back = codec.readTensors(reparsed(t), "t.json");
        assertEquals(List.of(name), new ArrayList<>(back.keySet()));
        assertTrue(back.get(name).bitEquals(x));
        Files.delete(dir.resolve("t0.npy"));
        String file = refs == TensorRefs.PATH ? dir.resolve("t0.npy").toString() : "t0.npy";
        // the name as JSON writes it inside a string (hand-escaped): quote, backslash, newline, U+0001
        assertEquals("t.json: tensor 'a\\\"b\\\\c\\nd/e\\u0001{}': missing file " + file, refused(refs, reparsed(t)));
    }

    @Test
    void aCallWithAnUnknownOpProfileOrANonIntegerAttributeIsRefused() throws IOException {
        CallCodec codec = new CallCodec(dir, TensorRefs.FILE);
        ObjectNode root = codec.writeCall(JSON.createObjectNode(), dispatch(), n -> "in_" + n + ".npy");
        root.put("op", "token_mix");
        assertEquals("call.json: unknown op 'token_mix'", assertThrows(IOException.class, () -> codec.readCall(root, "call.json")).getMessage());
        root.put("op", "token_dispatch");
        root.remove("profile"); // required: a call without one is not silently te-jax
        assertTrue(assertThrows(IOException.class, () -> codec.readCall(root, "call.json")).getMessage().startsWith("call.json: "));
        root.put("profile", "te-jax");
        ((ObjectNode) root.get("attrs")).put(Attrs.NUM_OUT_TOKENS, "2");
        assertEquals("call.json: attribute 'num_out_tokens' is not an integer",
                assertThrows(IOException.class, () -> codec.readCall(root, "call.json")).getMessage());
    }
}
