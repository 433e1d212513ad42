package org.permcheck.contract;

/**
 * The tensor names of the contract's ports, as {@link Op} declares them (docs/spec.md, "Operations"); the same
 * strings travel in vector manifests, repro bundles and the subprocess protocol.
 * Code names a port through these constants, never a string
 * literal, so a find-usages of one lists every place that reads or writes it.
 */
public final class Ports {
    private Ports() {}

    public static final String ALL_SHARDS_TOKENS_PER_EXPERT = "all_shards_tokens_per_expert";
    public static final String FWD_INPUT = "fwd_input";
    public static final String GRAD_INP = "grad_inp";
    public static final String GRAD_MERGING_PROBS = "grad_merging_probs";
    public static final String GRAD_OUTPUT = "grad_output";
    public static final String GRAD_PERMUTED_PROBS = "grad_permuted_probs";
    public static final String GRAD_PROBS = "grad_probs";
    public static final String INP = "inp";
    public static final String INPUT_OFFSETS = "input_offsets";
    public static final String INVERSE_CHUNK_INDICES = "inverse_chunk_indices";
    public static final String LOCAL_GROUP_SIZES = "local_group_sizes";
    public static final String MERGING_PROBS = "merging_probs";
    public static final String OUTPUT = "output";
    public static final String OUTPUT_OFFSETS = "output_offsets";
    public static final String PAD_OFFSETS = "pad_offsets";
    public static final String PERMUTED_PROBS = "permuted_probs";
    public static final String PROBS = "probs";
    public static final String RECV_SIZES = "recv_sizes";
    public static final String ROUTING_MAP = "routing_map";
    public static final String ROW_ID_MAP = "row_id_map";
    public static final String SEND_SIZES = "send_sizes";
    public static final String SORTED_INDICES = "sorted_indices";
    public static final String SORTED_SPLIT_SIZES = "sorted_split_sizes";
    public static final String SPLIT_SIZES = "split_sizes";
    public static final String TOKENS_PER_EXPERT = "tokens_per_expert";
    /** Index form of the routing (docs/spec.md I1-I4): {@code [T,k]} expert ids, -1 = no expert. */
    public static final String TOPK_IDS = "topk_ids";
    /** Index form of the probabilities: {@code [T,k]}, slot j weighs the expert {@code topk_ids[t,j]}. */
    public static final String TOPK_WEIGHTS = "topk_weights";
    /**
     * MaxText's argsort permutation (docs/spec.md J3): int32[T*K], row r of the buffer holds the flat
     * slot index t*K+j it was gathered from; unpermute gathers back through its inverse.
     */
    public static final String SORTED_SELECTED_EXPERTS = "sorted_selected_experts";
    /** moe_align_block_size (docs/spec.md K1-K6): optional {@code [E]} map of global expert to local id, -1 = not on this rank (K6). */
    public static final String EXPERT_MAP = "expert_map";
    /** moe_align_block_size (K1, K2): int32, the flat slot indices t*K+j grouped by expert, padded per expert with the sentinel T*K. */
    public static final String SORTED_TOKEN_IDS = "sorted_token_ids";
    /** moe_align_block_size (K4): int32, the expert of every block of sorted_token_ids. */
    public static final String EXPERT_IDS = "expert_ids";
    /** moe_align_block_size (K5): int32[1], the padded rows in use, sum of ceil(count/block)*block. */
    public static final String NUM_TOKENS_POST_PADDED = "num_tokens_post_padded";
    /**
     * Block scales of a quantized payload (docs/spec.md F1): {@code [T, B]}, token-major, one scale per
     * (token, block) of {@code inp}'s row; B and the dtype by the {@code scale_recipe} attribute ({@link ScaleRecipe}).
     */
    public static final String SCALE_INV = "scale_inv";
    /** The block scales moved with their rows (docs/spec.md F1-F4): {@code [rows, B]}, row r holds the scales of output row r. */
    public static final String PERMUTED_SCALE_INV = "permuted_scale_inv";
    /** TE's index-map permute (docs/spec.md T1-T4): int32 {@code [T,K]} expert ids, read as uint32 when sorted (T1). */
    public static final String INDICES = "indices";
    /** torchao {@code permute_and_pad} (W1, W4, W5): int32 {@code [max_len]}, the input row of each output row, -1 a pad row; the unpermute's input (W6). */
    public static final String PERMUTED_INDICES = "permuted_indices";
    /** torchao {@code permute_and_pad} (W2): int32 {@code [E_l]}, each local expert's group size, padded. */
    public static final String NUM_TOKENS_PER_EXPERT_PADDED = "num_tokens_per_expert_padded";
    /** torchao {@code permute_and_pad} (W3): int32 {@code [E_l]}, each group's end offset (inclusive cumsum of the padded sizes). */
    public static final String GROUP_OFFSETS = "group_offsets";
    /** DeepEP's get_dispatch_layout (docs/spec.md L1-L3): int64 (or int32) {@code [T,K]} expert ids, -1 = no selection. */
    public static final String TOPK_IDX = "topk_idx";
    /** L1: int32 {@code [R]}, the tokens sent to each rank, each token once per rank. */
    public static final String NUM_TOKENS_PER_RANK = "num_tokens_per_rank";
    /**
     * Read per op: DeepEP layout (L3): an output, int32 {@code [E]}, the (token, expert) assignments of each expert;
     * torchao {@code permute_and_pad} (W1-W5): an input, int {@code [R*E_l]} rows per (source rank, local expert), rank-major.
     */
    public static final String NUM_TOKENS_PER_EXPERT = "num_tokens_per_expert";
    /** L2: bool {@code [T,R]}, whether token t is sent to rank r. */
    public static final String IS_TOKEN_IN_RANK = "is_token_in_rank";
    /** megatron_pad_routing_map's output: the routing map with pad cells set, bool[T,E] (docs/spec.md Q7-Q9). */
    public static final String PADDED_ROUTING_MAP = "padded_routing_map";
    /** TE's expert-parallel dispatch (docs/spec.md Y1-Y3), world view: every rank's tokens, rank-major {@code [S*T, H]}. */
    public static final String TOKENS = "tokens";
    /** Y1: every rank's receive buffer, rank-major {@code [S*C, H]}: rank s owns rows {@code [s*C, (s+1)*C)}. */
    public static final String RECV_TOKENS = "recv_tokens";
    /** Y1: f32 {@code [S*C]}, the routing weight of each receive slot (0 on a pad slot, Y2). */
    public static final String RECV_TOPK_WEIGHTS = "recv_topk_weights";
    /** Y3: int64 {@code [E]}, the tokens each expert receives (rank s's L entries at {@code [s*L, (s+1)*L)}). */
    public static final String RECV_TOKENS_PER_EXPERT = "recv_tokens_per_expert";
    /** TE's expert-parallel combine (Y4): every rank's expert outputs in the canonical slab layout {@code [S*C, H]}. */
    public static final String EXPERT_OUT = "expert_out";
    /** Y4: every rank's combined tokens {@code [S*T, H]}. */
    public static final String RESULT = "result";
    /** Megatron's inference permute (V3, V4): each row's source token, -1 on a pad row. */
    public static final String PERMUTATION_MAP = "permutation_map";
    /** Megatron's inference permute (V2): the inclusive prefix sum of the aligned per-expert counts. */
    public static final String INCLUSIVE_OFFSETS = "inclusive_offsets";
}
