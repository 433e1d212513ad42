package org.permcheck.engine.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.engine.codec.JsonFile;
import org.permcheck.engine.codec.Sha256;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.report.ReproBundle;
import org.permcheck.oracle.Oracle;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;

/** Promoting a fuzz repro bundle to a vector, and the loader's one-line errors for broken vector files. */
class VectorPromoteAndErrorsTest {

    static Path copyOfCommitted(Path tmp) throws IOException {
        Path dst = tmp.resolve("vectors");
        try (Stream<Path> s = Files.walk(CommittedVectorsTest.VECTORS)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path q = dst.resolve(CommittedVectorsTest.VECTORS.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
        return dst;
    }

    /** A bundle as `permcheck fuzz` writes it for a shrunk dispatch counterexample. */
    static Path bundle(Path tmp) throws IOException {
        Tensor inp = Tensor.zeros(DType.BF16, 3, 2);
        for (long i = 0; i < 6; i++) inp.setF32(i, i + 0.5f);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("inp", inp);
        in.put("routing_map", Tensor.i32(new long[] {3, 2}, 0, 1, 0, 0, 1, 1));
        Map<String, Long> attrs = new LinkedHashMap<>();
        attrs.put("num_out_tokens", 3L);
        attrs.put("align_size", 2L);
        Invocation inv = new Invocation(Op.DISPATCH, Profile.TE_JAX, in, attrs);
        Case c = new Case("fuzz/seed=7/41", inv, List.of("P2"), Set.of("padded", "dtype:bf16", "token_nowhere", "op:token_dispatch"), 7L, "fuzz");
        CaseResult r = new CaseResult(c.id(), "token_dispatch", c.rules(), List.of("padding"), Status.FAIL,
                List.of(Violation.of("P2", "padded rows not zero")), null, 1, 12, 7L, "T=3 E=2 H=2", null);
        return ReproBundle.write(tmp.resolve("repro"), c, Oracle.expected(inv), new Outputs(Map.of()), r, "exec:python3 port.py");
    }

    @Test
    void aPromotedCounterexampleBecomesAVectorAndSurvivesRegeneration(@TempDir Path tmp) throws IOException {
        Path vectors = copyOfCommitted(tmp);
        Path dir = VectorPromoter.promote(bundle(tmp), vectors, "dispatch/fuzz-padded-rows", List.of(), null);
        assertEquals(vectors.resolve("dispatch/fuzz-padded-rows"), dir);

        VectorSet.Loaded l = VectorSet.loadOne(vectors, "dispatch/fuzz-padded-rows", true);
        assertEquals(List.of("P2"), l.vector().rules(), "the bundle's rules by default");
        assertTrue(l.vector().features().contains("fuzz-found"));
        // the engine's coverage labels are mapped onto the closed list; those without a counterpart are dropped
        assertEquals(Set.of("padding", "bf16", "unrouted-token", "fuzz-found"), Set.copyOf(l.vector().features()));
        assertEquals("fuzz", l.vector().provenance().get("source"));
        assertEquals("fuzz/seed=7/41", l.vector().provenance().get("bundle_case"));
        assertEquals("7", l.vector().provenance().get("seed"));
        assertEquals("exec:python3 port.py", l.vector().provenance().get("backend"));
        assertEquals("FAIL", l.vector().provenance().get("status"));
        // expected outputs come from the oracle: token 1 routed nowhere, padded layout of 2 + 2 rows
        assertTrue(l.expected().get("output").bitEquals(Oracle.expected(l.vector().invocation()).values().get("output")));
        assertEquals(List.of(), VectorSet.verify(vectors));
        assertTrue(VectorSet.load(vectors).stream().anyMatch(c -> c.id().equals("vec/dispatch/fuzz-padded-rows")));

        // generate keeps promoted vectors: regenerating from this set reproduces it byte for byte
        Path again = tmp.resolve("again");
        VectorGenerator.generate(again, vectors);
        List<String> files = CommittedVectorsTest.files(vectors);
        assertEquals(files, CommittedVectorsTest.files(again));
        for (String f : files) assertArrayEquals(Files.readAllBytes(vectors.resolve(f)), Files.readAllBytes(again.resolve(f)), f);

        IOException twice = assertThrows(IOException.class, () -> VectorPromoter.promote(bundle(tmp.resolve("b2")), vectors, "dispatch/fuzz-padded-rows", List.of(), null));
        assertTrue(twice.getMessage().endsWith("a vector 'dispatch/fuzz-padded-rows' exists already"), twice.getMessage());
        IOException badId = assertThrows(IOException.class, () -> VectorPromoter.promote(bundle(tmp.resolve("b3")), vectors, "Bad Id!", List.of(), null));
        assertTrue(badId.getMessage().contains("use lower-case letters"), badId.getMessage());
    }

    // ---------------------------------------------------------------- broken vector files: one line each

    static String loadError(Path vectors) {
        IOException e = assertThrows(IOException.class, () -> VectorSet.loadAll(vectors, true));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    static void edit(Path f, String from, String to) throws IOException {
        String s = Files.readString(f, StandardCharsets.UTF_8);
        assertTrue(s.contains(from), f + " holds " + from);
        Files.writeString(f, s.replace(from, to), StandardCharsets.UTF_8);
    }

    @Test
    void aChangedTensorFileFailsItsHash(@TempDir Path tmp) throws IOException {
        Path v = copyOfCommitted(tmp);
        Path f = v.resolve("dispatch/worked-example/in_inp.npy");
        byte[] b = Files.readAllBytes(f);
        b[b.length - 1] ^= 0x40;
        Files.write(f, b);
        String m = loadError(v);
        assertTrue(m.contains("dispatch/worked-example/in_inp.npy: SHA-256 ") && m.contains("does not match the manifest's"), m);
        assertTrue(VectorSet.verify(v).stream().anyMatch(p -> p.startsWith("dispatch/worked-example: ")));
    }

    @Test
    void anEditedExpectedOutputIsDriftEvenWithAFixedHash(@TempDir Path tmp) throws IOException {
        Path v = copyOfCommitted(tmp);
        Path dir = v.resolve("dispatch/worked-example");
        Tensor t = Npy.read(dir.resolve("exp_output.npy"), DType.F32);
        t.setF32(0, 0, 99f);
        Npy.write(t, dir.resolve("exp_output.npy"));
        JsonNode m = JsonFile.object(dir.resolve("case.json"));
        edit(dir.resolve("case.json"), m.path("expected").path("output").path("sha256").asText(), Sha256.of(dir.resolve("exp_output.npy")));
        assertEquals(List.of("dispatch/worked-example: expected 'output' differs from the oracle's (regenerate, or the oracle changed)"), VectorSet.verify(v));
    }

    @Test
    void malformedManifestsAndIndexes(@TempDir Path tmp) throws IOException {
        Path v = copyOfCommitted(tmp);
        Path mf = v.resolve("combine/padded/case.json");
        String good = Files.readString(mf);

        Files.writeString(mf, good.substring(0, good.length() / 2));
        assertTrue(loadError(v).matches(".*combine/padded/case.json: not valid JSON: .*"), loadError(v));

        Files.writeString(mf, good.replace("\"format_version\" : 1", "\"format_version\" : 2"));
        assertTrue(loadError(v).endsWith("combine/padded/case.json: format version 2, this permcheck reads 1"), loadError(v));

        Files.writeString(mf, good.replace("\"unspecified-slots\"", "\"shiny\""));
        assertTrue(loadError(v).endsWith("features not in the closed list: [shiny]"), loadError(v));

        Files.writeString(mf, good.replace("\"op\" : \"token_combine\"", "\"op\" : \"token_mix\""));
        assertTrue(loadError(v).endsWith("combine/padded/case.json: unknown op 'token_mix'"), loadError(v));

        Files.writeString(mf, good.replace("\"file\" : \"in_inp.npy\"", "\"file\" : \"../../dispatch/f16/in_inp.npy\""));
        assertTrue(loadError(v).contains("names a bad file '../../dispatch/f16/in_inp.npy'"), loadError(v));

        Files.writeString(mf, good);
        Files.delete(v.resolve("combine/padded/in_row_id_map.npy"));
        assertTrue(loadError(v).endsWith("tensor 'row_id_map': missing file in_row_id_map.npy"), loadError(v));

        edit(v.resolve("index.json"), "\"combine/padded\"", "\"../outside\"");
        assertTrue(loadError(v).contains("case id '../outside' leaves the vector directory"), loadError(v));

        Files.delete(v.resolve("index.json"));
        assertTrue(loadError(v).endsWith(": no index.json (not a vector directory)"), loadError(v));
    }
}
