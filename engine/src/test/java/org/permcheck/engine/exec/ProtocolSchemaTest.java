package org.permcheck.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.spi.NotSupportedException;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Every line that crosses the protocol in a real session (the engine's requests and the Python
 * kit's answers, recorded with tee while the runner judges cases) conforms to
 * docs/protocol.schema.json, and the schema rejects malformed messages.
 */
class ProtocolSchemaTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static MiniJsonSchema schema() throws Exception {
        return new MiniJsonSchema(JSON.readTree(Python.REPO.resolve("docs/protocol.schema.json").toFile()));
    }

    @Test
    void aRecordedSessionWithTheNumpyPortConforms(@TempDir Path tmp) throws Exception {
        assumeTrue(Python.hasNumpy(), "python3 with numpy not found");
        Path req = tmp.resolve("requests.jsonl");
        Path ans = tmp.resolve("answers.jsonl");
        String cmd = "tee " + req + " | " + Python.numpyPort() + " | tee " + ans;
        Tensor map = Tensor.i32(new long[] {3, 2}, 1, 0, 1, 1, 0, 0);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("inp", Tensor.zeros(DType.BF16, 3, 4));
        in.put("routing_map", map);
        Invocation ok = new Invocation(Op.DISPATCH, Profile.TE_JAX, in, Map.of("num_out_tokens", 3L, "align_size", 2L));
        Invocation tooFew = new Invocation(Op.DISPATCH, Profile.TE_JAX, in, Map.of("num_out_tokens", 1L));
        Invocation fp8Combine = new Invocation(Op.COMBINE, Profile.TE_JAX,
                Map.of("inp", Tensor.zeros(DType.F8E4M3, 3, 4), "row_id_map", Tensor.i32(new long[] {1, 5}, 0, 1, 0, 1, 2)), Map.of());
        List<ExecBackend> made = new ArrayList<>();
        RunOptions once = RunOptions.defaults().withDeterminism(false).withRoundTrip(false).withCaseTimeout(Duration.ofSeconds(30));
        // one backend, one process, one recorded session: a re-created backend would restart the tees
        try (Runner runner = new Runner(() -> { made.add(ExecBackend.forCommand(cmd)); return made.get(made.size() - 1); }, once)) {
            CaseResult r = runner.judge(new Case("schema/dispatch", ok, List.of("D1"), Set.of(), null, "vector")).result();
            assertEquals(Status.PASS, r.status(), r.detail());
            // the runner never sends a call the oracle rejects (X3, X5): our HARNESS_ERROR, the backend sees nothing
            for (Invocation bad : List.of(tooFew, fp8Combine)) {
                CaseResult x = runner.judge(new Case("schema/" + bad.op().wireName(), bad, List.of("X3"), Set.of(), null, "vector")).result();
                assertEquals(Status.HARNESS_ERROR, x.status(), x.detail());
            }
            // so the port's error and not_supported answers are asked for on the protocol client itself
            ProtocolException e = assertThrows(ProtocolException.class, () -> made.get(0).run(tooFew));
            assertTrue(e.getMessage().startsWith("backend error: ValueError: [X3]"), e.getMessage());
            assertThrows(NotSupportedException.class, () -> made.get(0).run(fp8Combine));
            assertEquals(1, made.size());
        }
        MiniJsonSchema s = schema();
        Set<String> types = new TreeSet<>();
        for (Path f : List.of(req, ans)) {
            for (String line : Files.readAllLines(f)) {
                JsonNode n = JSON.readTree(line);
                types.add((f == req ? "> " : "< ") + n.path("type").asText());
                assertEquals(List.of(), s.validate(n), line);
            }
        }
        assertEquals(new TreeSet<>(List.of("> bye", "> hello", "> run", "< bye", "< error", "< hello", "< not_supported", "< result")), types);
    }

    @Test
    void theSchemaRejectsMalformedMessages() throws Exception {
        MiniJsonSchema s = schema();
        for (String bad : List.of(
                "{\"type\": \"result\", \"id\": 1}",
                "{\"type\": \"result\", \"id\": \"1\", \"outputs\": {}}",
                "{\"type\": \"result\", \"id\": 1, \"outputs\": {\"output\": {\"path\": \"o.npy\", \"dtype\": \"bfloat16\", \"shape\": [1]}}}",
                "{\"type\": \"result\", \"id\": 1, \"outputs\": {\"output\": {\"path\": \"o.npy\", \"dtype\": \"f32\", \"shape\": [-1]}}}",
                "{\"type\": \"hello\", \"protocol\": 1, \"name\": \"x\", \"capabilities\": {\"ops\": [\"token_mix\"], \"dtypes\": [], \"profiles\": [], \"features\": []}}",
                "{\"type\": \"hello\", \"protocol\": 1, \"name\": \"x\", \"determinism\": {\"token_dispatch\": \"bitwise\"}, \"capabilities\": {\"ops\": [], \"dtypes\": [], \"profiles\": [], \"features\": []}}",
                "{\"type\": \"hello\", \"protocol\": 1, \"name\": \"x\", \"determinism\": {\"token_mix\": \"bit_exact\"}, \"capabilities\": {\"ops\": [], \"dtypes\": [], \"profiles\": [], \"features\": []}}",
                "{\"type\": \"not_supported\", \"id\": 3}",
                "{\"type\": \"maybe\"}")) {
            assertFalse(s.validate(JSON.readTree(bad)).isEmpty(), bad);
        }
        assertEquals(List.of(), s.validate(JSON.readTree("{\"type\": \"error\", \"id\": null, \"message\": \"not JSON\"}")));
    }
}
