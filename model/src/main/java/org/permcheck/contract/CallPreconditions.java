package org.permcheck.contract;

import java.util.Optional;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import static org.permcheck.contract.Preconditions.optionalProbs;
import static org.permcheck.contract.Preconditions.requireIndex;
import static org.permcheck.contract.Preconditions.requireMovablePayload;
import static org.permcheck.contract.Preconditions.requireProbs;
import static org.permcheck.contract.Preconditions.requireRank1;
import static org.permcheck.contract.Preconditions.requireRank2;
import static org.permcheck.contract.Preconditions.requireReduciblePayload;
import static org.permcheck.contract.Preconditions.requireShape;
import static org.permcheck.contract.Preconditions.violation;

/**
 * Every group-X rule of docs/spec.md for one call, checked before anything is computed: what a
 * backend calls to refuse an input outside the contract (B1) instead of trusting it, as TE's mask
 * permute trusts {@code num_out_tokens} (TE §7, #3346). Throws {@link PreconditionViolation} naming
 * the rule, from the same {@link Preconditions} checks the oracle applies; the oracle computes as it
 * checks, this class only checks. Two tests keep the two in agreement: {@code RobustnessTierTest}
 * (engine) refuses every precondition probe with its rule here and in the oracle, and the CPU
 * backend, which calls this first, passes every valid case of the tiers.
 */
public final class CallPreconditions {
    private CallPreconditions() {}

