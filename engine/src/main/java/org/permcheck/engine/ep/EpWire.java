package org.permcheck.engine.ep;

/** The names of the multi-rank call on the wire (docs/protocol.md 8): its op, inputs and outputs. */
public final class EpWire {
    private EpWire() {}

    /** The one call of the ep tier: dispatch → ragged all-to-all → local permute, the combine path back, the backward. */
    public static final String OP = "ep_chain";

    public static final String INP = "inp";
    public static final String ROUTING_MAP = "routing_map";
    public static final String PROBS = "probs";
    public static final String ALL_SHARDS_TOKENS_PER_EXPERT = "all_shards_tokens_per_expert";
    public static final String GRAD_EXPERT_BUFFER = "grad_expert_buffer";

    /** A7: the rank's expert buffer after the local permute and its group sizes. */
    public static final String EXPERT_BUFFER = "expert_buffer";
    public static final String LOCAL_GROUP_SIZES = "local_group_sizes";
    /** A8: the expert buffer taken back (local unpermute → reverse all-to-all → combine with probs). */
    public static final String COMBINED = "combined";
    /** A9: the gradient of inp through the forward chain, given grad_expert_buffer. */
    public static final String GRAD_INP = "grad_inp";
}
