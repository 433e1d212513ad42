package org.permcheck.contract;

import java.util.Optional;

import org.permcheck.tensor.Tensor;

import static org.permcheck.contract.Preconditions.violation;

/**
 * The X rules of vLLM / SGLang {@code moe_align_block_size} (docs/spec.md X11-X13, beside X1 and X5). The
 * oracle and every backend that refuses inputs outside the contract call the same checks
 * ({@link CallPreconditions}).
 */
public final class BlockAlignPreconditions {
    private BlockAlignPreconditions() {}

    /**
     * X1, X5, X11-X13 of a {@code moe_align_block_size} call; returns the length of {@code sorted_token_ids}
     * (K1: {@code T*K + E*(B-1)}, rounded up to a multiple of B with pad_sorted_ids).
     */
    public static long check(Invocation inv) {
        Tensor ids = inv.input(Ports.TOPK_IDS);
        long b = blockSize(inv); // X11
        long e = numExperts(inv); // X12
        requireIds(ids, e); // X12
        Optional<Tensor> map = inv.optionalInput(Ports.EXPERT_MAP);
        if (map.isPresent()) requireExpertMap(map.get(), e); // X13
        long n = ids.numel() + e * (b - 1);
        if (pad(inv)) n = (n + b - 1) / b * b;
        if (n > Integer.MAX_VALUE) {
            throw violation(Rule.X11, "sorted_token_ids would have " + n + " entries, above the int32 range its entries and num_tokens_post_padded live in");
        }
        return n;
    }

    /** X11: {@code 1 <= block_size < 2^31}. */
    static long blockSize(Invocation inv) {
        Optional<Long> b = inv.optionalAttr(Attrs.BLOCK_SIZE);
        if (b.isEmpty()) throw violation(Rule.X11, "moe_align_block_size needs the block_size attribute");
        if (b.get() < 1 || b.get() > Integer.MAX_VALUE) throw violation(Rule.X11, "block_size must be in [1, 2^31), got " + b.get());
        return b.get();
    }

    /** X11: pad_sorted_ids is 0 or 1 (absent = 0). */
    public static boolean pad(Invocation inv) {
        long v = inv.optionalAttr(Attrs.PAD_SORTED_IDS).orElse(0L);
        if (v != 0 && v != 1) throw violation(Rule.X11, "pad_sorted_ids must be 0 or 1, got " + v);
        return v == 1;
    }

    /** X12: the num_experts attribute, {@code 1 <= E < 2^31}. */
    static long numExperts(Invocation inv) {
        return Preconditions.requireCount(inv, Attrs.NUM_EXPERTS, Rule.X12, "moe_align_block_size needs");
    }

    /**
     * X12: {@code topk_ids} is int32 or int64 {@code [T,K]} with {@code T, K >= 1}; every id is an expert in
     * {@code [0,E)} (no -1: the kernel counts every slot, and an id out of range indexes its counters out of
     * bounds, SGLang PR #12701), no id twice in a row (one assignment per (t,e), as X10).
     */
    static void requireIds(Tensor ids, long experts) {
        if (ids.dtype() != org.permcheck.tensor.DType.I32 && ids.dtype() != org.permcheck.tensor.DType.I64) {
            throw violation(Rule.X12, "topk_ids must be int32 or int64, got " + ids.dtype());
        }
        if (ids.rank() != 2 || ids.dim(0) < 1 || ids.dim(1) < 1) throw violation(Rule.X12, "topk_ids must be [T,K] with T, K >= 1, got " + ids.shapeString());
        for (long t = 0; t < ids.dim(0); t++) {
            for (long j = 0; j < ids.dim(1); j++) {
                long id = ids.getLong(t, j);
                if (id < 0 || id >= experts) throw violation(Rule.X12, "topk_ids[" + t + "," + j + "] = " + id + " is not an expert in [0, " + experts + ")");
                for (long i = 0; i < j; i++) {
                    if (ids.getLong(t, i) == id) throw violation(Rule.X12, "expert " + id + " appears twice in row " + t + " of topk_ids");
                }
            }
        }
    }

    /**
     * X13: {@code expert_map} is int32 or int64 {@code [E]}; each entry is -1 (not on this rank) or a local
     * id in {@code [0,E)}, no local id twice (the map is one-to-one on the local experts).
     */
    static void requireExpertMap(Tensor map, long experts) {
        if (map.dtype() != org.permcheck.tensor.DType.I32 && map.dtype() != org.permcheck.tensor.DType.I64) {
            throw violation(Rule.X13, "expert_map must be int32 or int64, got " + map.dtype());
        }
        if (map.rank() != 1 || map.dim(0) != experts) throw violation(Rule.X13, "expert_map must be [E = " + experts + "], got " + map.shapeString());
        boolean[] seen = new boolean[(int) experts];
        for (long g = 0; g < experts; g++) {
            long l = map.getLong(g);
            if (l == -1) continue;
            if (l < 0 || l >= experts) throw violation(Rule.X13, "expert_map[" + g + "] = " + l + " is neither -1 nor a local id in [0, " + experts + ")");
            if (seen[(int) l]) throw violation(Rule.X13, "local id " + l + " appears twice in expert_map");
            seen[(int) l] = true;
        }
    }
}
