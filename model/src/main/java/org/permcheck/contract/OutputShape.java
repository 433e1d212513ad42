package org.permcheck.contract;

import org.permcheck.tensor.Tensor;

/**
 * The most elements one output port may hold for a call, as a function of the call's input dims
 * and attributes only (never of the data: a reader must know the bound before it reads an answer).
 * Declared once per output port in {@link Op}; the protocol client derives the size of the largest
 * file it reads from it (docs/protocol.md section 5). A bound, not the exact shape: profiles differ
 * in buffer length (D5/P1) and a bound must hold for all of them.
 */
@FunctionalInterface
public interface OutputShape {

    /** The widest element any output may carry (f64 payloads, i64 counts and maps). */
    int MAX_ELEMENT_BYTES = 8;

    long maxElements(Invocation inv);

    // ------------------------------------------------------------------ the rules Op declares

    /** Dim {@code axis} of input {@code name}; 0 when it is absent or has fewer axes. */
    static long dim(Invocation inv, String name, int axis) {
        Tensor t = inv.inputs().get(name);
        return t == null || t.rank() <= axis ? 0 : t.dim(axis);
    }

    /** Attribute {@code name} as a count: 0 when it is absent or negative (a bound must hold for calls outside the contract too). */
    static long count(Invocation inv, String name) {
        return Math.max(0, inv.optionalAttr(name).orElse(0L));
    }

    /** Elements of input {@code name}; 0 when absent. */
    static long numel(Invocation inv, String name) {
        Tensor t = inv.inputs().get(name);
        return t == null ? 0 : t.numel();
    }

    /** Elements of one row (dims after the first) of input {@code name}; 1 for rank 1, 0 when absent. */
    static long rowElems(Invocation inv, String name) {
        Tensor t = inv.inputs().get(name);
        if (t == null) return 0;
        long n = 1;
        for (int i = 1; i < t.rank(); i++) n *= t.dim(i);
        return n;
    }

    /**
     * D5/P1: rows of the dispatch buffer, at most {@code num_out_tokens + E*(align_size-1)} in every
     * profile (WORST_CASE rounds that down to a multiple of align_size; EXACT is the sum of counts
     * rounded up, each count at most align_size-1 short, and the counts sum to at most
     * num_out_tokens by X3).
     */
    static long dispatchRows(Invocation inv) {
        long n = count(inv, Attrs.NUM_OUT_TOKENS);
        long a = Math.max(1, inv.optionalAttr(Attrs.ALIGN_SIZE).orElse(1L));
        return n + dispatchExperts(inv) * (a - 1);
    }

    /** T of a dispatch: the rows of routing_map, or of topk_ids in the index form (X9). */
    static long dispatchTokens(Invocation inv) {
        return inv.inputs().containsKey(Ports.ROUTING_MAP) ? dim(inv, Ports.ROUTING_MAP, 0) : dim(inv, Ports.TOPK_IDS, 0);
    }

    /** E of a dispatch: the columns of routing_map, or the num_experts attribute in the index form (X9). */
    static long dispatchExperts(Invocation inv) {
        if (inv.inputs().containsKey(Ports.ROUTING_MAP)) return dim(inv, Ports.ROUTING_MAP, 1);
        return count(inv, Attrs.NUM_EXPERTS);
    }

    /** J3: the slots of an index-form dispatch, T*K (0 for the mask form, which has no slots to sort). */
    static long dispatchSlots(Invocation inv) {
        return inv.inputs().containsKey(Ports.TOPK_IDS) ? numel(inv, Ports.TOPK_IDS) : 0;
    }

