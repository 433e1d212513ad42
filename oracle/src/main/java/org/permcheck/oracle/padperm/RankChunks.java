package org.permcheck.oracle.padperm;

/**
 * The input of torchao's padded permute read as the assignment table (docs/spec.md W1): the received rows
 * {@code inp[T,H]} are rank-major chunks, chunk {@code (r, e)} the {@code num_tokens_per_expert[r*E_l + e]} rows
 * rank r sent to local expert e, starting at the exclusive prefix sum of the counts before it. Row i of chunk
 * (r, e) is the one table's assignment (row {@code start(r,e) + i}, local expert e): every row routed to exactly
 * one expert, the table given by its counts, not by a routing map.
 */
public final class RankChunks {
    private final int ranks;
    private final int localExperts;
    private final long[] counts; // rank-major: counts[r*E_l + e]
    private final long[] starts; // exclusive prefix sum of counts

    private RankChunks(int ranks, int localExperts, long[] counts) {
        this.ranks = ranks;
        this.localExperts = localExperts;
        this.counts = counts.clone();
        this.starts = new long[counts.length];
        long s = 0;
        for (int i = 0; i < counts.length; i++) {
            starts[i] = s;
            s += counts[i];
        }
    }

    /** W1: the chunks of rank-major counts {@code [R*E_l]} (X28 checked by the caller). */
    public static RankChunks of(long[] counts, int ranks, int localExperts) { return new RankChunks(ranks, localExperts, counts); }

    public int ranks() { return ranks; }

    public int localExperts() { return localExperts; }

    /** The rows rank r sent to local expert e. */
    public long count(int r, int e) { return counts[r * localExperts + e]; }

    /** W1: the first input row of chunk (r, e), the rank-major exclusive prefix sum. */
    public long start(int r, int e) { return starts[r * localExperts + e]; }

    /** W2: the rows of local expert e over all source ranks, {@code counts.view(R, -1).sum(0)[e]}. */
    public long total(int e) {
        long t = 0;
        for (int r = 0; r < ranks; r++) t += count(r, e);
        return t;
    }

    /** T, the rows received. */
    public long rows() {
        long t = 0;
        for (long c : counts) t += c;
        return t;
    }
}
