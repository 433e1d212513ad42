package org.permcheck.oracle.ep;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Preconditions;
import org.permcheck.contract.Rule;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * {@code all_shards_tokens_per_expert M[S,E]} with shard id and shard count (X8), and
 * {@code send_to[i][j] = sum_{l<L} M[i][j*L+l]} (docs/spec.md group A).
 */
public final class ShardCounts {
    private final long[][] m;
    private final int shard;
    private final int numShards;
    private final int localExperts;
    private final DType dtype;

    public ShardCounts(long[][] m, int shard, int numShards, DType dtype) {
        if (numShards < 1) throw Preconditions.violation(Rule.X8, "num_shards must be >= 1, got " + numShards);
        if (shard < 0 || shard >= numShards) throw Preconditions.violation(Rule.X8, "shard_id " + shard + " is not in [0," + numShards + ")");
        if (m.length != numShards) throw Preconditions.violation(Rule.X8, "all_shards_tokens_per_expert has " + m.length + " rows, expected num_shards = " + numShards);
        int ne = m[0].length;
        if (ne < 1 || ne % numShards != 0) {
            throw Preconditions.violation(Rule.X8, "num_experts " + ne + " is not a positive multiple of num_shards " + numShards);
        }
        for (int i = 0; i < m.length; i++) {
            for (int e = 0; e < ne; e++) {
                if (m[i][e] < 0) throw Preconditions.violation(Rule.X8, "all_shards_tokens_per_expert[" + i + "," + e + "] = " + m[i][e] + " is negative");
            }
        }
        this.m = m;
        this.shard = shard;
        this.numShards = numShards;
        this.localExperts = ne / numShards;
        this.dtype = dtype;
    }

    /** Reads the op's input and its shard_id / num_shards attributes (checked by the model's CallPreconditions, X8). */
    public static ShardCounts from(Invocation inv) {
        Tensor mt = inv.input(Ports.ALL_SHARDS_TOKENS_PER_EXPERT);
        long shard = inv.attr(Attrs.SHARD_ID), shards = inv.attr(Attrs.NUM_SHARDS);
        long[][] m = new long[(int) mt.dim(0)][(int) mt.dim(1)];
        for (int i = 0; i < m.length; i++) for (int e = 0; e < m[i].length; e++) m[i][e] = mt.getLong(i, e);
        return new ShardCounts(m, (int) shard, (int) shards, mt.dtype());
    }

    /** send_to[i][j]: tokens shard i sends to shard j (its experts j*L .. j*L+L-1). */
    public long sendTo(int i, int j) {
        long s = 0;
        for (int l = 0; l < localExperts; l++) s += m[i][j * localExperts + l];
        return s;
    }

    public long count(int shardIndex, int expert) { return m[shardIndex][expert]; }

    public int shard() { return shard; }

    public int numShards() { return numShards; }

    public int localExperts() { return localExperts; }

    public DType dtype() { return dtype; }

    /** A 1-D tensor of the counts' dtype. */
    Tensor vector(long[] v) {
        Tensor t = Tensor.zeros(dtype, v.length);
        for (int i = 0; i < v.length; i++) t.setLong(i, v[i]);
        return t;
    }
}
