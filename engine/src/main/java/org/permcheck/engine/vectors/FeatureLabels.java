package org.permcheck.engine.vectors;

import org.permcheck.contract.Ports;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The closed list of feature labels a case may carry (docs/vectors.md section 5), in the manner of
 * test262's features.txt: a label not listed here is a lint error, so coverage statistics and
 * feature filters can rely on the list. vectors/features.txt is written from this list.
 */
public final class FeatureLabels {
    private FeatureLabels() {}

    private static final Map<String, String> ALL = new LinkedHashMap<>();

    static {
        add("f32", "payload dtype float32");
        add("bf16", "payload dtype bfloat16 (stored as <u2 bits)");
        add("f16", "payload dtype float16");
        add("fp8-e4m3", "payload dtype float8 e4m3fn (stored as |u1 bits, moved only)");
        add("fp8-e5m2", "payload dtype float8 e5m2 (stored as |u1 bits, moved only)");
        add("mixed-dtypes", "probabilities in another float dtype than the payload");
        add("probs", "dispatch / chunk sort with probs (permuted_probs output)");
        add("zero-prob", "a routed probability of +0.0 or -0.0 (the row is zeroed, D3)");
        add("nan-prob", "a routed probability that is NaN (the row is copied)");
        add("merging-probs", "combine with merging_probs");
        add("padding", "align_size given (padded layout, pad_offsets)");
        add("align-1", "align_size 1 (padded buffer with the unpadded layout)");
        add("extra-rows", "num_out_tokens above the routed pairs (unspecified / zero tail)");
        add("unrouted-token", "a token routed to no expert");
        add("empty-expert", "an expert that receives no token");
        add("single-expert", "E = 1");
        add("all-routed", "every token routed to every expert");
        add("int32-routing-map", "routing_map given as int32 (generated cases: the routing dtype they drew)");
        add("bool-routing-map", "routing_map given as bool");
        add("int64-routing-map", "routing_map given as int64");
        add("int64-index", "index inputs given as int64");
        add("index-form", "token_dispatch given topk_ids (and topk_weights) in place of routing_map (docs/spec.md I1-I4)");
        add("minus-one-slot", "a topk_ids slot of -1: no expert (I4)");
        add("negative-zero", "-0.0 in a payload (bit copies keep it)");
        add("nan-payload", "NaN with a payload in a payload tensor (bit copies keep it)");
        add("special-values", "infinities, subnormals or extreme magnitudes in a reduction");
        add("cancellation", "a reduction whose terms cancel (tolerance slack matters)");
        add("unspecified-slots", "garbage in slots the contract leaves unspecified (must not be read)");
        add("torch-mask-pad", "the torch-mask-pad profile");
        add("maxtext", "the maxtext profile: MaxText's argsort permute (docs/spec.md J1-J4)");
        add("roll", "a maxtext dispatch with roll_to_expert_id > 0 (J4)");
        add("quantized", "an fp8 dispatch with block scales, scale_inv moved as permuted_scale_inv (docs/spec.md F1-F4)");
        add("fp8-block-1x128", "block scales of recipe 1: f32, one per 1x128 block (Float8BlockwiseQTensor)");
        add("mxfp8", "block scales of recipe 2: E8M0 bytes, one per 1x32 block (MXFP8Tensor)");
        add("gradient", "a backward (VJP) op");
        add("chunk-sort", "sort_chunks_by_index or its backward");
        add("zero-size-chunk", "a chunk of size 0");
        add("tail-rows", "rows beyond sum(split_sizes), which stay in place");
        add("expert-parallel", "ragged all-to-all parameters and local permutes");
        add("precondition", "a negative vector: the input is outside the contract (group X)");
        add("generated", "inputs made by the seeded generator (docs/generator.md)");
        add("size-small", "a generated case of size class small (docs/generator.md section 9)");
        add("size-medium", "a generated case of size class medium");
        add("size-boundary", "a generated case of size class boundary (multi-block edges of T and E)");
        add("size-large", "a generated case of size class large (production shapes)");
        add("size-xl", "a generated case of size class xl (beyond the oracle's budget; --sizes xl only)");
        add("relations", "a case also judged by the oracle-free relations R3, R4 (docs/checks.md, Relations)");
        add("oracle-not-run", "a case judged by R3/R4 and the bound and guard checks only, the oracle not run");
        add("fuzz-found", "promoted from a shrunk fuzz counterexample");
        add("large", "too large to commit: regenerated from its recipe, pinned by hash");
        add("megatron", "Megatron-Core permute / unpermute with sorted_indices (docs/spec.md Q1-Q6)");
        add("drop-and-pad", "Megatron drop_and_pad: a capacity per expert, tokens dropped or padded (Q3, Q4)");
        add("block-align", "vLLM / SGLang moe_align_block_size, groups judged as multisets (docs/spec.md K1-K6)");
        add("pad-sorted-ids", "moe_align_block_size with pad_sorted_ids: the buffer rounded up to the block (K1)");
        add("expert-map", "moe_align_block_size with an expert_map: local ids, -1 off the rank (K6)");
        add("block-align-large-path", "moe_align_block_size at the shape of the kernels' atomic path, T*K >= 1024 or E > 64 (K2)");
        add("padded-permute", "torchao's padded permute after the all-to-all / torchtitan's unpermute: rank-major chunks to expert-major padded groups (docs/spec.md W1-W6)");
        add("padded-permute-one-rank", "torchao_permute_and_pad with ep_degree 1: only the padding (W1)");
        add("padded-permute-align-1", "torchao_permute_and_pad with alignment 1: no pad rows, a tail of E_l rows (W2, W5)");
        add("padded-permute-empty-expert", "torchao_permute_and_pad with a local expert no rank sends to: A pad rows all the same (W2, torchtitan #1166)");
        add("te-index-map", "TE's index-map permute, te_index_permute: a stable uint32 sort of indices[T,K] (docs/spec.md T1-T4)");
        add("index-map-minus-one", "te_index_permute with -1 sentinels in indices, sorted last (T1)");
        add("index-map-drop", "te_index_permute with num_out_tokens below T*K: the last sorted slots dropped (T4)");
        add("index-map-rows-past-slots", "te_index_permute with num_out_tokens above T*K: the rows past T*K unspecified (T3)");
        add("index-map-duplicate-ids", "te_index_permute with the same id twice in a row: two slots (T1)");
        add("index-map-unpermute", "te_index_unpermute: the gather back through a k-major row_id_map, summed in the payload dtype (T5)");
        add("inference-permute", "Megatron-Core's inference permute, mcore_inference_permute: positions claimed by atomics, -1 pad rows, a fixed buffer (docs/spec.md V1-V5)");
        add("inference-permute-ep", "mcore_inference_permute on one rank of several: ids outside [local_expert_start, +L) skipped (V2)");
        add("inference-permute-aligned", "mcore_inference_permute with alignment > 1: -1 pad rows at each group's tail (V4)");
        add("inference-permute-valid-tokens", "mcore_inference_permute with valid_tokens below T: the last rows not read (V2)");
        add("inference-unpermute", "Megatron-Core's inference unpermute, mcore_inference_unpermute: an fp32 atomic scatter-add up to n_used (V6)");
        add("index-map-large-ids", "te_index_permute with ids near 2^31 - 1: no bound by E (T1)");
        add("deepep-layout", "DeepEP's get_dispatch_layout, deepep_dispatch_layout: per-rank and per-expert counts and is_token_in_rank (docs/spec.md L1-L3)");
        add("layout-minus-one", "deepep_dispatch_layout with -1 slots in topk_idx: counted nowhere (L1-L3)");
        add("layout-no-tokens", "deepep_dispatch_layout with T = 0: every count 0, is_token_in_rank [0,R] (L1-L3)");
        add("layout-int32-ids", "deepep_dispatch_layout with int32 topk_idx (a build's topk_idx_t, DeepEP PR #422)");
        add("layout-rank-dedup", "deepep_dispatch_layout with a token naming two experts of one rank: counted once for the rank (L1)");
        add("te-ep", "TE's ep_dispatch / ep_combine in the world view, te_ep_dispatch / te_ep_combine: every rank's slabs in one call (docs/spec.md Y1-Y4)");
        add("ep-aligned-slabs", "te_ep_dispatch with alignment > 1: slabs padded with zero rows (Y2)");
        add("ep-empty-expert", "te_ep_dispatch with a local expert that receives nothing: an empty slab, no rows (Y1)");
        add("ep-capacity-bound", "te_ep_dispatch with a rank whose padded total is exactly recv_capacity (X37's bound)");
        add("ep-one-rank", "te_ep_dispatch with one rank (S = 1)");
        add("pad-routing-map", "Megatron-Core's pad_routing_map, megatron_pad_routing_map: each expert's count padded to a multiple of pad_multiple with its lowest non-routed tokens (docs/spec.md Q7, Q8)");
        add("pad-already-aligned", "megatron_pad_routing_map where some non-empty expert's count is already a multiple of pad_multiple: nothing added to it (Q7)");
        add("pad-empty-expert", "megatron_pad_routing_map with an expert routed nothing: 0 is aligned, the column stays empty (Q7)");
        add("pad-too-few-tokens", "megatron_pad_routing_map where align_up(count, m) > T: every cell of the column set, the count T (Q9, Megatron-LM #6086)");
        add("pad-multiple-one", "megatron_pad_routing_map with pad_multiple = 1: the map unchanged (Q7)");
    }

