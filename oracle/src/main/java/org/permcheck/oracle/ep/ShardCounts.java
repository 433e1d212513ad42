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

    /** Reads the op's input and its shard_id / num_shards attributes (X1, X5, X8). */
    public static ShardCounts from(Invocation inv) {
        Tensor mt = inv.input(Ports.ALL_SHARDS_TOKENS_PER_EXPERT);
        Preconditions.requireIndex(Ports.ALL_SHARDS_TOKENS_PER_EXPERT, mt);
        Preconditions.requireRank2(Ports.ALL_SHARDS_TOKENS_PER_EXPERT, mt);
        long shard = inv.optionalAttr(Attrs.SHARD_ID).orElseThrow(() -> Preconditions.violation(Rule.X8, "shard_id attribute missing"));
        long shards = inv.optionalAttr(Attrs.NUM_SHARDS).orElseThrow(() -> Preconditions.violation(Rule.X8, "num_shards attribute missing"));
        if (shards < 1 || shards > Integer.MAX_VALUE) throw Preconditions.violation(Rule.X8, "num_shards must be >= 1, got " + shards);
        if (mt.dim(0) != shards) throw Preconditions.violation(Rule.X8, "all_shards_tokens_per_expert has " + mt.dim(0) + " rows, expected num_shards = " + shards);
        if (shard < 0 || shard >= shards) throw Preconditions.violation(Rule.X8, "shard_id " + shard + " is not in [0," + shards + ")");
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
