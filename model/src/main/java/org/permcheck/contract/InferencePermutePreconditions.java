package org.permcheck.contract;

import org.permcheck.tensor.Tensor;

import static org.permcheck.contract.Preconditions.violation;

/**
 * The X rules of Megatron-Core's inference permute (docs/spec.md X30-X32, beside X1 and X5). The oracle and
 * every backend that refuses inputs outside the contract call the same checks ({@link CallPreconditions}).
 */
public final class InferencePermutePreconditions {
    private InferencePermutePreconditions() {}

    /** The attributes of one call, read once (X30). */
    public record Attributes(long localExpertStart, int numLocalExperts, int validTokens, long alignment, long rowAlignment, long rows) {}

    /**
     * X1, X5, X30-X32 of a {@code mcore_inference_permute} call; returns its attributes with V1's buffer length S.
     */
    public static Attributes check(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Preconditions.requireRank2(Ports.INP, inp);
        Preconditions.requireMovablePayload(Ports.INP, inp); // X5
        Tensor ids = inv.input(Ports.TOPK_IDS);
        Preconditions.requireIndex(Ports.TOPK_IDS, ids); // X5
        if (ids.rank() != 2 || ids.dim(1) < 1 || ids.dim(0) != inp.dim(0)) {
            throw violation(Rule.X31, "topk_ids must be [T,K] with the T = " + inp.dim(0) + " of inp and K >= 1, got " + ids.shapeString());
        }
        Attributes a = attributes(inv, ids.dim(0), ids.dim(1)); // X30
        requireDistinctLocalIds(ids, a); // X31
        Tensor probs = inv.input(Ports.PROBS);
        Preconditions.requireProbs(Ports.PROBS, probs); // X5
        if (probs.rank() != 2 || probs.dim(0) != ids.dim(0) || probs.dim(1) != ids.dim(1)) {
            throw violation(Rule.X32, "probs must have the shape of topk_ids " + ids.shapeString() + ", got " + probs.shapeString());
        }
        return a;
    }

    /** The used rows and the rows of one unpermute call (X30, X32). */
    public record Unpermute(int numTokens, int validTokens, long used) {}

    /**
     * X1, X5, X30, X32 of a {@code mcore_inference_unpermute} call: num_tokens T at least 1 and
     * {@code 0 <= valid_tokens <= T}; inp {@code [S,H]} (f32, bf16, f16: X5), permuted_probs f32 {@code [S]},
     * permutation_map int32 {@code [S]}, inclusive_offsets int32 {@code [L]} with {@code L >= 1}, non-decreasing from
     * 0, its last entry n_used at most S; every map entry of the first n_used rows -1 or a token below valid_tokens
     * (the kernel adds into that row unchecked). Entries past n_used are never read: any value.
     */
    public static Unpermute unpermute(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Preconditions.requireRank2(Ports.INP, inp);
        Preconditions.requireReduciblePayload(Ports.INP, inp); // X5: the scatter sums
        long tokens = inv.optionalAttr(Attrs.NUM_TOKENS).orElse(0L);
        if (tokens < 1 || tokens > Integer.MAX_VALUE) throw violation(Rule.X30, "mcore_inference_unpermute needs num_tokens in [1, 2^31), got " + tokens);
        long v = inv.optionalAttr(Attrs.VALID_TOKENS).orElse(tokens);
        if (v < 0 || v > tokens) throw violation(Rule.X30, "valid_tokens must be in [0, num_tokens = " + tokens + "], got " + v);
        long rows = inp.dim(0);
        Tensor probs = inv.input(Ports.PERMUTED_PROBS), map = inv.input(Ports.PERMUTATION_MAP), offsets = inv.input(Ports.INCLUSIVE_OFFSETS);
        if (probs.dtype() != org.permcheck.tensor.DType.F32 || probs.rank() != 1 || probs.dim(0) != rows) {
            throw violation(Rule.X32, "permuted_probs must be f32 [S = " + rows + "] (Megatron asserts fp32), got " + probs.dtype() + probs.shapeString());
        }
        if (map.dtype() != org.permcheck.tensor.DType.I32 || map.rank() != 1 || map.dim(0) != rows) {
            throw violation(Rule.X32, "permutation_map must be int32 [S = " + rows + "], got " + map.dtype() + map.shapeString());
        }
        if (offsets.dtype() != org.permcheck.tensor.DType.I32 || offsets.rank() != 1 || offsets.dim(0) < 1) {
            throw violation(Rule.X32, "inclusive_offsets must be int32 [L] with L >= 1, got " + offsets.dtype() + offsets.shapeString());
        }
        long previous = 0;
        for (long e = 0; e < offsets.numel(); e++) {
            long o = offsets.getLong(e);
            if (o < previous) throw violation(Rule.X32, "inclusive_offsets[" + e + "] = " + o + " is below the entry before it (" + previous + ")");
            previous = o;
        }
        if (previous > rows) throw violation(Rule.X32, "n_used = inclusive_offsets[L-1] = " + previous + " is past the S = " + rows + " rows of inp");
        for (long r = 0; r < previous; r++) {
            long t = map.getLong(r);
            if (t < -1 || t >= v) throw violation(Rule.X32, "permutation_map[" + r + "] = " + t + " is neither -1 nor a token below valid_tokens = " + v);
        }
        return new Unpermute((int) tokens, (int) v, previous);
    }

