package org.permcheck.zoo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.permcheck.engine.exec.ExecBackend;

/**
 * The mutant zoo: every planted CPU bug, the engine's CPU backend with a post-hoc bug on its answer, and the protocol-level mutants written with the Python
 * kit (the numpy example port's own PERMCHECK_PLANT_BUG bugs and the wrappers of
 * adapters/python/examples/mutants/numpy_mutants.py), each run through ExecBackend.
 */
final class Catalogue {
    private Catalogue() {}

    /** The repository root (tests run in zoo/, the kill-matrix main from the root or zoo/). */
    static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("adapters/python/examples/numpy_port.py"))) return p;
        }
        return here;
    }

    static Path numpyPort() { return repoRoot().resolve("adapters/python/examples/numpy_port.py"); }

    static Path numpyMutants() { return repoRoot().resolve("adapters/python/examples/mutants/numpy_mutants.py"); }

    static List<Mutant> cpu() {
        List<Mutant> out = new ArrayList<>();
        for (Bug b : Bug.values()) {
            if (b == Bug.NONE || b.freedom) continue;
            out.add(new Mutant(b.id, "cpu", b.bugClass, b.fieldRef, b.rule, () -> new PlantedCpuBackend(b)));
        }
        for (DecoratedCpuBackend.Decoration d : DecoratedCpuBackend.Decoration.values()) {
            out.add(new Mutant(d.id, "cpu-decorated", d.bugClass, d.fieldRef, d.rule, () -> new DecoratedCpuBackend(d)));
        }
        // group B: hunted with the robustness tier's probes (KillSearch.hunt(Mutant, ...)), correct on every valid input
        PastNumOutDispatch.Mode te = PastNumOutDispatch.Mode.WRITES_PAST;
        out.add(new Mutant(te.id, "cpu-robustness", te.bugClass, te.fieldRef, te.rule, () -> new PastNumOutDispatch(te)));
        return out;
    }

    /** The numpy port's own planted bugs (PERMCHECK_PLANT_BUG) and the wrapper mutants. */
    static List<Mutant> protocol() {
        List<Mutant> out = new ArrayList<>();
        String port = "python3 " + numpyPort();
        out.add(env("zero-prob", "dispatch copies the row when its probability is 0.0", "TE PR #2026", "D3", port));
        out.add(env("token-order", "dispatch orders every expert's rows by descending token", "SGLang PR #33511", "D1", port));
        out.add(env("pad-offsets", "pad_offsets one too large for the last expert", "vLLM PR #55896", "P1", port));
        out.add(env("combine-weights", "combine ignores the merging prob of the highest routed expert", "MaxText #4905", "C1", port));
        out.add(env("chunk-tail", "chunk sort zeroes the rows past sum(split_sizes)", "TE #2672", "S2", port));
        out.add(env("index-minus-one", "index form: -1 slots scattered with numpy indexing land on expert E-1", "vLLM PR #46408", "I4", port));
        out.add(env("index-weights-sorted", "index form: weights paired with the row's sorted ids, not by slot", "LeetGPU-challenges #255", "I3", port));
        out.add(env("maxtext-unstable-sort", "maxtext: the flat ids argsorted unstably (an expert's slots last-first)", "JAX #2779", "J3", port));
        out.add(env("align-only-first-slot", "moe_align_block_size keeps only each group's first slot, the others the sentinel", "vllm-xpu-kernels #453", "K2", port));
        out.add(env("scales-unpermuted", "quantized dispatch: permuted_scale_inv row r is scale_inv row r, not its token's",
                "TE permute kernel's PERMUTE_SCALE (docs/sources.md#quantized-scales)", "F2", port));
        out.add(env("inference-pad-rows-unset", "mcore_inference_permute: the pad rows of permutation_map left 0, not -1",
                "Megatron-LM PR #4258 (the -1 init of permutation_map)", "V4", port));
        String wrapper = "python3 " + numpyMutants() + " --mutant ";
        out.add(wrapped("tpe-int64", "tokens_per_expert int64 in the te-jax profile", "TE #2613", "N1", wrapper));
        out.add(wrapped("row-id-map-ascending", "row_id_map valid slots in ascending expert order", "docs/sources.md#te-2-1", "M2", wrapper));
        out.add(wrapped("receiver-offsets", "receiver-side ragged all-to-all output_offsets", "marin PR #4867", "A1", wrapper));
        out.add(wrapped("unrouted-garbage", "combine leaves tokens routed nowhere uninitialized (NaN)", "MaxText PR #4898", "C3", wrapper));
        return out;
    }

    static List<Mutant> all() {
        List<Mutant> out = new ArrayList<>(cpu());
        out.addAll(protocol());
        return out;
    }

    private static Mutant env(String bug, String what, String ref, String rule, String port) {
        String cmd = "PERMCHECK_PLANT_BUG=" + bug + " " + port;
        return new Mutant("proto:" + bug, "protocol", what, ref, rule, () -> ExecBackend.forCommand(cmd));
    }

    private static Mutant wrapped(String name, String what, String ref, String rule, String wrapper) {
        String cmd = wrapper + name;
        return new Mutant("proto:" + name, "protocol", what, ref, rule, () -> ExecBackend.forCommand(cmd));
    }
}
