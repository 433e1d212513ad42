package org.permcheck.oracle.megatron;

import java.util.Map;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.PadRoutingMapPreconditions;
import org.permcheck.contract.Ports;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core's {@code pad_routing_map} (docs/spec.md Q7-Q9) as a view of the one assignment table: a column per
 * expert. Expert e's column keeps its routed cells and gains its {@link #padCount pad count} lowest-index non-routed
 * tokens; nothing else is set. Its count becomes {@code align_up(count, m)} (Q7), or T when the column has too few
 * zero cells for that (Q9: every zero cell is set, the count stays unaligned, Megatron-LM #6086).
 */
public final class PaddedRoutingMap {
    private final AssignmentTable table;
    private final long multiple;

    private PaddedRoutingMap(AssignmentTable table, long multiple) {
        this.table = table;
        this.multiple = multiple;
    }

    /** The view of a {@code megatron_pad_routing_map} call (X39 checked). */
    public static PaddedRoutingMap of(Invocation inv) {
        long m = PadRoutingMapPreconditions.check(inv); // X39
        Tensor map = inv.input(Ports.ROUTING_MAP);
        if (map.dim(0) * map.dim(1) > Integer.MAX_VALUE) {
            // a limit of this oracle, not of the contract
            throw new IllegalArgumentException("routing_map " + map.shapeString() + " exceeds the oracle's T*E limit of 2^31-1");
        }
        int tokens = (int) map.dim(0), experts = (int) map.dim(1);
        boolean[] routed = new boolean[tokens * experts];
        for (int t = 0; t < tokens; t++) for (int e = 0; e < experts; e++) routed[t * experts + e] = map.getLong(t, e) == 1;
        return new PaddedRoutingMap(AssignmentTable.of(tokens, experts, routed), m);
    }

    public int numTokens() { return table.numTokens(); }

    public int numExperts() { return table.numExperts(); }

    /** The count of expert e before padding: its column's routed cells. */
    public long count(int e) { return table.count(e); }

    /** Q7: {@code align_up(count, m)}, the smallest multiple of m at or above the count (an empty expert stays 0). */
    public long alignedCount(int e) { return (count(e) + multiple - 1) / multiple * multiple; }

    /** Q9: the column has fewer zero cells than Q7 asks for ({@code align_up(count, m) > T}). */
    public boolean tooFewTokens(int e) { return alignedCount(e) > numTokens(); }

    /** Q7, Q9: the count the padded column has: {@code align_up(count, m)}, or T when that is above T. */
    public long paddedCount(int e) { return Math.min(alignedCount(e), numTokens()); }

    /** Q8: how many non-routed cells of column e are set, {@code paddedCount - count}. */
    public long padCount(int e) { return paddedCount(e) - count(e); }

    /** Q8: cell (t, e) is set by padding: t is among the first {@link #padCount} tokens not routed to e, in ascending order. */
    public boolean padded(int t, int e) {
        if (table.routed(t, e)) return false;
        long zerosBefore = 0; // the non-routed tokens of column e below t
        for (int u = 0; u < t; u++) if (!table.routed(u, e)) zerosBefore++;
        return zerosBefore < padCount(e);
    }

    /** Q8: cell (t, e) of the output: routed, or padded. */
    public boolean set(int t, int e) { return table.routed(t, e) || padded(t, e); }

    /** Q7-Q9: bool padded_routing_map [T,E], every cell specified. */
    public Expected expected() {
        Tensor out = Tensor.zeros(DType.BOOL, numTokens(), numExperts());
        for (int e = 0; e < numExperts(); e++) {
            long zeros = 0; // Q8 walked down the column: the first padCount(e) zero cells are set
            for (int t = 0; t < numTokens(); t++) {
                if (table.routed(t, e)) out.setLong(t, e, 1);
                else if (zeros++ < padCount(e)) out.setLong(t, e, 1);
            }
        }
        return new Expected(Map.of(Ports.PADDED_ROUTING_MAP, out), Map.of(), Map.of());
    }
}
