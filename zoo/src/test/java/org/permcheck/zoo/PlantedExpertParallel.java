package org.permcheck.zoo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** The expert-parallel helpers (A1-A4). Planted bugs are marked {@code // BUG}. */
final class PlantedExpertParallel {
    private PlantedExpertParallel() {}

    /** send_to[i][j]: what shard i sends to shard j (its counts for j's L local experts). */
    private static long[][] sendTo(Tensor m, int shards) {
        int s = (int) m.dim(0);
        int experts = (int) m.dim(1);
        int local = experts / shards;
        long[][] st = new long[s][shards];
        for (int i = 0; i < s; i++) for (int e = 0; e < experts; e++) st[i][e / local] += m.getLong(i, e);
        return st;
    }

    /** A1 (forward) and A2 (reverse). */
    static Map<String, Tensor> params(Invocation inv, Bug bug, boolean reverse) {
        Tensor m = inv.input("all_shards_tokens_per_expert");
        int me = (int) inv.attr("shard_id");
        int shards = (int) inv.attr("num_shards");
        long[][] st = sendTo(m, shards);
        long[] send = new long[shards];
        long[] recv = new long[shards];
        long[] outOff = new long[shards];
        boolean int32 = bug == Bug.A2A_INT32_OVERFLOW;
        for (int j = 0; j < shards; j++) {
            send[j] = reverse ? st[j][me] : st[me][j];
            recv[j] = reverse ? st[me][j] : st[j][me];
            long off = 0;
            for (int i = 0; i < me; i++) {
                boolean reverseFormula = reverse && bug != Bug.A2A_REVERSE_AS_FORWARD;          // BUG when as forward
                off += reverseFormula ? st[j][i] : st[i][j];
                if (int32) off = (int) off;                                                        // BUG: int32 accumulator
            }
            outOff[j] = off;
        }
        if (bug == Bug.A2A_RECEIVER_SIDE_OFFSETS && !reverse) {                                    // BUG: receiver-side offsets
            long off = 0;
            for (int i = 0; i < shards; i++) {
                outOff[i] = off;
                off += st[i][me];
            }
        }
        long[] inOff = new long[shards];
        long acc = 0;
        for (int j = 0; j < shards; j++) {
            inOff[j] = acc;
            acc += send[j];
            if (int32) acc = (int) acc;                                                            // BUG: int32 accumulator
        }
        long sent = 0;
        for (long v : send) sent += v;
        if (bug == Bug.A2A_EMPTY_RANK_EARLY_EXIT && sent == 0) {                                  // BUG: early exit for an empty rank
            java.util.Arrays.fill(recv, 0);
            java.util.Arrays.fill(outOff, 0);
        }
        DType dt = m.dtype();
        Map<String, Tensor> res = new LinkedHashMap<>();
        res.put("input_offsets", PlantedDispatch.longs(dt, inOff));
        res.put("send_sizes", PlantedDispatch.longs(dt, send));
        res.put("output_offsets", PlantedDispatch.longs(dt, outOff));
        res.put("recv_sizes", PlantedDispatch.longs(dt, recv));
        return res;
    }

    /** A3: chunk-sort the received buffer from source-major to expert-major order. */
    static Map<String, Tensor> localPermute(Invocation inv, Bug bug) {
        Tensor x = inv.input("inp");
        Tensor m = inv.input("all_shards_tokens_per_expert");
        int me = (int) inv.attr("shard_id");
        int shards = (int) inv.attr("num_shards");
        int local = (int) m.dim(1) / shards;
        int chunks = shards * local;
        long[] split = new long[chunks];
        long[] groups = new long[local];
        for (int i = 0; i < shards; i++) {
            for (int l = 0; l < local; l++) {
                split[i * local + l] = m.getLong(i, (long) me * local + l);
                groups[l] += split[i * local + l];
            }
        }
        long[] order = new long[chunks];
        for (int l = 0; l < local; l++) {
            for (int i = 0; i < shards; i++) {
                order[l * shards + i] = bug == Bug.LOCAL_PERMUTE_SOURCE_MAJOR ? l * shards + i : i * local + l; // BUG when source-major
            }
        }
        long[] sortedSplit = new long[chunks];
        long[] inverse = new long[chunks];
        for (int p = 0; p < chunks; p++) {
            sortedSplit[p] = split[(int) order[p]];
            inverse[(int) order[p]] = p;
        }
        long[] map = PlantedChunkSort.map(x.rows(), split, order, Bug.NONE);
        Map<String, Tensor> res = new LinkedHashMap<>();
        res.put("output", PlantedChunkSort.scatter(x, map));
        res.put("local_group_sizes", PlantedDispatch.longs(m.dtype(), groups));
        res.put("sorted_split_sizes", PlantedDispatch.longs(m.dtype(), sortedSplit));
        res.put("inverse_chunk_indices", PlantedDispatch.longs(DType.I32, inverse));
        return res;
    }

    /** A4: the chunk sort by (sorted_split_sizes, inverse_chunk_indices). */
    static Map<String, Tensor> localUnpermute(Invocation inv, Bug bug) {
        Tensor x = inv.input("inp");
        long[] order = PlantedChunkSort.longs(inv.input("inverse_chunk_indices"));
        if (bug == Bug.LOCAL_UNPERMUTE_FORWARD) {                                                 // BUG: argsort of the inverse
            long[] fwd = new long[order.length];
            for (int p = 0; p < order.length; p++) fwd[(int) order[p]] = p;
            order = fwd;
        }
        long[] map = PlantedChunkSort.map(x.rows(), PlantedChunkSort.longs(inv.input("sorted_split_sizes")), order, Bug.NONE);
        return Map.of("output", PlantedChunkSort.scatter(x, map));
    }
}
