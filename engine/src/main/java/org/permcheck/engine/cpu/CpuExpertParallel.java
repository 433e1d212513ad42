package org.permcheck.engine.cpu;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Attrs;
import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Preconditions;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.Tensor;

/** The expert-parallel helpers (docs/sources.md#te-4-5): all-to-all parameters and the local chunk sorts. */
final class CpuExpertParallel {
    private CpuExpertParallel() {}

    /** sendTo[i][j] = tokens shard i sends to shard j = sum of M[i][j*L .. j*L+L). */
    static long[][] sendTo(Tensor m, int shards) {
        int experts = (int) m.dim(1);
        int local = experts / shards;
        long[][] s = new long[shards][shards];
        for (int i = 0; i < shards; i++) for (int e = 0; e < experts; e++) s[i][e / local] += m.getLong(i, e);
        return s;
    }

    static Outputs params(Invocation inv, boolean reverse) {
        Tensor m = inv.input(Ports.ALL_SHARDS_TOKENS_PER_EXPERT);
        int shards = (int) inv.attr(Attrs.NUM_SHARDS);
        int s = (int) inv.attr(Attrs.SHARD_ID);
        long[][] to = sendTo(m, shards);
        long[] send = new long[shards];
        long[] recv = new long[shards];
        long[] outOff = new long[shards];
        for (int j = 0; j < shards; j++) {
            send[j] = reverse ? to[j][s] : to[s][j];
            recv[j] = reverse ? to[s][j] : to[j][s];
            for (int i = 0; i < s; i++) outOff[j] += reverse ? to[j][i] : to[i][j];
        }
        long[] inOff = new long[shards];
        for (int j = 1; j < shards; j++) inOff[j] = inOff[j - 1] + send[j - 1];
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(Ports.INPUT_OFFSETS, Tensor.ofInts(m.dtype(), Tensor.shape(inOff.length), inOff));
        out.put(Ports.SEND_SIZES, Tensor.ofInts(m.dtype(), Tensor.shape(send.length), send));
        out.put(Ports.OUTPUT_OFFSETS, Tensor.ofInts(m.dtype(), Tensor.shape(outOff.length), outOff));
        out.put(Ports.RECV_SIZES, Tensor.ofInts(m.dtype(), Tensor.shape(recv.length), recv));
        return new Outputs(out);
    }

    static Outputs permuteAfter(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Tensor m = inv.input(Ports.ALL_SHARDS_TOKENS_PER_EXPERT);
        int shards = (int) inv.attr(Attrs.NUM_SHARDS);
        int s = (int) inv.attr(Attrs.SHARD_ID);
        int local = (int) m.dim(1) / shards;
        int chunks = shards * local;
        long[] split = new long[chunks];
        long[] sortedIdx = new long[chunks];
        long[] groups = new long[local];
        for (int i = 0; i < shards; i++) {
            for (int l = 0; l < local; l++) {
                split[i * local + l] = m.getLong(i, (long) s * local + l);
                sortedIdx[l * shards + i] = (long) i * local + l;
                groups[l] += split[i * local + l];
            }
        }
        long[] sortedSizes = new long[chunks];
        long[] inverse = new long[chunks];
        for (int p = 0; p < chunks; p++) {
            sortedSizes[p] = split[(int) sortedIdx[p]];
            inverse[(int) sortedIdx[p]] = p;
        }
        int[] map = CpuChunkSort.map(split, sortedIdx, (int) inp.dim(0));
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(Ports.OUTPUT, CpuChunkSort.move(inp, map, true));
        out.put(Ports.LOCAL_GROUP_SIZES, Tensor.ofInts(m.dtype(), Tensor.shape(groups.length), groups));
        out.put(Ports.SORTED_SPLIT_SIZES, Tensor.ofInts(m.dtype(), Tensor.shape(sortedSizes.length), sortedSizes));
        out.put(Ports.INVERSE_CHUNK_INDICES, Tensor.i32(Tensor.shape(inverse.length), inverse));
        return new Outputs(out);
    }

    static Outputs unpermuteBefore(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        int[] map = CpuChunkSort.map(Preconditions.longs(inv.input(Ports.SORTED_SPLIT_SIZES)),
                Preconditions.longs(inv.input(Ports.INVERSE_CHUNK_INDICES)), (int) inp.dim(0));
        return new Outputs(Map.of(Ports.OUTPUT, CpuChunkSort.move(inp, map, true)));
    }
}
