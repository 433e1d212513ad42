package org.permcheck.contract;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import static org.permcheck.contract.Preconditions.violation;

/**
 * The X rules of TransformerEngine's index-map permute and unpermute (docs/spec.md X14, X24-X26, beside X1 and X5). The
 * oracle and every backend that refuses inputs outside the contract call the same checks
 * ({@link CallPreconditions}).
 */
public final class TeIndexPreconditions {
    private TeIndexPreconditions() {}

    /** The bytes every row of inp must span a multiple of (X25: the kernel moves rows in 16-byte vectors). */
    public static final int ROW_BYTES = 16;

    /**
     * X1, X5, X14, X24, X25 of a {@code te_index_permute} call; returns its output's row count,
     * num_out_tokens or T*K when it is 0 (T4).
     */
    public static long permute(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Preconditions.requireRank2(Ports.INP, inp);
        Preconditions.requireMovablePayload(Ports.INP, inp); // X5
        Tensor ids = inv.input(Ports.INDICES);
        requireIndices(ids, inp.dim(0)); // X24
        requireRowWidth(inp); // X25
        long n = inv.optionalAttr(Attrs.NUM_OUT_TOKENS).orElse(0L);
        if (n < 0) throw violation(Rule.X14, "num_out_tokens must be >= 0 (0 = T*K), got " + n);
        if (n > Integer.MAX_VALUE) throw violation(Rule.X14, "num_out_tokens = " + n + " is above the int32 range of row_id_map's positions");
        return n == 0 ? ids.numel() : n; // above T*K: the rows past T*K are unspecified (T3)
    }

    /**
     * X1, X5, X25, X26 of a {@code te_index_unpermute} call: num_tokens T and top_k K at least 1; row_id_map int32
     * {@code [T*K]}, every entry -1 (dropped) or a row of inp; merging_probs, when given, f32 {@code [T,K]}.
     */
    public static void unpermute(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Preconditions.requireRank2(Ports.INP, inp);
        Preconditions.requireReduciblePayload(Ports.INP, inp); // X5: the gather sums
        requireRowWidth(inp); // X25
        long tokens = inv.optionalAttr(Attrs.NUM_TOKENS).orElse(0L), topK = inv.optionalAttr(Attrs.TOP_K).orElse(0L);
        if (tokens < 1 || topK < 1 || tokens * topK > Integer.MAX_VALUE) {
            throw violation(Rule.X26, "te_index_unpermute needs num_tokens >= 1 and top_k >= 1 with T*K < 2^31, got " + tokens + ", " + topK);
        }
        Tensor map = inv.input(Ports.ROW_ID_MAP);
        if (map.dtype() != DType.I32 || map.rank() != 1 || map.dim(0) != tokens * topK) {
            throw violation(Rule.X26, "row_id_map must be int32 [T*K = " + tokens * topK + "], got " + map.dtype() + map.shapeString());
        }
        for (long i = 0; i < map.numel(); i++) {
            long r = map.getLong(i);
            if (r < -1 || r >= inp.dim(0)) throw violation(Rule.X26, "row_id_map[" + i + "] = " + r + " is neither -1 nor a row of inp [0, " + inp.dim(0) + ")");
        }
        java.util.Optional<Tensor> probs = inv.optionalInput(Ports.MERGING_PROBS);
        if (probs.isPresent()) {
            Tensor p = probs.get();
            if (p.dtype() != DType.F32 || p.rank() != 2 || p.dim(0) != tokens || p.dim(1) != topK) {
                throw violation(Rule.X26, "merging_probs must be f32 [T,K] = [" + tokens + "," + topK + "], got " + p.dtype() + p.shapeString());
            }
        }
    }

    /** X24: indices is int32 {@code [T,K]} with the T of inp and {@code K >= 1}; any int32 value is an id (T1). */
    static void requireIndices(Tensor ids, long tokens) {
        if (ids.dtype() != DType.I32) throw violation(Rule.X24, "indices must be int32, got " + ids.dtype());
        if (ids.rank() != 2 || ids.dim(1) < 1) throw violation(Rule.X24, "indices must be [T,K] with K >= 1, got " + ids.shapeString());
        if (ids.dim(0) != tokens) throw violation(Rule.X24, "inp has " + tokens + " tokens but indices has " + ids.dim(0));
        if (ids.numel() > Integer.MAX_VALUE) throw violation(Rule.X24, "T*K = " + ids.numel() + " slots exceed the int32 range of row_id_map");
    }

    /** X25: a row of inp spans a multiple of 16 bytes (H * sizeof(dtype)). */
    static void requireRowWidth(Tensor inp) {
        long bytes = inp.dim(1) * inp.dtype().size();
        if (bytes % ROW_BYTES != 0) {
            throw violation(Rule.X25, "a row of inp is " + bytes + " bytes (H = " + inp.dim(1) + " of " + inp.dtype() + "), not a multiple of " + ROW_BYTES);
        }
    }
}
