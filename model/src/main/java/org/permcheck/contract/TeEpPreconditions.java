package org.permcheck.contract;


import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import static org.permcheck.contract.Preconditions.violation;

/**
 * The X rules of TransformerEngine's expert-parallel {@code ep_dispatch} / {@code ep_combine} in their world view
 * (docs/spec.md X35-X37). The oracle and every backend that refuses inputs outside the contract call the same
 * checks ({@link CallPreconditions}).
 */
public final class TeEpPreconditions {
    private TeEpPreconditions() {}

    /** X35: TE's NCCL EP rows must span at least 16 bytes ({@code hidden_dim * sizeof(dtype) >= 16}). */
    public static final int MIN_ROW_BYTES = 16;

    /** X35-X37 of a {@code te_ep_dispatch} call. */
    public static void dispatch(Invocation inv) {
        group(inv);
        Tensor tokens = inv.input(Ports.TOKENS);
        requirePayload(Ports.TOKENS, tokens);
        Tensor ids = inv.input(Ports.TOPK_IDX);
        routing(inv, ids, tokens.dim(0));
        Tensor w = inv.input(Ports.TOPK_WEIGHTS);
        if (w.dtype() != DType.F32 || !w.sameShape(ids.shape())) {
            throw violation(Rule.X36, "topk_weights must be f32 of topk_idx's shape " + ids.shapeString() + ", got " + w.dtype() + w.shapeString());
        }
        capacity(inv, ids);
    }

    /** X35-X37 of a {@code te_ep_combine} call. */
    public static void combine(Invocation inv) {
        long[] g = group(inv);
        Tensor out = inv.input(Ports.EXPERT_OUT);
        requirePayload(Ports.EXPERT_OUT, out);
        if (out.dim(0) != g[0] * g[2]) throw violation(Rule.X36, "expert_out must have S*C = " + g[0] * g[2] + " rows, got " + out.dim(0));
        Tensor ids = inv.input(Ports.TOPK_IDX);
        routing(inv, ids, ids.rank() == 2 ? ids.dim(0) : -1);
        capacity(inv, ids);
    }

    /** X35: {num_ranks S, num_experts E, recv_capacity C, alignment A}: S, E, C >= 1, E % S == 0, A 0, 1 or a power of two. */
    static long[] group(Invocation inv) {
        long s = attr(inv, Attrs.NUM_RANKS), e = attr(inv, Attrs.NUM_EXPERTS), c = attr(inv, Attrs.RECV_CAPACITY); // X35
        if (e % s != 0) throw violation(Rule.X35, "num_experts = " + e + " is not a multiple of num_ranks = " + s);
        long a = inv.optionalAttr(Attrs.ALIGNMENT).orElse(0L);
        if (a < 0 || a > (1L << 30) || (a > 1 && (a & (a - 1)) != 0)) throw violation(Rule.X35, "alignment must be 0, 1 or a power of two, got " + a);
        if (s * c > Integer.MAX_VALUE) throw violation(Rule.X35, "S*C = " + s * c + " receive rows exceed 2^31-1");
        return new long[] {s, e, c, a};
    }

    private static long attr(Invocation inv, String name) {
        return Preconditions.requireCount(inv, name, Rule.X35, "the EP ops need");
    }

    /** X35: a payload of bf16, f16 or f32 (the staged wire; fp8 needs its scales) with rows of at least 16 bytes. */
    static void requirePayload(String name, Tensor t) {
        Preconditions.requireRank2(name, t);
        Preconditions.requireReduciblePayload(name, t); // X5
        if (t.dim(1) * t.dtype().size() < MIN_ROW_BYTES) {
            throw violation(Rule.X35, "a row of " + name + " is " + t.dim(1) * t.dtype().size() + " bytes, below NCCL EP's 16");
        }
    }

    /**
     * X36: topk_idx is int64 {@code [S*T, K]} with the rows of {@code tokens} ({@code rows}, a multiple of S: T tokens
     * per rank), K >= 1; every id an expert in [0,E) (TE documents no sentinel), no expert twice in a row.
     */
    static void routing(Invocation inv, Tensor ids, long rows) {
        long s = inv.attr(Attrs.NUM_RANKS), e = inv.attr(Attrs.NUM_EXPERTS);
        if (ids.dtype() != DType.I64) throw violation(Rule.X36, "topk_idx must be int64, got " + ids.dtype());
        if (ids.rank() != 2 || ids.dim(1) < 1) throw violation(Rule.X36, "topk_idx must be [S*T, K] with K >= 1, got " + ids.shapeString());
        if (ids.dim(0) != rows) throw violation(Rule.X36, "topk_idx has " + ids.dim(0) + " rows, tokens " + rows);
        if (ids.dim(0) % s != 0) throw violation(Rule.X36, ids.dim(0) + " tokens do not split into " + s + " ranks of T each");
        java.util.Set<Long> row = new java.util.HashSet<>();
        for (long t = 0; t < ids.dim(0); t++) {
            row.clear();
            for (long k = 0; k < ids.dim(1); k++) {
                long id = ids.getLong(t, k);
                if (id < 0 || id >= e) throw violation(Rule.X36, "topk_idx[" + t + "," + k + "] = " + id + " is not an expert in [0, " + e + ")");
                if (!row.add(id)) throw violation(Rule.X36, "topk_idx[" + t + "] names expert " + id + " twice (slot " + k + ")");
            }
        }
    }

    /** X37: every rank's padded receive total {@code sum_l align_up(count[s*L+l], A)} fits its recv_capacity C (TE traps past it). */
    static void capacity(Invocation inv, Tensor ids) {
        long s = inv.attr(Attrs.NUM_RANKS), e = inv.attr(Attrs.NUM_EXPERTS), c = inv.attr(Attrs.RECV_CAPACITY);
        long a = inv.optionalAttr(Attrs.ALIGNMENT).orElse(0L);
        long[] count = new long[(int) e];
        for (long t = 0; t < ids.dim(0); t++) for (long k = 0; k < ids.dim(1); k++) count[(int) ids.getLong(t, k)]++;
        long local = e / s;
        for (int r = 0; r < s; r++) {
            long total = 0;
            for (int l = 0; l < local; l++) total += alignUp(count[(int) (r * local + l)], a);
            if (total > c) throw violation(Rule.X37, "rank " + r + " receives " + total + " padded rows, above recv_capacity " + c);
        }
    }

    /** Y1: {@code n} rounded up to a multiple of A (A of 0 or 1: n). */
    public static long alignUp(long n, long a) { return a <= 1 ? n : (n + a - 1) / a * a; }
}