    /**
     * K1: the length of moe_align_block_size's {@code sorted_token_ids}, {@code T*K + E*(B-1)}, rounded up to
     * a multiple of B with pad_sorted_ids; a block_size below 1 (X11) is bounded as 1, a huge one saturates.
     */
    static long alignedSlots(Invocation inv) {
        long b = Math.max(1, inv.optionalAttr(Attrs.BLOCK_SIZE).orElse(1L));
        long e = count(inv, Attrs.NUM_EXPERTS);
        long n;
        try {
            n = Math.addExact(numel(inv, Ports.TOPK_IDS), Math.multiplyExact(e, b - 1));
            if (inv.optionalAttr(Attrs.PAD_SORTED_IDS).orElse(0L) == 1) n = Math.multiplyExact((n + b - 1) / b, b);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
        return n;
    }

    /** T4: the rows of te_index_permute's output, num_out_tokens (0 = T*K, a negative one, X14, bounded as 0 rows). */
    static long indexPermuteRows(Invocation inv) {
        long n = inv.optionalAttr(Attrs.NUM_OUT_TOKENS).orElse(0L);
        if (n < 0) return 0;
        return n == 0 ? numel(inv, Ports.INDICES) : n;
    }

    /** Y1: te_ep_dispatch's receive rows, {@code S*C} (0 when either attribute is missing or below 1, X35, X37). */
    static long epRecvRows(Invocation inv) {
        long s = count(inv, Attrs.NUM_RANKS), c = count(inv, Attrs.RECV_CAPACITY);
        return s * c;
    }

    /** L2: deepep_dispatch_layout's is_token_in_rank, {@code T*R} cells (0 when topk_idx has no token axis or R < 1, X33, X34). */
    static long tokenInRankCells(Invocation inv) {
        org.permcheck.tensor.Tensor ids = inv.input(Ports.TOPK_IDX);
        long ranks = count(inv, Attrs.NUM_RANKS);
        return ids.rank() == 0 ? 0 : ids.dim(0) * ranks;
    }

    /** T2: te_index_permute's row_id_map, one entry per slot of indices (T*K). */
    static long indexSlots(Invocation inv) { return numel(inv, Ports.INDICES); }

    /**
     * V1: the fixed length of Megatron's inference permute buffers, {@code ceil((T*min(K,L) + alignment*L) /
     * row_alignment) * row_alignment}; attributes below 1 (X30) are bounded as 1, a huge length saturates.
     */
    static long inferenceRows(Invocation inv) {
        long l = count(inv, Attrs.NUM_LOCAL_EXPERTS);
        long a = Math.max(1, inv.optionalAttr(Attrs.ALIGNMENT).orElse(1L));
        long r = Math.max(1, inv.optionalAttr(Attrs.ROW_ALIGNMENT).orElse(1L));
        long t = dim(inv, Ports.TOPK_IDS, 0), k = dim(inv, Ports.TOPK_IDS, 1);
        try {
            long n = Math.addExact(Math.multiplyExact(t, Math.min(k, l)), Math.multiplyExact(a, l));
            return Math.multiplyExact((n + r - 1) / r, r);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** K4: blocks of moe_align_block_size, {@code cdiv(alignedSlots, B)}. */
    static long alignedBlocks(Invocation inv) {
        long b = Math.max(1, inv.optionalAttr(Attrs.BLOCK_SIZE).orElse(1L));
        long n = alignedSlots(inv);
        return n / b + (n % b == 0 ? 0 : 1);
    }

    /** The expert-parallel helpers: per-shard or per-chunk vectors, at most one per element of the counts. */
    OutputShape COUNTS = inv -> numel(inv, Ports.ALL_SHARDS_TOKENS_PER_EXPERT);

    /** Input {@code name} again, element for element (a permutation of its rows). */
    static OutputShape sameAs(String name) {
        return inv -> numel(inv, name);
    }

    /** One element per row of input {@code name} (a map or probabilities over those rows). */
    static OutputShape rowsOf(String name) {
        return inv -> dim(inv, name, 0);
    }

    /** One element per unit of attribute {@code attr} (a count vector: per expert, per rank, ...). */
    static OutputShape attrCount(String attr) {
        return inv -> count(inv, attr);
    }

    /** {@code [attr, row]}: attribute {@code attr} rows (num_tokens: the T a scatter returns to) of a row of {@code rowFrom}. */
    static OutputShape attrTimesRow(String attr, String rowFrom) {
        return inv -> count(inv, attr) * rowElems(inv, rowFrom);
    }

    /** {@code [T, row]}: the row count T of {@code rowsFrom} (row_id_map's tokens) times a row of {@code rowFrom}. */
    static OutputShape rowsTimesRow(String rowsFrom, String rowFrom) {
        return inv -> dim(inv, rowsFrom, 0) * rowElems(inv, rowFrom);
    }
}
