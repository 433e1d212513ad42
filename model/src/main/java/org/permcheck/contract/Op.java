package org.permcheck.contract;

import java.util.List;
import java.util.Locale;

import static org.permcheck.contract.Port.Kind.DATA;
import static org.permcheck.contract.Port.Kind.INDEX;
import static org.permcheck.contract.Port.Kind.REDUCTION;
import static org.permcheck.contract.Port.in;
import static org.permcheck.contract.Port.optIn;
import static org.permcheck.contract.Port.optOut;
import static org.permcheck.contract.Port.out;
import static org.permcheck.contract.OutputShape.COUNTS;
import static org.permcheck.contract.OutputShape.attrCount;
import static org.permcheck.contract.OutputShape.attrTimesRow;
import static org.permcheck.contract.OutputShape.dim;
import static org.permcheck.contract.OutputShape.dispatchExperts;
import static org.permcheck.contract.OutputShape.dispatchRows;
import static org.permcheck.contract.OutputShape.dispatchTokens;
import static org.permcheck.contract.OutputShape.rowElems;
import static org.permcheck.contract.OutputShape.rowsOf;
import static org.permcheck.contract.OutputShape.rowsTimesRow;
import static org.permcheck.contract.OutputShape.sameAs;

/**
 * The operations of the contract, with their tensor names. The same names are used by the
 * oracle, the Java SPI, vector manifests and the subprocess protocol (docs/spec.md, "Operations").
 * Integer parameters travel as attributes ({@link Invocation#attrs()}), tensors by name.
 */
