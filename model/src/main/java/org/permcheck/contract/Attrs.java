package org.permcheck.contract;

/**
 * The integer attribute names of the contract ({@link Op#attrs()}; docs/spec.md, "Operations").
 * Code names an attribute through these constants, never a string
 * literal, so a find-usages of one lists every place that reads or writes it.
 */
public final class Attrs {
    private Attrs() {}

    public static final String NUM_OUT_TOKENS = "num_out_tokens";
    public static final String ALIGN_SIZE = "align_size";
    public static final String SHARD_ID = "shard_id";
    public static final String NUM_SHARDS = "num_shards";
    /** E of an index-form dispatch (X9): topk_ids does not carry it, a routing_map does. */
    public static final String NUM_EXPERTS = "num_experts";
    /** Megatron permute/unpermute (docs/spec.md Q3): 1 = capacity layout, num_out_tokens // E rows per expert; absent = 0. */
    public static final String DROP_AND_PAD = "drop_and_pad";
    /** Megatron permute with drop_and_pad (Q4): which routed tokens survive the capacity, 0 = by position, 1 = by probs. */
    public static final String DROP_POLICY = "drop_policy";
    /** Megatron unpermute (Q5): restore_shape[0], the tokens the rows are added back to. */
    public static final String NUM_TOKENS = "num_tokens";
    /** MaxText's ring of experts (docs/spec.md J4, X21): ids are rolled to {@code (id - r) mod E} before sorting. */
    public static final String ROLL_TO_EXPERT_ID = "roll_to_expert_id";
    /** moe_align_block_size (docs/spec.md K3, X11): every expert's group is padded to a multiple of it. */
    public static final String BLOCK_SIZE = "block_size";
    /** moe_align_block_size (K1): 1 = sorted_token_ids' length rounded up to a multiple of block_size; absent = 0. */
    public static final String PAD_SORTED_IDS = "pad_sorted_ids";
    /** The quantization recipe of {@code scale_inv} (docs/spec.md F1, X22): a {@link ScaleRecipe#code()}, 1 fp8 1x128 blocks, 2 mxfp8. */
    public static final String SCALE_RECIPE = "scale_recipe";
    /** TE's index-map unpermute (docs/spec.md T5, X26): K, the slots per token of the row_id_map it reads. */
    public static final String TOP_K = "top_k";
    /** torchao permute_and_pad (docs/spec.md W1, X27): R, the source ranks of the rank-major counts. */
    public static final String EP_DEGREE = "ep_degree";
    /** E_l, read per op: torchao permute_and_pad (W1, X27): the local experts of each rank's chunk; Megatron's inference permute (V1-V5, X30): the experts of the rank. */
    public static final String NUM_LOCAL_EXPERTS = "num_local_experts";
    /** DeepEP's get_dispatch_layout (docs/spec.md L1-L3, X33): R, the ranks the experts are split over, E/R each. */
    public static final String NUM_RANKS = "num_ranks";
    /**
     * A group's padding multiple, read per op: torchao permute_and_pad (W2, X27): every group padded to a multiple of it,
     * an empty one to A rows; TE's ep_dispatch / ep_combine (Y1, X35): each local expert's slab padded to a multiple
     * of it (0, 1: none; else a power of two); Megatron's inference permute (V2, X30): each non-empty group rounded up
     * to a multiple of it (absent = 1).
     */
    public static final String ALIGNMENT = "alignment";
    /** TE's ep_dispatch / ep_combine (Y1, X37): C, the receive rows of each rank ({@code recv_capacity_per_rank}). */
    public static final String RECV_CAPACITY = "recv_capacity";
    /** Megatron's inference permute (V1-V5, X30): the rank's first global expert id. */
    public static final String LOCAL_EXPERT_START = "local_expert_start";
    /** Megatron's inference permute (V2, X30): the rows of topk_ids that are read (absent = T). */
    public static final String VALID_TOKENS = "valid_tokens";
    /** Megatron's inference permute (V1, X30): the fixed buffer length rounded up to a multiple of it (absent = 1). */
    public static final String ROW_ALIGNMENT = "row_alignment";
    /** Megatron's pad_routing_map: each expert's count is padded up to a multiple of it (docs/spec.md Q7, X39). */
    public static final String PAD_MULTIPLE = "pad_multiple";
}