    private static void add(String label, String description) {
        ALL.put(label, description);
    }

    /** label -> one-line description, in list order. */
    public static Map<String, String> all() { return Collections.unmodifiableMap(ALL); }

    public static boolean known(String label) { return ALL.containsKey(label); }

    /** The labels of {@code labels} that are not in the list. */
    public static List<String> unknown(Iterable<String> labels) {
        List<String> out = new java.util.ArrayList<>();
        for (String l : labels) if (!known(l)) out.add(l);
        return out;
    }

    /**
     * The closed-list label for one of the engine generator's coverage labels
     * ({@code org.permcheck.engine.fuzz.CaseGenerator}: "padded", "dtype:bf16", "token_nowhere", ...),
     * or null when it has none. Lets a promoted fuzz case keep what is known about it.
     */
    public static String fromEngineLabel(String l) {
        if (known(l)) return l;
        if (l.startsWith("dtype:")) {
            String d = l.substring(6);
            return d.equals("f8e4m3") ? "fp8-e4m3" : d.equals("f8e5m2") ? "fp8-e5m2" : known(d) ? d : null;
        }
        if (l.startsWith("shards:")) return "expert-parallel";
        if (l.startsWith("scale:")) return known(l.substring(6)) ? l.substring(6) : null;
        if (l.startsWith("values:")) {
            return l.equals("values:specials") ? "special-values" : l.equals("values:bits") ? "nan-payload" : null;
        }
        switch (l) {
            case "padded": return "padding";
            case "align:1": return "align-1";
            case "zero_probs": return "zero-prob";
            case Ports.MERGING_PROBS: return "merging-probs";
            case "empty_expert": return "empty-expert";
            case "token_nowhere": return "unrouted-token";
            case "k=E": return "all-routed";
            case "E=1": return "single-expert";
            case "num_out>used": return "extra-rows";
            case "profile:torch-mask-pad": return "torch-mask-pad";
            case "chunk:zero_size": return "zero-size-chunk";
            case "chunk:tail": return "tail-rows";
            case "ep:slack_rows": return "tail-rows";
            default: return null;
        }
    }

    /** The text of vectors/features.txt. */
    public static String featuresTxt() {
        StringBuilder sb = new StringBuilder("# permcheck vector feature labels (closed list; docs/vectors.md section 5)\n");
        sb.append("# generated from org.permcheck.engine.vectors.FeatureLabels; do not edit\n");
        ALL.forEach((k, v) -> sb.append(k).append(" ".repeat(Math.max(1, 20 - k.length()))).append(v).append('\n'));
        return sb.toString();
    }
}
