package org.permcheck.engine.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.permcheck.contract.Op;
import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.engine.fuzz.CaseSpec;
import org.permcheck.engine.fuzz.SizeClass;
import org.permcheck.engine.fuzz.SizeMix;
import org.permcheck.engine.fuzz.Values;
import org.permcheck.tensor.DType;
import org.permcheck.engine.fuzz.SpecSampler;
import org.permcheck.engine.fuzz.SplitMix64;
import org.permcheck.engine.model.Case;
import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;

/**
 * The Python kit's port of the generator (adapters/python/permcheck_adapter/generator.py) against
 * the Java generator: for every sampled spec, the .npy files numpy.save writes for the Python
 * inputs must be byte for byte the files the Java codec writes for the Java inputs (which also
 * checks that both .npy writers agree), with the same attributes and input order.
 */
class PythonGeneratorPortTest {
    /**
     * Ops the size-mix draw never samples: Megatron's permute / unpermute (docs/spec.md Q1-Q6) and moe_align_block_size
     * (K1-K6), TE's index map (T1-T5), Megatron's inference permute (V1-V5) and pad_routing_map (Q7-Q9) have named edge cases only (EdgeCases,
     * MegatronInputs, BlockAlignInputs, TeIndexInputs, InferencePermuteInputs), so the Python generator port need
     * not rebuild them.
     */
    static final java.util.Set<Op> UNSAMPLED = java.util.EnumSet.of(Op.MEGATRON_PERMUTE, Op.MEGATRON_UNPERMUTE, Op.BLOCK_ALIGN, Op.TE_INDEX_PERMUTE, Op.TE_INDEX_UNPERMUTE,
            Op.TORCHAO_PERMUTE_AND_PAD, Op.TORCHAO_UNPERMUTE, Op.DEEPEP_DISPATCH_LAYOUT, Op.TE_EP_DISPATCH, Op.TE_EP_COMBINE,
            Op.MCORE_INFERENCE_PERMUTE, Op.MCORE_INFERENCE_UNPERMUTE, Op.MEGATRON_PAD_ROUTING_MAP);

    static List<String> specs() {
        Set<String> out = new LinkedHashSet<>();
        // every op at least once, then sampled specs as fuzz runs draw them
        for (Op op : Op.values()) {
            if (UNSAMPLED.contains(op)) continue;
            for (long i = 0; out.size() < 400; i++) {
                CaseSpec s = SpecSampler.sample(SplitMix64.nth(op.ordinal() + 1000, i), SizeClass.SMALL);
                if (s.op() == op && s.tokens() * (long) Math.max(1, s.hidden()) <= 4096) {
                    out.add(s.toString());
                    break;
                }
            }
        }
        for (long i = 0; out.size() < 60; i++) {
            CaseSpec s = SpecSampler.sample(SplitMix64.nth(20261126L, i), SizeClass.SMALL);
            if (s.tokens() * (long) Math.max(1, s.hidden()) <= 4096) out.add(s.toString());
        }
        // the fields of a size mix's draws (issue 11): bool and int64 routing maps, distinct values of every dtype
        Set<String> reached = new LinkedHashSet<>();
        SizeMix mix = SizeMix.all().withBounds(40, 16, 8, 4);
        // and the index form (issue 14) with int32 and int64 ids
        for (long i = 0; reached.size() < 2 + 5 + 2 || i < 40; i++) {
            CaseSpec s = SpecSampler.draw(SplitMix64.nth(20261203L, i), mix).spec();
            String key = s.indexForm() ? "index " + s.routingDtype() : s.routingDtype() != DType.I32 ? "routing " + s.routingDtype()
                    : s.values() == Values.DISTINCT ? "distinct " + s.dtype() : null;
            if (i < 40 || key != null && reached.add(key)) out.add(s.toString());
        }
        // profile maxtext (docs/generator.md section 7a): the quick tier's edge cases, which no sampler draws
        for (CaseSpec s : org.permcheck.engine.fuzz.EdgeCases.quick().values()) {
            if (s.profile() == org.permcheck.contract.Profile.MAXTEXT) out.add(s.toString());
            if (s.scaleRecipe() != 0) out.add(s.toString()); // block scales (docs/generator.md section 7c): both recipes, both forms
        }
        return new ArrayList<>(out);
    }

    @Test
    void pythonRebuildsEveryInputByteForByte(@TempDir Path tmp) throws Exception {
        assumeTrue(Python.hasNumpy(), "python3 with numpy not found: the Python generator port cannot be compared");
        List<String> specs = specs();
        assertEquals(Op.values().length - UNSAMPLED.size(), specs.stream().map(s -> s.split(" ")[0]).distinct().count(), "every sampled op");
        assertTrue(specs.stream().anyMatch(s -> s.contains("routing_form=index") && s.contains("probs=true")), "an index-form dispatch with weights");
        Process p = new ProcessBuilder("python3", Python.REPO.resolve("adapters/python/tools/generate_inputs.py").toString(), tmp.toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().write(String.join("\n", specs).getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "python generator finished");
        assertEquals(0, p.exitValue(), log);

        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < specs.size(); i++) {
            CaseSpec spec = CaseSpec.parse(specs.get(i));
            Case c = CaseGenerator.generate("port/" + i, spec, null, "property");
            Path dir = tmp.resolve(Integer.toString(i));
            JsonNode meta = json.readTree(dir.resolve("case.json").toFile());
            List<String> order = new ArrayList<>();
            meta.path("order").forEach(n -> order.add(n.asText()));
            assertEquals(new ArrayList<>(c.invocation().inputs().keySet()), order, "input order of " + spec);
            for (Map.Entry<String, Tensor> e : c.invocation().inputs().entrySet()) {
                byte[] java = Npy.toBytes(e.getValue());
                byte[] python = Files.readAllBytes(dir.resolve(e.getKey() + ".npy"));
                assertArrayEquals(java, python, e.getKey() + " of " + spec);
                assertEquals(e.getValue().dtype().id(), meta.path("dtypes").path(e.getKey()).asText(), e.getKey() + " dtype of " + spec);
            }
            Map<String, Long> attrs = c.invocation().attrs();
            assertEquals(attrs.size(), meta.path("attrs").size(), "attributes of " + spec);
            attrs.forEach((k, v) -> assertEquals(v.longValue(), meta.path("attrs").path(k).asLong(), k + " of " + spec));
        }
    }
}