    /** Throws when {@code inv} violates an X rule; returns quietly for a call inside the contract. */
    public static void check(Invocation inv) {
        Preconditions.requirePorts(inv); // X1
        switch (inv.op()) {
            case DISPATCH: dispatch(inv); return;
            case COMBINE: {
                Tensor inp = inv.input(Ports.INP);
                requireRank2(Ports.INP, inp);
                requireReduciblePayload(Ports.INP, inp);
                long[] te = rowIdMap(inv, inp.dim(0), false);
                optionalProbs(inv, Ports.MERGING_PROBS, te[0], te[1]);
                return;
            }
            case DISPATCH_BACKWARD: {
                Tensor grad = inv.input(Ports.GRAD_OUTPUT);
                requireRank2(Ports.GRAD_OUTPUT, grad);
                requireReduciblePayload(Ports.GRAD_OUTPUT, grad);
                rowIdMap(inv, grad.dim(0), false);
                optionalProbs(inv, Ports.GRAD_PERMUTED_PROBS, grad.dim(0));
                return;
            }
            case COMBINE_BACKWARD: {
                Tensor grad = inv.input(Ports.GRAD_OUTPUT);
                Tensor fwd = inv.input(Ports.FWD_INPUT);
                requireRank2(Ports.GRAD_OUTPUT, grad);
                requireRank2(Ports.FWD_INPUT, fwd);
                long[] te = rowIdMap(inv, fwd.dim(0), true);
                requireShape(Ports.GRAD_OUTPUT, grad, te[0], fwd.dim(1));
                Optional<Tensor> mp = inv.optionalInput(Ports.MERGING_PROBS);
                if (mp.isPresent()) {
                    requireReduciblePayload(Ports.GRAD_OUTPUT, grad);
                    requireReduciblePayload(Ports.FWD_INPUT, fwd);
                    requireProbs(Ports.MERGING_PROBS, mp.get());
                    requireShape(Ports.MERGING_PROBS, mp.get(), te[0], te[1]);
                } else {
                    requireMovablePayload(Ports.GRAD_OUTPUT, grad);
                }
                return;
            }
            case SORT_CHUNKS: {
                Tensor inp = inv.input(Ports.INP);
                requireRank2(Ports.INP, inp);
                requireMovablePayload(Ports.INP, inp);
                Tensor split = inv.input(Ports.SPLIT_SIZES), sorted = inv.input(Ports.SORTED_INDICES);
                requireIndex(Ports.SPLIT_SIZES, split);
                requireIndex(Ports.SORTED_INDICES, sorted);
                requireRank1(Ports.SPLIT_SIZES, split);
                requireRank1(Ports.SORTED_INDICES, sorted);
                optionalProbs(inv, Ports.PROBS, inp.dim(0));
                chunks(Preconditions.longs(split), Preconditions.longs(sorted), inp.dim(0));
                return;
            }
            case SORT_CHUNKS_BACKWARD: {
                Tensor grad = inv.input(Ports.GRAD_OUTPUT);
                requireRank2(Ports.GRAD_OUTPUT, grad);
                requireMovablePayload(Ports.GRAD_OUTPUT, grad);
                Tensor map = inv.input(Ports.ROW_ID_MAP);
                requireIndex(Ports.ROW_ID_MAP, map);
                requireShape(Ports.ROW_ID_MAP, map, grad.dim(0));
                permutation(Ports.ROW_ID_MAP, Preconditions.longs(map));
                optionalProbs(inv, Ports.GRAD_PERMUTED_PROBS, grad.dim(0));
                return;
            }
            case RAGGED_A2A_PARAMS:
            case REVERSE_RAGGED_A2A_PARAMS:
                shardCounts(inv);
                return;
            case LOCAL_PERMUTE_AFTER_A2A: {
                Tensor inp = inv.input(Ports.INP);
                requireRank2(Ports.INP, inp);
                requireMovablePayload(Ports.INP, inp);
                long[][] m = shardCounts(inv);
                int shards = m.length, local = m[0].length / shards, shard = (int) inv.attr(Attrs.SHARD_ID);
                long total = 0;
                for (long[] row : m) for (int l = 0; l < local; l++) total += row[shard * local + l];
                if (total > inp.dim(0)) throw violation(Rule.X8, "the shards send " + total + " rows but inp has only " + inp.dim(0));
                return;
            }
            case LOCAL_UNPERMUTE_BEFORE_A2A: {
                Tensor inp = inv.input(Ports.INP);
                requireRank2(Ports.INP, inp);
                requireMovablePayload(Ports.INP, inp);
                Tensor split = inv.input(Ports.SORTED_SPLIT_SIZES), order = inv.input(Ports.INVERSE_CHUNK_INDICES);
                requireIndex(Ports.SORTED_SPLIT_SIZES, split);
                requireIndex(Ports.INVERSE_CHUNK_INDICES, order);
                requireRank1(Ports.SORTED_SPLIT_SIZES, split);
                requireRank1(Ports.INVERSE_CHUNK_INDICES, order);
                chunks(Preconditions.longs(split), Preconditions.longs(order), inp.dim(0));
                return;
            }
            case MEGATRON_PERMUTE: MegatronPreconditions.permute(inv); return;
            case MEGATRON_UNPERMUTE: MegatronPreconditions.unpermute(inv); return;
            case BLOCK_ALIGN: BlockAlignPreconditions.check(inv); return;
            case TE_INDEX_PERMUTE: TeIndexPreconditions.permute(inv); return;
            case TE_INDEX_UNPERMUTE: TeIndexPreconditions.unpermute(inv); return;
            case TORCHAO_PERMUTE_AND_PAD: PadPermutePreconditions.permute(inv); return;
            case TORCHAO_UNPERMUTE: PadPermutePreconditions.unpermute(inv); return;
            case DEEPEP_DISPATCH_LAYOUT: DeepEpLayoutPreconditions.check(inv); return;
            case TE_EP_DISPATCH: TeEpPreconditions.dispatch(inv); return;
            case TE_EP_COMBINE: TeEpPreconditions.combine(inv); return;
            case MCORE_INFERENCE_PERMUTE: InferencePermutePreconditions.check(inv); return;
            case MCORE_INFERENCE_UNPERMUTE: InferencePermutePreconditions.unpermute(inv); return;
            case MEGATRON_PAD_ROUTING_MAP: PadRoutingMapPreconditions.check(inv); return;
            default: throw new IllegalStateException("no preconditions for " + inv.op());
        }
    }