public enum Op {
    /**
     * TE {@code token_dispatch}: attrs num_out_tokens (required), align_size (absent = no padding).
     * The routing comes in one of two forms (X9): {@code routing_map[T,E]} (with {@code probs[T,E]}),
     * or the index form {@code topk_ids[T,k]} (with {@code topk_weights[T,k]} and the
     * {@code num_experts} attribute), which the oracle reads as the same assignment table (I1-I4).
     * A quantized payload (fp8 {@code inp}) may bring its block scales, {@code scale_inv[T,B]} with the
     * {@code scale_recipe} attribute; they travel with their rows as {@code permuted_scale_inv} (F1-F4, X22).
     */
    DISPATCH("token_dispatch",
            List.of(in(Ports.INP), optIn(Ports.ROUTING_MAP), optIn(Ports.PROBS), optIn(Ports.TOPK_IDS), optIn(Ports.TOPK_WEIGHTS),
                    optIn(Ports.SCALE_INV)),
            List.of(out(Ports.OUTPUT, DATA, inv -> dispatchRows(inv) * rowElems(inv, Ports.INP)),
                    optOut(Ports.PERMUTED_PROBS, DATA, OutputShape::dispatchRows),
                    // M1: [T, 2E+1]
                    out(Ports.ROW_ID_MAP, INDEX, inv -> dispatchTokens(inv) * (2 * dispatchExperts(inv) + 1)),
                    optOut(Ports.PAD_OFFSETS, INDEX, OutputShape::dispatchExperts),
                    out(Ports.TOKENS_PER_EXPERT, INDEX, OutputShape::dispatchExperts),
                    // J3: maxtext only, one entry per slot of topk_ids
                    optOut(Ports.SORTED_SELECTED_EXPERTS, INDEX, OutputShape::dispatchSlots),
                    // F1: [rows, B], B the columns of scale_inv
                    optOut(Ports.PERMUTED_SCALE_INV, DATA, inv -> dispatchRows(inv) * rowElems(inv, Ports.SCALE_INV))),
            List.of(Attrs.NUM_OUT_TOKENS, Attrs.ALIGN_SIZE, Attrs.NUM_EXPERTS, Attrs.ROLL_TO_EXPERT_ID, Attrs.SCALE_RECIPE), true),
    /** TE {@code token_combine}. */
    COMBINE("token_combine",
            List.of(in(Ports.INP), in(Ports.ROW_ID_MAP), optIn(Ports.MERGING_PROBS), optIn(Ports.PAD_OFFSETS)),
            // C1: [T, H], T from row_id_map, however few rows inp has
            List.of(out(Ports.OUTPUT, REDUCTION, rowsTimesRow(Ports.ROW_ID_MAP, Ports.INP))),
            List.of(), true),
    /** VJP of dispatch: the cotangents of output (and permuted_probs) back to inp (and probs). */
    DISPATCH_BACKWARD("token_dispatch_backward",
            List.of(in(Ports.GRAD_OUTPUT), in(Ports.ROW_ID_MAP), optIn(Ports.GRAD_PERMUTED_PROBS), optIn(Ports.PAD_OFFSETS)),
            // [T, H] and [T, E] (E <= 2E+1, the width of row_id_map)
            List.of(out(Ports.GRAD_INP, REDUCTION, rowsTimesRow(Ports.ROW_ID_MAP, Ports.GRAD_OUTPUT)),
                    optOut(Ports.GRAD_PROBS, DATA, rowsTimesRow(Ports.ROW_ID_MAP, Ports.ROW_ID_MAP))),
            List.of(), true),
    /** VJP of combine: the cotangent of the combined output back to the permuted rows and merging probs. */
    COMBINE_BACKWARD("token_combine_backward",
            List.of(in(Ports.GRAD_OUTPUT), in(Ports.ROW_ID_MAP), in(Ports.FWD_INPUT), optIn(Ports.MERGING_PROBS), optIn(Ports.PAD_OFFSETS)),
            // the shape of fwd_input (the dispatch buffer) and [T, E]
            List.of(out(Ports.GRAD_INP, DATA, sameAs(Ports.FWD_INPUT)),
                    optOut(Ports.GRAD_MERGING_PROBS, REDUCTION, rowsTimesRow(Ports.ROW_ID_MAP, Ports.ROW_ID_MAP))),
            List.of(), true),
    /** TE {@code sort_chunks_by_index}. */
    SORT_CHUNKS("sort_chunks_by_index",
            List.of(in(Ports.INP), in(Ports.SPLIT_SIZES), in(Ports.SORTED_INDICES), optIn(Ports.PROBS)),
            List.of(out(Ports.OUTPUT, DATA, sameAs(Ports.INP)), out(Ports.ROW_ID_MAP, INDEX, rowsOf(Ports.INP)),
                    optOut(Ports.PERMUTED_PROBS, DATA, rowsOf(Ports.INP))),
            List.of()),
    /** VJP of the chunk sort: gathers the cotangent back through the chunk-sort map. */
    SORT_CHUNKS_BACKWARD("sort_chunks_by_index_backward",
            List.of(in(Ports.GRAD_OUTPUT), in(Ports.ROW_ID_MAP), optIn(Ports.GRAD_PERMUTED_PROBS)),
            List.of(out(Ports.GRAD_INP, DATA, sameAs(Ports.GRAD_OUTPUT)), optOut(Ports.GRAD_PROBS, DATA, rowsOf(Ports.GRAD_OUTPUT))),
            List.of()),
    /** TE {@code compute_ragged_all_to_all_params}: attrs shard_id, num_shards. */
    RAGGED_A2A_PARAMS("compute_ragged_all_to_all_params",
            List.of(in(Ports.ALL_SHARDS_TOKENS_PER_EXPERT)),
            // one entry per shard (at most the [num_shards, E] counts' elements)
            List.of(out(Ports.INPUT_OFFSETS, INDEX, COUNTS), out(Ports.SEND_SIZES, INDEX, COUNTS),
                    out(Ports.OUTPUT_OFFSETS, INDEX, COUNTS), out(Ports.RECV_SIZES, INDEX, COUNTS)),
            List.of(Attrs.SHARD_ID, Attrs.NUM_SHARDS)),
    /** TE {@code compute_reverse_ragged_all_to_all_params}: attrs shard_id, num_shards. */
    REVERSE_RAGGED_A2A_PARAMS("compute_reverse_ragged_all_to_all_params",
            List.of(in(Ports.ALL_SHARDS_TOKENS_PER_EXPERT)),
            // one entry per shard (at most the [num_shards, E] counts' elements)
            List.of(out(Ports.INPUT_OFFSETS, INDEX, COUNTS), out(Ports.SEND_SIZES, INDEX, COUNTS),
                    out(Ports.OUTPUT_OFFSETS, INDEX, COUNTS), out(Ports.RECV_SIZES, INDEX, COUNTS)),
            List.of(Attrs.SHARD_ID, Attrs.NUM_SHARDS)),
    /** TE {@code local_permute_after_a2a}: attrs shard_id, num_shards. */
    LOCAL_PERMUTE_AFTER_A2A("local_permute_after_a2a",
            List.of(in(Ports.INP), in(Ports.ALL_SHARDS_TOKENS_PER_EXPERT)),
            List.of(out(Ports.OUTPUT, DATA, sameAs(Ports.INP)), out(Ports.LOCAL_GROUP_SIZES, INDEX, COUNTS),
                    out(Ports.SORTED_SPLIT_SIZES, INDEX, COUNTS), out(Ports.INVERSE_CHUNK_INDICES, INDEX, COUNTS)),
            List.of(Attrs.SHARD_ID, Attrs.NUM_SHARDS)),
    /** TE {@code local_unpermute_before_a2a}. */
    LOCAL_UNPERMUTE_BEFORE_A2A("local_unpermute_before_a2a",
            List.of(in(Ports.INP), in(Ports.SORTED_SPLIT_SIZES), in(Ports.INVERSE_CHUNK_INDICES)),
            List.of(out(Ports.OUTPUT, DATA, sameAs(Ports.INP))),
            List.of()),
    /**
     * Megatron-Core {@code permute} (docs/spec.md Q1-Q4): {@code routing_map[T,E]} (and {@code probs[T,E]}) to
     * rows in (expert, token) order, with {@code sorted_indices[rows]}, the token of every row, in place of
     * TE's row_id_map; attrs num_out_tokens (required), drop_and_pad (0/1), drop_policy (0 position, 1 probs).
     * No TE profile parameter touches it, so it is judged against a backend of any profile.
     */
    MEGATRON_PERMUTE("megatron_permute",
            List.of(in(Ports.INP), in(Ports.ROUTING_MAP), optIn(Ports.PROBS)),
            // Q1, Q3: num_out_tokens rows dropless, E * (num_out_tokens // E) with drop_and_pad
            List.of(out(Ports.OUTPUT, DATA, inv -> dispatchRows(inv) * rowElems(inv, Ports.INP)),
                    optOut(Ports.PERMUTED_PROBS, DATA, OutputShape::dispatchRows),
                    out(Ports.SORTED_INDICES, INDEX, OutputShape::dispatchRows)),
            List.of(Attrs.NUM_OUT_TOKENS, Attrs.DROP_AND_PAD, Attrs.DROP_POLICY)),
    /**
     * Megatron-Core {@code unpermute} (docs/spec.md Q5, Q6): scatter-adds the rows back to their tokens
     * through {@code sorted_indices}, weighted by {@code probs[t, e(r)]} when given (with the
     * {@code routing_map} that says each row's expert); attrs num_tokens (restore_shape[0]), drop_and_pad.
     */
    MEGATRON_UNPERMUTE("megatron_unpermute",
            List.of(in(Ports.INP), in(Ports.SORTED_INDICES), optIn(Ports.PROBS), optIn(Ports.ROUTING_MAP)),
            // Q5: [num_tokens, H]
            List.of(out(Ports.OUTPUT, REDUCTION, attrTimesRow(Attrs.NUM_TOKENS, Ports.INP))),
            List.of(Attrs.NUM_TOKENS, Attrs.DROP_AND_PAD)),
    /**
     * vLLM / SGLang {@code moe_align_block_size} (docs/spec.md K1-K6): {@code topk_ids[T,K]} to the flat slots
     * {@code t*K+j} grouped by expert and padded per expert to a multiple of {@code block_size} with the sentinel
     * {@code T*K}, the expert of every block and the padded row count; optional {@code expert_map[E]} (K6);
     * attrs block_size, num_experts (both required), pad_sorted_ids (0/1). The order inside a group is
     * unspecified ({@link GroupOrder#MULTISET}, K2); no profile parameter touches the op.
     */
    BLOCK_ALIGN("moe_align_block_size",
            List.of(in(Ports.TOPK_IDS), optIn(Ports.EXPERT_MAP)),
            // K1: T*K + E*(B-1) (rounded up to B with pad_sorted_ids); K4: one per block; K5: [1]
            List.of(out(Ports.SORTED_TOKEN_IDS, INDEX, OutputShape::alignedSlots),
                    out(Ports.EXPERT_IDS, INDEX, OutputShape::alignedBlocks),
                    out(Ports.NUM_TOKENS_POST_PADDED, INDEX, inv -> 1)),
            List.of(Attrs.BLOCK_SIZE, Attrs.NUM_EXPERTS, Attrs.PAD_SORTED_IDS)),
    /**
     * TransformerEngine's index-map {@code moe_permute(map_type="index")} (docs/spec.md T1-T4): the flat slots
     * {@code j = t*K+k} of {@code indices[T,K]} (int32) sorted stably by expert id read as uint32 (T1, -1 last),
     * {@code output[p] = inp[t]} for the first num_out_tokens sorted slots (T3, T4) and a k-major
     * {@code row_id_map[k*T+t]} (T2); attr num_out_tokens (0 = T*K). There is no E; no profile parameter touches it.
     */
    TE_INDEX_PERMUTE("te_index_permute",
            List.of(in(Ports.INP), in(Ports.INDICES)),
            // T3, T4: [num_out_tokens, H] (0 = T*K); T2: int32[T*K]
            List.of(out(Ports.OUTPUT, DATA, inv -> OutputShape.indexPermuteRows(inv) * rowElems(inv, Ports.INP)),
                    out(Ports.ROW_ID_MAP, INDEX, OutputShape::indexSlots)),
            List.of(Attrs.NUM_OUT_TOKENS)),
    /**
     * TransformerEngine's index-map {@code moe_unpermute(map_type="index")} (docs/spec.md T5): token t gathers the
     * rows {@code row_id_map[k*T+t]} it kept (-1 skipped), weighted by {@code merging_probs[t,k]} (f32) when given,
     * summed k ascending in the payload dtype; attrs num_tokens (T) and top_k (K).
     */
    TE_INDEX_UNPERMUTE("te_index_unpermute",
            List.of(in(Ports.INP), in(Ports.ROW_ID_MAP), optIn(Ports.MERGING_PROBS)),
            // T5: [T, H]
            List.of(out(Ports.OUTPUT, REDUCTION, attrTimesRow(Attrs.NUM_TOKENS, Ports.INP))),
            List.of(Attrs.NUM_TOKENS, Attrs.TOP_K)),
    /**
     * torchao {@code permute_and_pad} as torchtitan's {@code TorchAOTokenDispatcher} calls it after the all-to-all
     * (docs/spec.md W1-W5): the received rows {@code inp[T,H]}, rank-major chunks counted by
     * {@code num_tokens_per_expert[R*E_l]}, reordered expert-major (W1), each local expert's group padded to a
     * multiple of {@code alignment} (an empty one to A rows, W2) with zero rows and index -1 (W4), group end
     * offsets (W3), -1 / zero rows past the last group up to {@code max_len = round_up(T + E_l*A, A)} (W5);
     * attrs ep_degree, num_local_experts, alignment.
     */
    TORCHAO_PERMUTE_AND_PAD("torchao_permute_and_pad",
            List.of(in(Ports.INP), in(Ports.NUM_TOKENS_PER_EXPERT)),
            // W5: [max_len, H] and int32[max_len]; W2, W3: int32[E_l]
            List.of(out(Ports.OUTPUT, DATA, inv -> PadPermutePreconditions.maxLen(inv) * rowElems(inv, Ports.INP)),
                    out(Ports.PERMUTED_INDICES, INDEX, PadPermutePreconditions::maxLen),
                    out(Ports.NUM_TOKENS_PER_EXPERT_PADDED, INDEX, attrCount(Attrs.NUM_LOCAL_EXPERTS)),
                    out(Ports.GROUP_OFFSETS, INDEX, attrCount(Attrs.NUM_LOCAL_EXPERTS))),
            List.of(Attrs.EP_DEGREE, Attrs.NUM_LOCAL_EXPERTS, Attrs.ALIGNMENT)),
    /**
     * torchtitan's {@code TorchAOTokenDispatcher._unpermute} (docs/spec.md W6): {@code out = new_empty(T+1, H);
     * out[permuted_indices] = inp; out[:-1]}: row i of the output is the row p of inp with
     * {@code permuted_indices[p] = i}; the pad rows (-1) land on the dropped last row. Attr num_tokens (T).
     */
    TORCHAO_UNPERMUTE("torchao_unpermute",
            List.of(in(Ports.INP), in(Ports.PERMUTED_INDICES)),
            // W6: [T, H]
            List.of(out(Ports.OUTPUT, DATA, attrTimesRow(Attrs.NUM_TOKENS, Ports.INP))),
            List.of(Attrs.NUM_TOKENS)),
    /**
     * DeepEP's {@code Buffer.get_dispatch_layout(topk_idx, num_experts)} (docs/spec.md L1-L3) on R ranks of E/R
     * experts each: {@code num_tokens_per_rank} int32[R] (a token once per rank, L1), {@code is_token_in_rank}
     * bool[T,R] (L2), {@code num_tokens_per_expert} int32[E] (L3); -1 slots count nowhere. A view of the one
     * assignment table (topk_idx read as its routing map, I1). The RDMA-rank counts are out of scope.
     */
    DEEPEP_DISPATCH_LAYOUT("deepep_dispatch_layout",
            List.of(in(Ports.TOPK_IDX)),
            // L1: int32[R]; L3: int32[E]; L2: bool[T,R]
            List.of(out(Ports.NUM_TOKENS_PER_RANK, INDEX, attrCount(Attrs.NUM_RANKS)),
                    out(Ports.NUM_TOKENS_PER_EXPERT, INDEX, attrCount(Attrs.NUM_EXPERTS)),
                    out(Ports.IS_TOKEN_IN_RANK, INDEX, OutputShape::tokenInRankCells)),
            List.of(Attrs.NUM_EXPERTS, Attrs.NUM_RANKS)),
    /**
     * TransformerEngine's {@code ep_dispatch} (NCCL EP; docs/spec.md Y1-Y3) as a world-view op: one call holds all S
     * ranks' {@code tokens} and {@code topk_idx} (rank-major, T each) and returns every rank's receive buffer of
     * {@code recv_capacity} rows: local expert slabs in order, each padded with zero rows to {@code alignment}
     * (Y1, Y2), the order inside a slab unspecified ({@link GroupOrder#MULTISET}); the counts per expert (Y3).
     */
    TE_EP_DISPATCH("te_ep_dispatch",
            List.of(in(Ports.TOKENS), in(Ports.TOPK_IDX), in(Ports.TOPK_WEIGHTS)),
            // Y1: [S*C, H] and f32 [S*C]; Y3: int64 [E]
            List.of(out(Ports.RECV_TOKENS, DATA, inv -> OutputShape.epRecvRows(inv) * rowElems(inv, Ports.TOKENS)),
                    out(Ports.RECV_TOPK_WEIGHTS, DATA, OutputShape::epRecvRows),
                    out(Ports.RECV_TOKENS_PER_EXPERT, INDEX, attrCount(Attrs.NUM_EXPERTS))),
            List.of(Attrs.NUM_RANKS, Attrs.NUM_EXPERTS, Attrs.ALIGNMENT, Attrs.RECV_CAPACITY)),
    /**
     * TransformerEngine's {@code ep_combine} (docs/spec.md Y4), world view: every rank's {@code expert_out} in the
     * canonical slab layout of Y1 (inside a slab ascending source rank, then token) summed back, unweighted, into
     * each source token's row of {@code result [S*T, H]}.
     */
    TE_EP_COMBINE("te_ep_combine",
            List.of(in(Ports.EXPERT_OUT), in(Ports.TOPK_IDX)),
            // Y4: [S*T, H]
            List.of(out(Ports.RESULT, REDUCTION, inv -> OutputShape.dim(inv, Ports.TOPK_IDX, 0) * rowElems(inv, Ports.EXPERT_OUT))),
            List.of(Attrs.NUM_RANKS, Attrs.NUM_EXPERTS, Attrs.ALIGNMENT, Attrs.RECV_CAPACITY)),
    /**
     * Megatron-Core's inference permute ({@code megatron.core.inference.moe.permute.permute_tokens}, docs/spec.md
     * V1-V5): the pairs {@code (t,k)} of the first valid_tokens rows of {@code topk_ids[T,K]} whose id lies in the
     * rank's range {@code [local_expert_start, local_expert_start + L)} are grouped by local expert, each group
     * padded to a multiple of alignment with -1 rows, in a buffer of a fixed worst-case length (V1); the kernel
     * claims positions with atomics, so the order inside a group is unspecified ({@link GroupOrder#MULTISET}, V3).
     * Attrs local_expert_start, num_local_experts (both required), valid_tokens (absent = T), alignment,
     * row_alignment (absent = 1). No profile parameter touches the op.
     */
    MCORE_INFERENCE_PERMUTE("mcore_inference_permute",
            List.of(in(Ports.INP), in(Ports.TOPK_IDS), in(Ports.PROBS)),
            // V1: [S, H], [S], int32[S] with S = ceil((T*min(K,L) + alignment*L) / row_alignment) * row_alignment; V2: int32[L]
            List.of(out(Ports.OUTPUT, DATA, inv -> OutputShape.inferenceRows(inv) * rowElems(inv, Ports.INP)),
                    out(Ports.PERMUTED_PROBS, DATA, OutputShape::inferenceRows),
                    out(Ports.PERMUTATION_MAP, INDEX, OutputShape::inferenceRows),
                    out(Ports.INCLUSIVE_OFFSETS, INDEX, attrCount(Attrs.NUM_LOCAL_EXPERTS))),
            List.of(Attrs.LOCAL_EXPERT_START, Attrs.NUM_LOCAL_EXPERTS, Attrs.VALID_TOKENS, Attrs.ALIGNMENT, Attrs.ROW_ALIGNMENT)),
    /**
     * Megatron-Core's inference unpermute ({@code unpermute_tokens}, docs/spec.md V6): row t of an f32 output
     * ({@code t < valid_tokens}) sums {@code f32(inp[r]) * permuted_probs[r]} over the rows {@code r < n_used}
     * ({@code n_used = inclusive_offsets[L-1]}) whose permutation_map entry is t, in any order (atomics); rows past
     * valid_tokens unspecified. Attrs num_tokens (T), valid_tokens (absent = T).
     */
    MCORE_INFERENCE_UNPERMUTE("mcore_inference_unpermute",
            List.of(in(Ports.INP), in(Ports.PERMUTED_PROBS), in(Ports.PERMUTATION_MAP), in(Ports.INCLUSIVE_OFFSETS)),
            // V6: f32 [T, H]
            List.of(out(Ports.OUTPUT, REDUCTION, attrTimesRow(Attrs.NUM_TOKENS, Ports.INP))),
            List.of(Attrs.NUM_TOKENS, Attrs.VALID_TOKENS)),
    /**
     * Megatron-Core's {@code pad_routing_map(routing_map, pad_multiple)} (docs/spec.md Q7-Q9), a view of the one
     * assignment table: each expert's column of {@code routing_map[T,E]} (bool, int32 or int64) gets its
     * {@code align_up(count, m) - count} lowest non-routed tokens set (Q7, Q8), every zero cell when there are fewer
     * (Q9); the output is bool {@code [T,E]}. Attr pad_multiple (required, X39). No profile parameter touches it.
     */
    MEGATRON_PAD_ROUTING_MAP("megatron_pad_routing_map",
            List.of(in(Ports.ROUTING_MAP)),
            // Q7: bool [T, E], the shape of routing_map
            List.of(out(Ports.PADDED_ROUTING_MAP, INDEX, sameAs(Ports.ROUTING_MAP))),
            List.of(Attrs.PAD_MULTIPLE));