    /**
     * X30: num_local_experts {@code 1 <= L < 2^31} and local_expert_start {@code 0 <= s < 2^31} given;
     * {@code 0 <= valid_tokens <= T} (absent = T: the kernel would read rows past the buffers); alignment and
     * row_alignment at least 1 (both divide); V1's length S below 2^31 (positions and offsets are int32).
     */
    static Attributes attributes(Invocation inv, long tokens, long topK) {
        long l = inv.optionalAttr(Attrs.NUM_LOCAL_EXPERTS).orElse(0L);
        if (l < 1 || l > Integer.MAX_VALUE) throw violation(Rule.X30, "mcore_inference_permute needs num_local_experts in [1, 2^31), got " + l);
        java.util.Optional<Long> s = inv.optionalAttr(Attrs.LOCAL_EXPERT_START);
        if (s.isEmpty() || s.get() < 0 || s.get() > Integer.MAX_VALUE) {
            throw violation(Rule.X30, "mcore_inference_permute needs local_expert_start in [0, 2^31), got " + s.map(String::valueOf).orElse("none"));
        }
        long v = inv.optionalAttr(Attrs.VALID_TOKENS).orElse(tokens);
        if (v < 0 || v > tokens) throw violation(Rule.X30, "valid_tokens must be in [0, T = " + tokens + "], got " + v);
        long a = inv.optionalAttr(Attrs.ALIGNMENT).orElse(1L), r = inv.optionalAttr(Attrs.ROW_ALIGNMENT).orElse(1L);
        if (a < 1 || a > Integer.MAX_VALUE) throw violation(Rule.X30, "alignment must be in [1, 2^31), got " + a);
        if (r < 1 || r > Integer.MAX_VALUE) throw violation(Rule.X30, "row_alignment must be in [1, 2^31), got " + r);
        long n = tokens * Math.min(topK, l) + a * l; // both factors below 2^31: no long overflow
        long rows = (n + r - 1) / r * r;
        if (rows > Integer.MAX_VALUE) throw violation(Rule.X30, "the buffers would have " + rows + " rows, above the int32 range of their positions");
        return new Attributes(s.get(), (int) l, (int) v, a, r, rows);
    }

    /** The local expert of an id, {@code id - s}, or -1 when it lies outside {@code [s, s+L)} (V2: skipped). */
    public static int localExpert(long id, Attributes a) {
        long lid = id - a.localExpertStart();
        return lid >= 0 && lid < a.numLocalExperts() ? (int) lid : -1;
    }

    /**
     * X31: no local id twice in one of the first valid_tokens rows (V1's T*min(K,L) holds at most L local pairs a
     * token). Any other value, -1 and ids of other ranks included, is allowed: the kernel skips it (V2).
     */
    static void requireDistinctLocalIds(Tensor ids, Attributes a) {
        for (long t = 0; t < a.validTokens(); t++) {
            for (long k = 0; k < ids.dim(1); k++) {
                if (localExpert(ids.getLong(t, k), a) < 0) continue;
                for (long j = 0; j < k; j++) {
                    if (ids.getLong(t, j) == ids.getLong(t, k)) throw violation(Rule.X31, "local expert id " + ids.getLong(t, k) + " appears twice in row " + t + " of topk_ids");
                }
            }
        }
    }
}