    /** X1-X5, X9, X10 of token_dispatch, in either routing form; X19-X21 of an argsort profile; X22 of block scales. */
    private static void dispatch(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        requireRank2(Ports.INP, inp);
        requireMovablePayload(Ports.INP, inp);
        long used;
        if (Preconditions.requireRoutingForm(inv, inp.dim(0))) { // X9, X10
            used = Preconditions.routedSlots(inv.input(Ports.TOPK_IDS));
        } else {
            Tensor map = inv.input(Ports.ROUTING_MAP);
            requireRank2(Ports.ROUTING_MAP, map);
            if (map.dim(0) != inp.dim(0)) throw violation(Rule.X1, "inp has " + inp.dim(0) + " tokens but routing_map has " + map.dim(0));
            optionalProbs(inv, Ports.PROBS, map.shape());
            Preconditions.requireRoutingMap(map); // X2
            if (map.dim(1) < 1) throw violation(Rule.X1, "routing_map needs at least one expert, got " + map.shapeString());
            used = 0;
            for (long t = 0; t < map.rows(); t++) for (long e = 0; e < map.dim(1); e++) used += map.getLong(t, e);
        }
        Optional<Long> n = inv.optionalAttr(Attrs.NUM_OUT_TOKENS);
        if (n.isEmpty()) throw violation(Rule.X3, "token_dispatch needs the num_out_tokens attribute");
        if (n.get() <= 0) throw violation(Rule.X3, "num_out_tokens must be > 0, got " + n.get());
        if (n.get() < used) {
            throw violation(Rule.X3, "num_out_tokens = " + n.get() + " is below the " + used + " routed (token, expert) pairs (TE writes out of bounds, #3346)");
        }
        Optional<Long> align = inv.optionalAttr(Attrs.ALIGN_SIZE);
        if (align.isEmpty() && inv.profile().paddingRequired()) throw violation(Rule.X4, "profile " + inv.profile().id() + " requires the align_size attribute");
        if (align.isPresent() && align.get() <= 0) throw violation(Rule.X4, "align_size must be > 0, got " + align.get());
        ArgsortPreconditions.check(inv); // X19-X21
        QuantizedPreconditions.dispatch(inv); // X22
    }

