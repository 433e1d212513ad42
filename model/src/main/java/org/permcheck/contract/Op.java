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
import static org.permcheck.contract.OutputShape.dim;
import static org.permcheck.contract.OutputShape.dispatchRows;
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
    /** TE {@code token_dispatch}: attrs num_out_tokens (required), align_size (absent = no padding). */
    DISPATCH("token_dispatch",
            List.of(in("inp"), in("routing_map"), optIn("probs")),
            List.of(out("output", DATA, inv -> dispatchRows(inv) * rowElems(inv, "inp")),
                    optOut("permuted_probs", DATA, OutputShape::dispatchRows),
                    // M1: [T, 2E+1]
                    out("row_id_map", INDEX, inv -> dim(inv, "routing_map", 0) * (2 * dim(inv, "routing_map", 1) + 1)),
                    optOut("pad_offsets", INDEX, inv -> dim(inv, "routing_map", 1)),
                    out("tokens_per_expert", INDEX, inv -> dim(inv, "routing_map", 1))),
            List.of("num_out_tokens", "align_size"), true),
    /** TE {@code token_combine}. */
    COMBINE("token_combine",
            List.of(in("inp"), in("row_id_map"), optIn("merging_probs"), optIn("pad_offsets")),
            // C1: [T, H], T from row_id_map, however few rows inp has
            List.of(out("output", REDUCTION, rowsTimesRow("row_id_map", "inp"))),
            List.of(), true),
    /** VJP of dispatch: the cotangents of output (and permuted_probs) back to inp (and probs). */
    DISPATCH_BACKWARD("token_dispatch_backward",
            List.of(in("grad_output"), in("row_id_map"), optIn("grad_permuted_probs"), optIn("pad_offsets")),
            // [T, H] and [T, E] (E <= 2E+1, the width of row_id_map)
            List.of(out("grad_inp", REDUCTION, rowsTimesRow("row_id_map", "grad_output")),
                    optOut("grad_probs", DATA, rowsTimesRow("row_id_map", "row_id_map"))),
            List.of(), true),
    /** VJP of combine: the cotangent of the combined output back to the permuted rows and merging probs. */
    COMBINE_BACKWARD("token_combine_backward",
            List.of(in("grad_output"), in("row_id_map"), in("fwd_input"), optIn("merging_probs"), optIn("pad_offsets")),
            // the shape of fwd_input (the dispatch buffer) and [T, E]
            List.of(out("grad_inp", DATA, sameAs("fwd_input")),
                    optOut("grad_merging_probs", REDUCTION, rowsTimesRow("row_id_map", "row_id_map"))),
            List.of(), true),
    /** TE {@code sort_chunks_by_index}. */
    SORT_CHUNKS("sort_chunks_by_index",
            List.of(in("inp"), in("split_sizes"), in("sorted_indices"), optIn("probs")),
            List.of(out("output", DATA, sameAs("inp")), out("row_id_map", INDEX, rowsOf("inp")),
                    optOut("permuted_probs", DATA, rowsOf("inp"))),
            List.of()),
    /** VJP of the chunk sort: gathers the cotangent back through the chunk-sort map. */
    SORT_CHUNKS_BACKWARD("sort_chunks_by_index_backward",
            List.of(in("grad_output"), in("row_id_map"), optIn("grad_permuted_probs")),
            List.of(out("grad_inp", DATA, sameAs("grad_output")), optOut("grad_probs", DATA, rowsOf("grad_output"))),
            List.of()),
    /** TE {@code compute_ragged_all_to_all_params}: attrs shard_id, num_shards. */
    RAGGED_A2A_PARAMS("compute_ragged_all_to_all_params",
            List.of(in("all_shards_tokens_per_expert")),
            // one entry per shard (at most the [num_shards, E] counts' elements)
            List.of(out("input_offsets", INDEX, COUNTS), out("send_sizes", INDEX, COUNTS),
                    out("output_offsets", INDEX, COUNTS), out("recv_sizes", INDEX, COUNTS)),
            List.of("shard_id", "num_shards")),
    /** TE {@code compute_reverse_ragged_all_to_all_params}: attrs shard_id, num_shards. */
    REVERSE_RAGGED_A2A_PARAMS("compute_reverse_ragged_all_to_all_params",
            List.of(in("all_shards_tokens_per_expert")),
            // one entry per shard (at most the [num_shards, E] counts' elements)
            List.of(out("input_offsets", INDEX, COUNTS), out("send_sizes", INDEX, COUNTS),
                    out("output_offsets", INDEX, COUNTS), out("recv_sizes", INDEX, COUNTS)),
            List.of("shard_id", "num_shards")),
    /** TE {@code local_permute_after_a2a}: attrs shard_id, num_shards. */
    LOCAL_PERMUTE_AFTER_A2A("local_permute_after_a2a",
            List.of(in("inp"), in("all_shards_tokens_per_expert")),
            List.of(out("output", DATA, sameAs("inp")), out("local_group_sizes", INDEX, COUNTS),
                    out("sorted_split_sizes", INDEX, COUNTS), out("inverse_chunk_indices", INDEX, COUNTS)),
            List.of("shard_id", "num_shards")),
    /** TE {@code local_unpermute_before_a2a}. */
    LOCAL_UNPERMUTE_BEFORE_A2A("local_unpermute_before_a2a",
            List.of(in("inp"), in("sorted_split_sizes"), in("inverse_chunk_indices")),
            List.of(out("output", DATA, sameAs("inp"))),
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
