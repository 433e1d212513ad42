package org.permcheck.engine.check;

import java.util.List;

import org.permcheck.contract.Op;

/**
 * The rule ids the checks cite: those of docs/spec.md, plus the run-level rules R1 and R2 defined
 * in docs/checks.md. Kept in one place so a renumbering of the spec is a change here only.
 */
public final class Rules {
    private Rules() {}

    public static final String D1_EXPERT_MAJOR = "D1";
    public static final String D2_ROW_COPY = "D2";
    public static final String D3_ZERO_PROB = "D3";
    public static final String D4_PERMUTED_PROBS = "D4";
    public static final String D5_UNPADDED_BUFFER = "D5";
    public static final String P1_PAD_OFFSETS = "P1";
    public static final String P2_PADDED_LAYOUT = "P2";
    public static final String P3_BUFFER_LENGTH = "P3";
    public static final String P4_PAD_OFFSETS_PRESENCE = "P4";
    public static final String N1_TOKENS_PER_EXPERT = "N1";
    public static final String M1_ROW_ID_MAP_SHAPE = "M1";
    public static final String M2_DESTINATIONS = "M2";
    public static final String M3_EXPERTS = "M3";
    public static final String M4_COUNT = "M4";
    public static final String C1_COMBINE = "C1";
    public static final String C3_ROUTED_NOWHERE = "C3";
    public static final String G1_DISPATCH_BWD_INP = "G1";
    public static final String G2_DISPATCH_BWD_PROBS = "G2";
    public static final String G3_COMBINE_BWD_INP = "G3";
    public static final String G4_COMBINE_BWD_PROBS = "G4";
    public static final String S1_CHUNK_MAP = "S1";
    public static final String S2_CHUNK_SORT = "S2";
    public static final String S3_CHUNK_SORT_BWD = "S3";
    public static final String A1_RAGGED_PARAMS = "A1";
    public static final String A2_RAGGED_PARAMS_REVERSE = "A2";
    public static final String A3_LOCAL_PERMUTE = "A3";
    public static final String A4_LOCAL_UNPERMUTE = "A4";
    /** Run level (docs/checks.md): the same call twice gives the same bits on every specified DATA/INDEX element. */
    public static final String R1_DETERMINISM = "R1";
    /** Run level (docs/checks.md): combine(dispatch(x)) with weights 1/n(t) gives x back within tolerance. */
    public static final String R2_ROUND_TRIP = "R2";

    /** The rule an output's presence, dtype and shape (and by default its values) are judged under. */
    public static String forOutput(Op op, String output, boolean padded) {
        switch (op) {
            case DISPATCH:
                switch (output) {
                    case "output": return padded ? P3_BUFFER_LENGTH : D5_UNPADDED_BUFFER;
                    case "permuted_probs": return D4_PERMUTED_PROBS;
                    case "row_id_map": return M1_ROW_ID_MAP_SHAPE;
                    case "pad_offsets": return P4_PAD_OFFSETS_PRESENCE;
                    case "tokens_per_expert": return N1_TOKENS_PER_EXPERT;
                    default: return D2_ROW_COPY;
                }
            case COMBINE: return C1_COMBINE;
            case DISPATCH_BACKWARD: return output.equals("grad_probs") ? G2_DISPATCH_BWD_PROBS : G1_DISPATCH_BWD_INP;
            case COMBINE_BACKWARD: return output.equals("grad_merging_probs") ? G4_COMBINE_BWD_PROBS : G3_COMBINE_BWD_INP;
            case SORT_CHUNKS: return output.equals("row_id_map") ? S1_CHUNK_MAP : S2_CHUNK_SORT;
            case SORT_CHUNKS_BACKWARD: return S3_CHUNK_SORT_BWD;
            case RAGGED_A2A_PARAMS: return A1_RAGGED_PARAMS;
            case REVERSE_RAGGED_A2A_PARAMS: return A2_RAGGED_PARAMS_REVERSE;
            case LOCAL_PERMUTE_AFTER_A2A: return A3_LOCAL_PERMUTE;
            case LOCAL_UNPERMUTE_BEFORE_A2A: return A4_LOCAL_UNPERMUTE;
            default: throw new IllegalArgumentException(op.toString());
        }
    }

    /** The rule under which the values of an output are compared (pad_offsets values: P1, not P4). */
    public static String forValues(Op op, String output, boolean padded) {
        if (op == Op.DISPATCH && output.equals("pad_offsets")) return P1_PAD_OFFSETS;
        return forOutput(op, output, padded);
    }

    /** Every rule some check can cite. */
    public static final List<String> ALL = List.of(D1_EXPERT_MAJOR, D2_ROW_COPY, D3_ZERO_PROB, D4_PERMUTED_PROBS,
            D5_UNPADDED_BUFFER, P1_PAD_OFFSETS, P2_PADDED_LAYOUT, P3_BUFFER_LENGTH, P4_PAD_OFFSETS_PRESENCE,
            N1_TOKENS_PER_EXPERT, M1_ROW_ID_MAP_SHAPE, M2_DESTINATIONS, M3_EXPERTS, M4_COUNT, C1_COMBINE, C3_ROUTED_NOWHERE,
            G1_DISPATCH_BWD_INP, G2_DISPATCH_BWD_PROBS, G3_COMBINE_BWD_INP, G4_COMBINE_BWD_PROBS, S1_CHUNK_MAP,
            S2_CHUNK_SORT, S3_CHUNK_SORT_BWD, A1_RAGGED_PARAMS, A2_RAGGED_PARAMS_REVERSE, A3_LOCAL_PERMUTE,
            A4_LOCAL_UNPERMUTE, R1_DETERMINISM, R2_ROUND_TRIP);
}