    private final String wireName;
    private final List<Port> inputs;
    private final List<Port> outputs;
    private final List<String> attrs;
    private final boolean profileSpecific;

    /** An op whose rules are the same in every profile (chunk sort S1-S4, expert parallel A1-A6, Megatron Q1-Q6, block align K1-K6, TE index map T1-T5, torchao's padded permute W1-W6, DeepEP layout L1-L3, TE EP Y1-Y4, Megatron inference permute V1-V5, Megatron pad_routing_map Q7-Q9). */
    Op(String wireName, List<Port> inputs, List<Port> outputs, List<String> attrs) {
        this(wireName, inputs, outputs, attrs, false);
    }

    Op(String wireName, List<Port> inputs, List<Port> outputs, List<String> attrs, boolean profileSpecific) {
        this.profileSpecific = profileSpecific;
        this.wireName = wireName;
        this.inputs = inputs;
        this.outputs = outputs;
        this.attrs = attrs;
    }

    /**
     * K2: whether positions inside an expert's group are a rule ({@link GroupOrder#ORDERED}) or only the
     * multiset of the group's entries is ({@link GroupOrder#MULTISET}: moe_align_block_size, whose kernel
     * takes slots with atomics); checks of a MULTISET op compare multisets and say so.
     */
    public GroupOrder groupOrder() { return this == BLOCK_ALIGN || this == TE_EP_DISPATCH || this == MCORE_INFERENCE_PERMUTE ? GroupOrder.MULTISET : GroupOrder.ORDERED; }

    /** The name used in manifests, reports and the protocol. */
    public String wireName() { return wireName; }

    public List<Port> inputs() { return inputs; }

    public List<Port> outputs() { return outputs; }

    /**
     * True when the profile changes what the op must return (the mask family: D, P, N, M, C and G
     * rules); false for chunk sort, the expert-parallel helpers and Megatron's permute / unpermute, whose rules no profile touches,
     * so a backend claiming any profile is judged on them (docs/spec.md, "Profiles").
     */
    public boolean profileSpecific() { return profileSpecific; }

    /** Names of the integer attributes the op understands. */
    public List<String> attrs() { return attrs; }

    public Port output(String name) {
        for (Port p : outputs) if (p.name().equals(name)) return p;
        throw new IllegalArgumentException(wireName + " has no output '" + name + "'");
    }

    public static Op byWireName(String name) {
        for (Op op : values()) {
            if (op.wireName.equals(name) || op.name().equals(name.toUpperCase(Locale.ROOT))) return op;
        }
        throw new IllegalArgumentException("unknown op '" + name + "'");
    }
}
