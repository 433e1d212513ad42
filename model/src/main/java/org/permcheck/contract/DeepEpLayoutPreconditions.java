package org.permcheck.contract;


import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import static org.permcheck.contract.Preconditions.violation;

/**
 * The X rules of DeepEP's {@code get_dispatch_layout} (docs/spec.md X33, X34). The oracle and every backend that
 * refuses inputs outside the contract call the same checks ({@link CallPreconditions}).
 */
public final class DeepEpLayoutPreconditions {
    private DeepEpLayoutPreconditions() {}

    /** X33, X34 of a {@code deepep_dispatch_layout} call; returns E/R, the experts of one rank. */
    public static long check(Invocation inv) {
        long experts = Preconditions.requireCount(inv, Attrs.NUM_EXPERTS, Rule.X33, "deepep_dispatch_layout needs");
        long ranks = Preconditions.requireCount(inv, Attrs.NUM_RANKS, Rule.X33, "deepep_dispatch_layout needs");
        if (experts % ranks != 0) throw violation(Rule.X33, "num_experts = " + experts + " is not a multiple of num_ranks = " + ranks);
        Tensor ids = inv.input(Ports.TOPK_IDX);
        requireTopkIdx(ids, experts);
        if (ids.dim(0) * Math.max(ranks, experts) > Integer.MAX_VALUE) {
            throw violation(Rule.X34, "T = " + ids.dim(0) + " tokens with " + experts + " experts / " + ranks + " ranks exceed 2^31-1 cells");
        }
        return experts / ranks;
    }

    /**
     * X34: {@code topk_idx} is int64 or int32 (DeepEP's build-time {@code topk_idx_t}, PR #422) {@code [T,K]} with
     * {@code T >= 0}, {@code K >= 1}; every id is -1 (no selection) or an expert in {@code [0,E)}, no expert twice in a
     * row (one (t,e) is one cell of the assignment table, as X10).
     */
    static void requireTopkIdx(Tensor ids, long experts) {
        if (ids.dtype() != DType.I64 && ids.dtype() != DType.I32) throw violation(Rule.X34, "topk_idx must be int64 or int32, got " + ids.dtype());
        if (ids.rank() != 2 || ids.dim(1) < 1) throw violation(Rule.X34, "topk_idx must be [T,K] with K >= 1, got " + ids.shapeString());
        java.util.Set<Long> row = new java.util.HashSet<>();
        for (long t = 0; t < ids.dim(0); t++) {
            row.clear();
            for (long k = 0; k < ids.dim(1); k++) {
                long e = ids.getLong(t, k);
                if (e < -1 || e >= experts) throw violation(Rule.X34, "topk_idx[" + t + "," + k + "] = " + e + " is neither -1 nor an expert in [0, " + experts + ")");
                if (e >= 0 && !row.add(e)) throw violation(Rule.X34, "topk_idx[" + t + "] names expert " + e + " twice (slot " + k + ")");
            }
        }
    }
}
