package org.permcheck.engine.check;

import java.util.List;

import org.permcheck.contract.Op;

/**
 * The rule ids the checks cite (docs/spec.md numbers them; docs/checks.md lists which check
 * enforces which). Kept in one place so a renumbering of the spec is a change here only.
 */
public final class Rules {
    private Rules() {}

    /** Dispatch: each routed (token, expert) row is a bit copy of the token's input row. */
    public static final String DISPATCH_ROWS = "D1";
    /** Dispatch: a routed entry with probs == +0.0 or -0.0 gets a +0.0 row. */
    public static final String DISPATCH_PROB_ZERO = "D2";
    /** Dispatch: permuted_probs carries probs[t,e] bit for bit to the token's row. */
    public static final String DISPATCH_PERMUTED_PROBS = "D3";
    /** Dispatch: output shapes (num_out_tokens rows unpadded). */
    public static final String DISPATCH_SHAPE = "D4";
    /** Padding: rows not holding a token (pad and tail) are zero, in output and permuted_probs. */
    public static final String PADDING_ZERO = "P1";
    /** Padding: pad_offsets is the exclusive cumsum of pad lengths (starts at 0, non-decreasing), dtype by profile. */
    public static final String PAD_OFFSETS = "P2";
    /** Padding: the buffer length (worst case for te-jax, exact for torch-mask-pad). */
    public static final String PADDED_BUFFER = "P3";
    /** tokens_per_expert: int of the profile's dtype, shape [E], actual or aligned counts. */
    public static final String TOKENS_PER_EXPERT = "N1";
    /** row_id_map: valid slots ([0,n) rows descending, [E,E+n) experts, 2E = n). */
    public static final String ROW_ID_MAP = "M1";
    /** row_id_map: the valid slots are a bijection onto the token-holding rows. */
    public static final String ROW_ID_MAP_BIJECTION = "M2";
    /** Combine: weighted sum over routed experts, one rounding (checked against f64 with tolerance). */
    public static final String COMBINE = "C1";
    /** Combine after dispatch with weights 1/n(t) gives the input back (within tolerance). */
    public static final String COMBINE_ROUND_TRIP = "C2";
    /** Dispatch backward: grad_inp is the sum of the token's row gradients. */
    public static final String DISPATCH_BWD_INP = "G1";
    /** Dispatch backward: grad_probs[t,e] = grad_permuted_probs[row], 0 where not routed. */
    public static final String DISPATCH_BWD_PROBS = "G2";
    /** Combine backward: grad_inp rows are grad_output[t] (times merging_probs[t,e]). */
    public static final String COMBINE_BWD_INP = "G3";
    /** Combine backward: grad_merging_probs[t,e] = sum_h fwd_input[row,h] * grad_output[t,h]. */
    public static final String COMBINE_BWD_PROBS = "G4";
    /** Chunk sort forward: output[map[i]] = inp[i] (and probs). */
    public static final String CHUNK_SORT = "S1";
    /** Chunk sort: the map (row_id_map int32[N]), tail rows identity. */
    public static final String CHUNK_SORT_MAP = "S2";
    /** Chunk sort backward: grad_inp[i] = grad_output[map[i]] (and probs). */
    public static final String CHUNK_SORT_BWD = "S3";
    /** Ragged all-to-all params, forward. */
    public static final String RAGGED_PARAMS = "A1";
    /** Ragged all-to-all params, reverse. */
    public static final String RAGGED_PARAMS_REVERSE = "A2";
    /** Local permute after all-to-all. */
    public static final String LOCAL_PERMUTE = "A3";
    /** Local unpermute before all-to-all. */
    public static final String LOCAL_UNPERMUTE = "A4";
    /** Run level: the same call twice gives the same bits on every specified DATA/INDEX element. */
    public static final String DETERMINISM = "R1";

    /** The rule an output's values (and its presence, dtype and shape) are judged under. */
    public static String forOutput(Op op, String output, boolean padded) {
        switch (op) {
            case DISPATCH:
                switch (output) {
                    case "output": return padded ? PADDED_BUFFER : DISPATCH_SHAPE;
                    case "permuted_probs": return DISPATCH_PERMUTED_PROBS;
                    case "row_id_map": return ROW_ID_MAP;
                    case "pad_offsets": return PAD_OFFSETS;
                    case "tokens_per_expert": return TOKENS_PER_EXPERT;
                    default: return DISPATCH_ROWS;
                }
            case COMBINE: return COMBINE;
            case DISPATCH_BACKWARD: return output.equals("grad_probs") ? DISPATCH_BWD_PROBS : DISPATCH_BWD_INP;
            case COMBINE_BACKWARD: return output.equals("grad_merging_probs") ? COMBINE_BWD_PROBS : COMBINE_BWD_INP;
            case SORT_CHUNKS: return output.equals("row_id_map") ? CHUNK_SORT_MAP : CHUNK_SORT;
            case SORT_CHUNKS_BACKWARD: return CHUNK_SORT_BWD;
            case RAGGED_A2A_PARAMS: return RAGGED_PARAMS;
            case REVERSE_RAGGED_A2A_PARAMS: return RAGGED_PARAMS_REVERSE;
            case LOCAL_PERMUTE_AFTER_A2A: return LOCAL_PERMUTE;
            case LOCAL_UNPERMUTE_BEFORE_A2A: return LOCAL_UNPERMUTE;
            default: throw new IllegalArgumentException(op.toString());
        }
    }

    /** Every rule some check can cite (the quick tier must exercise each one). */
    public static final List<String> ALL = List.of(DISPATCH_ROWS, DISPATCH_PROB_ZERO, DISPATCH_PERMUTED_PROBS, DISPATCH_SHAPE,
            PADDING_ZERO, PAD_OFFSETS, PADDED_BUFFER, TOKENS_PER_EXPERT, ROW_ID_MAP, ROW_ID_MAP_BIJECTION, COMBINE,
            COMBINE_ROUND_TRIP, DISPATCH_BWD_INP, DISPATCH_BWD_PROBS, COMBINE_BWD_INP, COMBINE_BWD_PROBS, CHUNK_SORT,
            CHUNK_SORT_MAP, CHUNK_SORT_BWD, RAGGED_PARAMS, RAGGED_PARAMS_REVERSE, LOCAL_PERMUTE, LOCAL_UNPERMUTE, DETERMINISM);
}
