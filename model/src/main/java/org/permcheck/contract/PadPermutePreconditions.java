package org.permcheck.contract;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import static org.permcheck.contract.Preconditions.violation;

/**
 * The X rules of torchao's padded permute and torchtitan's unpermute (docs/spec.md X27-X29, beside X1 and X5),
 * and the buffer length both share (W5). The oracle and every backend that refuses inputs outside the contract
 * call the same checks ({@link CallPreconditions}).
 */
public final class PadPermutePreconditions {
    private PadPermutePreconditions() {}

    /**
     * X1, X5, X27, X28 of a {@code torchao_permute_and_pad} call; returns the rank-major counts
     * {@code num_tokens_per_expert[r*E_l + e]}.
     */
    public static long[] permute(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Preconditions.requireRank2(Ports.INP, inp);
        Preconditions.requireMovablePayload(Ports.INP, inp); // X5
        long ranks = requireAttrs(inv); // X27
        long local = inv.attr(Attrs.NUM_LOCAL_EXPERTS);
        long[] counts = requireCounts(inv.input(Ports.NUM_TOKENS_PER_EXPERT), ranks, local, inp.dim(0)); // X28
        if (maxLenOf(inp.dim(0), local, inv.attr(Attrs.ALIGNMENT)) > Integer.MAX_VALUE) {
            throw violation(Rule.X27, "max_len = round_up(T + E_l*A, A) is above the int32 range of permuted_indices");
        }
        return counts;
    }

    /** X27: ep_degree R, num_local_experts E_l and alignment A are present and at least 1; returns R. */
    static long requireAttrs(Invocation inv) {
        for (String a : new String[] {Attrs.EP_DEGREE, Attrs.NUM_LOCAL_EXPERTS, Attrs.ALIGNMENT}) {
            java.util.Optional<Long> v = inv.optionalAttr(a);
            if (v.isEmpty()) throw violation(Rule.X27, "torchao_permute_and_pad needs the " + a + " attribute");
            // alignment 0 divides by zero in torchao's round-up (ao PR #4102 proposed allowing it and was closed)
            if (v.get() < 1) throw violation(Rule.X27, a + " must be >= 1, got " + v.get());
            if (v.get() > Integer.MAX_VALUE) throw violation(Rule.X27, a + " = " + v.get() + " is above the int32 range");
        }
        return inv.attr(Attrs.EP_DEGREE);
    }

    /**
     * X28: num_tokens_per_expert is int32 or int64 {@code [R*E_l]} (the code views it as {@code (R, -1)}), every
     * entry at least 0, and the entries add up to T, the rows of inp (the all-to-all's received rows).
     */
    static long[] requireCounts(Tensor counts, long ranks, long local, long tokens) {
        if (counts.dtype() != DType.I32 && counts.dtype() != DType.I64) {
            throw violation(Rule.X28, "num_tokens_per_expert must be int32 or int64, got " + counts.dtype());
        }
        if (counts.rank() != 1 || counts.dim(0) != ranks * local) {
            throw violation(Rule.X28, "num_tokens_per_expert must be [ep_degree*num_local_experts] = [" + ranks * local + "], got " + counts.shapeString());
        }
        long[] c = Preconditions.longs(counts);
        long sum = 0;
        for (int i = 0; i < c.length; i++) {
            if (c[i] < 0) throw violation(Rule.X28, "num_tokens_per_expert[" + i + "] = " + c[i] + " is negative");
            sum += c[i];
        }
        if (sum != tokens) throw violation(Rule.X28, "num_tokens_per_expert adds up to " + sum + " but inp has " + tokens + " rows");
        return c;
    }

    /**
     * X1, X5, X29 of a {@code torchao_unpermute} call: inp {@code [max_len, H]}, permuted_indices int32
     * {@code [max_len]} whose entries are -1 or rows {@code [0, T)}, each row of {@code [0, T)} exactly once
     * (a row named twice is a racing index_put, a row never named is new_empty's garbage), num_tokens T at least 0.
     * Returns T.
     */
    public static long unpermute(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Preconditions.requireRank2(Ports.INP, inp);
        Preconditions.requireMovablePayload(Ports.INP, inp); // X5
        java.util.Optional<Long> n = inv.optionalAttr(Attrs.NUM_TOKENS);
        if (n.isEmpty()) throw violation(Rule.X29, "torchao_unpermute needs the num_tokens attribute (input_shape[0] - 1)");
        long tokens = n.get();
        if (tokens < 0 || tokens > Integer.MAX_VALUE) throw violation(Rule.X29, "num_tokens must be in [0, 2^31), got " + tokens);
        Tensor idx = inv.input(Ports.PERMUTED_INDICES);
        if (idx.dtype() != DType.I32) throw violation(Rule.X29, "permuted_indices must be int32, got " + idx.dtype());
        if (idx.rank() != 1 || idx.dim(0) != inp.dim(0)) {
            throw violation(Rule.X29, "permuted_indices must be [" + inp.dim(0) + "] (one per row of inp), got " + idx.shapeString());
        }
        if (tokens > idx.numel()) throw violation(Rule.X29, "num_tokens " + tokens + " exceeds the " + idx.numel() + " rows permuted_indices can name");
        boolean[] seen = new boolean[(int) tokens];
        for (long p = 0; p < idx.numel(); p++) {
            long v = idx.getLong(p);
            if (v == -1) continue;
            if (v < 0 || v >= tokens) throw violation(Rule.X29, "permuted_indices[" + p + "] = " + v + " is neither -1 nor a row in [0, " + tokens + ")");
            if (seen[(int) v]) throw violation(Rule.X29, "row " + v + " is named twice in permuted_indices");
            seen[(int) v] = true;
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) throw violation(Rule.X29, "row " + i + " is never named in permuted_indices (new_empty would leave it garbage)");
        }
        return tokens;
    }

    /** W5: {@code max_len = round_up(T + E_l*A, A)}, the length torchao's callers give the index buffer. */
    public static long maxLenOf(long tokens, long localExperts, long alignment) {
        long x = tokens + localExperts * alignment;
        return (x + alignment - 1) / alignment * alignment;
    }

    /** W5 as an output bound: max_len of the call, 0 when an attribute is missing or below 1 (X27, bounded). */
    public static long maxLen(Invocation inv) {
        long local = inv.optionalAttr(Attrs.NUM_LOCAL_EXPERTS).orElse(0L), a = inv.optionalAttr(Attrs.ALIGNMENT).orElse(0L);
        Tensor inp = inv.inputs().get(Ports.INP);
        if (local < 1 || a < 1 || inp == null || inp.rank() < 1 || local > Integer.MAX_VALUE || a > Integer.MAX_VALUE) return 0;
        return maxLenOf(inp.dim(0), local, a);
    }
}
