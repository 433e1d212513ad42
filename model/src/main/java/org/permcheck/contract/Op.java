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

/**
 * The operations of the contract, with their tensor names. The same names are used by the
 * oracle, the Java SPI, vector manifests and the subprocess protocol (docs/spec.md, "Operations").
 * Integer parameters travel as attributes ({@link Invocation#attrs()}), tensors by name.
 */
public enum Op {
    /** TE {@code token_dispatch}: attrs num_out_tokens (required), align_size (absent = no padding). */
    DISPATCH("token_dispatch",
            List.of(in("inp"), in("routing_map"), optIn("probs")),
            List.of(out("output", DATA), optOut("permuted_probs", DATA), out("row_id_map", INDEX),
                    optOut("pad_offsets", INDEX), out("tokens_per_expert", INDEX)),
            List.of("num_out_tokens", "align_size"), true),
    /** TE {@code token_combine}. */
    COMBINE("token_combine",
            List.of(in("inp"), in("row_id_map"), optIn("merging_probs"), optIn("pad_offsets")),
            List.of(out("output", REDUCTION)),
            List.of(), true),
    /** VJP of dispatch: the cotangents of output (and permuted_probs) back to inp (and probs). */
    DISPATCH_BACKWARD("token_dispatch_backward",
            List.of(in("grad_output"), in("row_id_map"), optIn("grad_permuted_probs"), optIn("pad_offsets")),
            List.of(out("grad_inp", REDUCTION), optOut("grad_probs", DATA)),
            List.of(), true),
    /** VJP of combine: the cotangent of the combined output back to the permuted rows and merging probs. */
    COMBINE_BACKWARD("token_combine_backward",
            List.of(in("grad_output"), in("row_id_map"), in("fwd_input"), optIn("merging_probs"), optIn("pad_offsets")),
            List.of(out("grad_inp", DATA), optOut("grad_merging_probs", REDUCTION)),
            List.of(), true),
    /** TE {@code sort_chunks_by_index}. */
    SORT_CHUNKS("sort_chunks_by_index",
            List.of(in("inp"), in("split_sizes"), in("sorted_indices"), optIn("probs")),
            List.of(out("output", DATA), out("row_id_map", INDEX), optOut("permuted_probs", DATA)),
            List.of()),
    /** VJP of the chunk sort: gathers the cotangent back through the chunk-sort map. */
    SORT_CHUNKS_BACKWARD("sort_chunks_by_index_backward",
            List.of(in("grad_output"), in("row_id_map"), optIn("grad_permuted_probs")),
            List.of(out("grad_inp", DATA), optOut("grad_probs", DATA)),
            List.of()),
    /** TE {@code compute_ragged_all_to_all_params}: attrs shard_id, num_shards. */
    RAGGED_A2A_PARAMS("compute_ragged_all_to_all_params",
            List.of(in("all_shards_tokens_per_expert")),
            List.of(out("input_offsets", INDEX), out("send_sizes", INDEX), out("output_offsets", INDEX), out("recv_sizes", INDEX)),
            List.of("shard_id", "num_shards")),
    /** TE {@code compute_reverse_ragged_all_to_all_params}: attrs shard_id, num_shards. */
    REVERSE_RAGGED_A2A_PARAMS("compute_reverse_ragged_all_to_all_params",
            List.of(in("all_shards_tokens_per_expert")),
            List.of(out("input_offsets", INDEX), out("send_sizes", INDEX), out("output_offsets", INDEX), out("recv_sizes", INDEX)),
            List.of("shard_id", "num_shards")),
    /** TE {@code local_permute_after_a2a}: attrs shard_id, num_shards. */
    LOCAL_PERMUTE_AFTER_A2A("local_permute_after_a2a",
            List.of(in("inp"), in("all_shards_tokens_per_expert")),
            List.of(out("output", DATA), out("local_group_sizes", INDEX), out("sorted_split_sizes", INDEX),
                    out("inverse_chunk_indices", INDEX)),
            List.of("shard_id", "num_shards")),
    /** TE {@code local_unpermute_before_a2a}. */
    LOCAL_UNPERMUTE_BEFORE_A2A("local_unpermute_before_a2a",
            List.of(in("inp"), in("sorted_split_sizes"), in("inverse_chunk_indices")),
            List.of(out("output", DATA)),
            List.of());

    private final String wireName;
    private final List<Port> inputs;
    private final List<Port> outputs;
    private final List<String> attrs;
    private final boolean profileSpecific;

    /** An op whose rules are the same in every profile (chunk sort S1-S4, expert parallel A1-A6). */
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

    /** The name used in manifests, reports and the protocol. */
    public String wireName() { return wireName; }

    public List<Port> inputs() { return inputs; }

    public List<Port> outputs() { return outputs; }

    /**
     * True when the profile changes what the op must return (the mask family: D, P, N, M, C and G
     * rules); false for chunk sort and the expert-parallel helpers, whose rules no profile touches,
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
