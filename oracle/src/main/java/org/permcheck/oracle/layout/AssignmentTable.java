package org.permcheck.oracle.layout;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Preconditions;
import org.permcheck.contract.Rule;
import org.permcheck.tensor.Tensor;

/**
 * The canonical object (docs/spec.md, "The canonical assignment table"; docs/sources.md#canonical-table): every
 * (token, expert) assignment of a routing map, its rank inside the expert's group, the counts and
 * the unpadded offsets. Every output of every profile is a view of this table.
 *
 * <p>Computed with the counting formulation of docs/sources.md#te-1, in plain loops. Arrays of
 * size T*E are fine (a 16384 x 256 map is 4M entries).
 */
public final class AssignmentTable {
    private final int numTokens;
    private final int numExperts;
    /** rank(t,e) at index t*E+e, or -1 when token t is not routed to expert e. */
    private final int[] rank;
    private final long[] count;
    private final long[] offset;
    private final int[] routedPerToken;
    private final long used;

    private AssignmentTable(int numTokens, int numExperts, int[] rank, long[] count, long[] offset, int[] routedPerToken) {
        this.numTokens = numTokens;
        this.numExperts = numExperts;
        this.rank = rank;
        this.count = count;
        this.offset = offset;
        this.routedPerToken = routedPerToken;
        long u = 0;
        for (long c : count) u += c;
        this.used = u;
    }

    /** D1: the table of a routing map {@code [T,E]} of 0/1 (X1, X2 checked here). */
    public static AssignmentTable of(Tensor routingMap) {
        Preconditions.requireRank2(Ports.ROUTING_MAP, routingMap);
        Preconditions.requireRoutingMap(routingMap);
        if (routingMap.dim(1) < 1) throw Preconditions.violation(Rule.X1, "routing_map needs at least one expert, got " + routingMap.shapeString());
        if (routingMap.dim(0) * routingMap.dim(1) > Integer.MAX_VALUE) {
            // a limit of this oracle, not of the contract: say so rather than call the input invalid
            throw new IllegalArgumentException("routing_map " + routingMap.shapeString() + " exceeds the oracle's T*E limit of 2^31-1");
        }
        int t = (int) routingMap.dim(0);
        int e = (int) routingMap.dim(1);
        boolean[] routed = new boolean[t * e];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < e; j++) routed[i * e + j] = routingMap.getLong(i, j) == 1;
        }
        return of(t, e, routed);
    }

    /** D1 from a boolean matrix {@code routed[t*E+e]} (values already known to be 0/1). */
    public static AssignmentTable of(int numTokens, int numExperts, boolean[] routed) {
        int[] rank = new int[numTokens * numExperts];
        long[] count = new long[numExperts];
        int[] perToken = new int[numTokens];
        // rank(t,e) = #{t' < t : R[t',e] = 1}: walk the tokens in order, counting per expert
        for (int t = 0; t < numTokens; t++) {
            for (int e = 0; e < numExperts; e++) {
                if (routed[t * numExperts + e]) {
                    rank[t * numExperts + e] = (int) count[e];
                    count[e]++;
                    perToken[t]++;
                } else {
                    rank[t * numExperts + e] = -1;
                }
            }
        }
        // offset[e] = sum of the counts of the experts before e
        long[] offset = new long[numExperts];
        for (int e = 1; e < numExperts; e++) offset[e] = offset[e - 1] + count[e - 1];
        return new AssignmentTable(numTokens, numExperts, rank, count, offset, perToken);
    }

    public int numTokens() { return numTokens; }

    public int numExperts() { return numExperts; }

    public boolean routed(int t, int e) { return rank[t * numExperts + e] >= 0; }

    /** rank(t,e): the position of token t inside expert e's group (only for routed pairs). */
    public int rank(int t, int e) {
        int r = rank[t * numExperts + e];
        if (r < 0) throw new IllegalArgumentException("token " + t + " is not routed to expert " + e);
        return r;
    }

    /** count[e]: tokens routed to expert e. */
    public long count(int e) { return count[e]; }

    /** offset[e]: exclusive prefix sum of the counts. */
    public long offset(int e) { return offset[e]; }

    /** dst(t,e) = offset[e] + rank(t,e): the unpadded row of a routed pair (D1). */
    public long dst(int t, int e) { return offset[e] + rank(t, e); }

    /** n(t): the number of experts token t is routed to. */
    public int routedCount(int t) { return routedPerToken[t]; }

    /** N_used = sum of the counts. */
    public long used() { return used; }

    public long[] counts() { return count.clone(); }
}
