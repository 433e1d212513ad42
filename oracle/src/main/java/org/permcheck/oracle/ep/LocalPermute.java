package org.permcheck.oracle.ep;

import org.permcheck.contract.Ports;
import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Preconditions;
import org.permcheck.contract.Rule;
import org.permcheck.oracle.chunks.ChunkSort;
import org.permcheck.tensor.Tensor;

/**
 * {@code local_permute_after_a2a} (A3) and {@code local_unpermute_before_a2a} (A4): chunk sorts
 * between the source-major layout a ragged all-to-all delivers and the expert-major layout the
 * local experts need.
 */
public final class LocalPermute {
    private LocalPermute() {}

    /** What A3 returns besides the permuted rows. */
    public record State(long[] localGroupSizes, long[] sortedSplitSizes, long[] inverseChunkIndices) {}

    public record Result(Tensor output, State state) {}

    /** A3. */
    public static Result afterA2a(Tensor received, ShardCounts c) {
        int ns = c.numShards();
        int nl = c.localExperts();
        int s = c.shard();
        // split_sizes: chunk i*L + l holds what shard i sent for local expert l (source-major)
        long[] split = new long[ns * nl];
        long total = 0;
        for (int i = 0; i < ns; i++) {
            for (int l = 0; l < nl; l++) {
                split[i * nl + l] = c.count(i, s * nl + l);
                total += split[i * nl + l];
            }
        }
        if (total > received.dim(0)) {
            throw Preconditions.violation(Rule.X8, "the shards send " + total + " rows but inp has only " + received.dim(0));
        }
        // sorted_chunk_indices[l*S + i] = i*L + l: expert-major, then source shard
        long[] order = new long[ns * nl];
        for (int l = 0; l < nl; l++) for (int i = 0; i < ns; i++) order[l * ns + i] = (long) i * nl + l;
        long[] groups = new long[nl];
        for (int l = 0; l < nl; l++) for (int i = 0; i < ns; i++) groups[l] += split[i * nl + l];
        long[] sortedSplit = new long[order.length];
        long[] inverse = new long[order.length];
        for (int p = 0; p < order.length; p++) {
            sortedSplit[p] = split[(int) order[p]];
            inverse[(int) order[p]] = p; // argsort of a permutation is its inverse
        }
        Tensor out = ChunkSort.sort(received, split, order);
        return new Result(out, new State(groups, sortedSplit, inverse));
    }

    /** A4: the chunk sort by (sorted_split_sizes, inverse_chunk_indices), the inverse of A3 (S4). */
    public static Tensor beforeA2a(Tensor expertOutputs, long[] sortedSplitSizes, long[] inverseChunkIndices) {
        return ChunkSort.sort(expertOutputs, sortedSplitSizes, inverseChunkIndices);
    }

    public static Expected expectedAfter(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        ShardCounts c = ShardCounts.from(inv);
        Result r = afterA2a(inp, c);
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put(Ports.OUTPUT, r.output());
        values.put(Ports.LOCAL_GROUP_SIZES, c.vector(r.state().localGroupSizes()));
        values.put(Ports.SORTED_SPLIT_SIZES, c.vector(r.state().sortedSplitSizes()));
        long[] inverse = r.state().inverseChunkIndices();
        values.put(Ports.INVERSE_CHUNK_INDICES, Tensor.i32(Tensor.shape(inverse.length), inverse));
        return new Expected(values, Map.of(), Map.of());
    }

    public static Expected expectedBefore(Invocation inv) {
        long[] split = Preconditions.longs(inv.input(Ports.SORTED_SPLIT_SIZES)), order = Preconditions.longs(inv.input(Ports.INVERSE_CHUNK_INDICES));
        Tensor out = beforeA2a(inv.input(Ports.INP), split, order);
        return new Expected(Map.of(Ports.OUTPUT, out), Map.of(), Map.of());
    }
}