    /**
     * X1, X5, X6 of a row_id_map input (with pad_offsets when given) over a payload of
     * {@code payloadRows} rows; returns {T, E}. {@code distinctSources}: no source row twice
     * (the combine backward scatters into them).
     */
    private static long[] rowIdMap(Invocation inv, long payloadRows, boolean distinctSources) {
        Tensor map = inv.input(Ports.ROW_ID_MAP);
        requireRank2(Ports.ROW_ID_MAP, map);
        if (map.dtype() != DType.I32) throw violation(Rule.X1, "row_id_map must be int32, got " + map.dtype());
        long cols = map.dim(1);
        if (cols < 3 || cols % 2 == 0) throw violation(Rule.X1, "row_id_map must be [T, 2E+1] with E >= 1, got " + map.shapeString());
        int ne = (int) ((cols - 1) / 2);
        long[] pad = new long[ne];
        Optional<Tensor> po = inv.optionalInput(Ports.PAD_OFFSETS);
        if (po.isPresent()) {
            requireIndex(Ports.PAD_OFFSETS, po.get());
            requireShape(Ports.PAD_OFFSETS, po.get(), ne);
            for (int e = 0; e < ne; e++) {
                pad[e] = po.get().getLong(e);
                if (pad[e] < 0) throw violation(Rule.X6, "pad_offsets[" + e + "] = " + pad[e] + " is negative");
            }
        }
        for (long t = 0; t < map.dim(0); t++) {
            long n = map.getLong(t, 2L * ne);
            if (n < 0 || n > ne) throw violation(Rule.X6, "row_id_map[" + t + "," + 2 * ne + "] = " + n + " is not a count in [0," + ne + "]");
        }
        java.util.BitSet seen = distinctSources ? new java.util.BitSet() : null;
        for (long t = 0; t < map.dim(0); t++) {
            long n = map.getLong(t, 2L * ne), previous = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                long e = map.getLong(t, ne + i);
                if (e < 0 || e >= ne) throw violation(Rule.X6, "row_id_map[" + t + "," + (ne + i) + "] = " + e + " is not an expert id in [0," + ne + ")");
                if (e >= previous) throw violation(Rule.X6, "row_id_map[" + t + "] expert ids are not strictly descending at column " + (ne + i));
                previous = e;
                long dst = map.getLong(t, i), src = dst + pad[(int) e];
                if (dst < 0 || src >= payloadRows) {
                    throw violation(Rule.X6, "row_id_map[" + t + "," + i + "] = " + dst + " is outside the " + payloadRows + " rows of the permuted tensor");
                }
                if (seen != null) {
                    if (seen.get((int) src)) throw violation(Rule.X6, "row_id_map names source row " + src + " twice");
                    seen.set((int) src);
                }
            }
        }
        return new long[] {map.dim(0), ne};
    }

    /** X7: chunk sizes and a permutation of the chunks over {@code numTokens} rows. */
    private static void chunks(long[] split, long[] order, long numTokens) {
        if (split.length == 0) throw violation(Rule.X7, "split_sizes must not be empty");
        if (split.length != order.length) throw violation(Rule.X7, "split_sizes has " + split.length + " entries but sorted_indices has " + order.length);
        long total = 0;
        for (int j = 0; j < split.length; j++) {
            if (split[j] < 0) throw violation(Rule.X7, "split_sizes[" + j + "] = " + split[j] + " is negative");
            total += split[j];
        }
        if (total > numTokens) throw violation(Rule.X7, "sum(split_sizes) = " + total + " exceeds the " + numTokens + " rows of the input");
        permutation(Ports.SORTED_INDICES, order);
    }

    /** X7: {@code v} is a permutation of [0, v.length). */
    private static void permutation(String name, long[] v) {
        boolean[] seen = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] >= v.length || seen[(int) v[i]]) {
                throw violation(Rule.X7, name + " is not a permutation of [0," + v.length + "): entry " + i + " = " + v[i]);
            }
            seen[(int) v[i]] = true;
        }
    }

    /** X8: the shard attributes and the per-shard counts; returns the counts. */
    private static long[][] shardCounts(Invocation inv) {
        Tensor mt = inv.input(Ports.ALL_SHARDS_TOKENS_PER_EXPERT);
        requireIndex(Ports.ALL_SHARDS_TOKENS_PER_EXPERT, mt);
        requireRank2(Ports.ALL_SHARDS_TOKENS_PER_EXPERT, mt);
        long shard = inv.optionalAttr(Attrs.SHARD_ID).orElseThrow(() -> violation(Rule.X8, "shard_id attribute missing"));
        long shards = inv.optionalAttr(Attrs.NUM_SHARDS).orElseThrow(() -> violation(Rule.X8, "num_shards attribute missing"));
        if (shards < 1 || shards > Integer.MAX_VALUE) throw violation(Rule.X8, "num_shards must be >= 1, got " + shards);
        if (mt.dim(0) != shards) throw violation(Rule.X8, "all_shards_tokens_per_expert has " + mt.dim(0) + " rows, expected num_shards = " + shards);
        if (shard < 0 || shard >= shards) throw violation(Rule.X8, "shard_id " + shard + " is not in [0," + shards + ")");
        long ne = mt.dim(1);
        if (ne < 1 || ne % shards != 0) throw violation(Rule.X8, "num_experts " + ne + " is not a positive multiple of num_shards " + shards);
        long[][] m = new long[(int) shards][(int) ne];
        for (int i = 0; i < shards; i++) {
            for (int e = 0; e < ne; e++) {
                m[i][e] = mt.getLong(i, e);
                if (m[i][e] < 0) throw violation(Rule.X8, "all_shards_tokens_per_expert[" + i + "," + e + "] = " + m[i][e] + " is negative");
            }
        }
        return m;
    }
}
