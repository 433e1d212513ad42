package org.permcheck.oracle.ep;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.TeEpPreconditions;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.oracle.layout.IndexForm;
import org.permcheck.tensor.Tensor;

/**
 * The receive slabs of TE's expert-parallel dispatch in the world view (docs/spec.md Y1-Y3, A6's view): the one
 * assignment table of all S ranks' tokens concatenated rank-major ({@code g = s*T + t}), {@code topk_idx} read as
 * its routing map ({@link IndexForm#routingMap}, I1). Rank s owns experts {@code [s*L, (s+1)*L)} and receive rows
 * {@code [s*C, (s+1)*C)}; local expert l's slab starts at {@code sum_{l'<l} align_up(count, A)} in the rank, holds
 * {@code count} entries and then zero rows up to {@code align_up(count, A)}. The canonical order inside a slab is
 * ascending g (source rank, then token); the contract leaves it unspecified (Y1).
 */
public final class EpSlabs {
    private final AssignmentTable table;
    private final Tensor ids;
    private final int ranks;
    private final int local;
    private final long capacity;
    private final long alignment;

    private EpSlabs(AssignmentTable table, Tensor ids, int ranks, long capacity, long alignment) {
        this.table = table;
        this.ids = ids;
        this.ranks = ranks;
        this.local = table.numExperts() / ranks;
        this.capacity = capacity;
        this.alignment = alignment;
    }

    /** The view of a te_ep_dispatch or te_ep_combine call (its X35-X37 checked by the caller). */
    public static EpSlabs of(Invocation inv) {
        Tensor ids = inv.input(Ports.TOPK_IDX);
        int experts = (int) inv.attr(Attrs.NUM_EXPERTS);
        if (ids.dim(0) * experts > Integer.MAX_VALUE) throw new IllegalArgumentException("topk_idx " + ids.shapeString() + " with " + experts + " experts exceeds the oracle's T*E limit of 2^31-1");
        AssignmentTable table = AssignmentTable.of(IndexForm.routingMap(ids, experts)); // I1 (X36: distinct ids in [0,E))
        return new EpSlabs(table, ids, (int) inv.attr(Attrs.NUM_RANKS), inv.attr(Attrs.RECV_CAPACITY), inv.optionalAttr(Attrs.ALIGNMENT).orElse(0L));
    }

    public AssignmentTable table() { return table; }

    public int ranks() { return ranks; }

    /** L = E/S, the local experts of a rank. */
    public int localExperts() { return local; }

    public long capacity() { return capacity; }

    /** The rank owning global expert e. */
    public int rankOf(int e) { return e / local; }

    /** Y3: the entries of expert e's slab, one per (g, k) naming e. */
    public long count(int e) { return table.count(e); }

    /** Y1, Y2: the rows of e's slab, {@code align_up(count, A)} (an empty expert has none). */
    public long slabRows(int e) { return TeEpPreconditions.alignUp(count(e), alignment); }

    /** Y1: the global receive row where expert e's slab starts, {@code s*C + sum_{l'<l} slabRows}. */
    public long slabStart(int e) {
        int s = rankOf(e);
        long r = (long) s * capacity;
        for (int f = s * local; f < e; f++) r += slabRows(f);
        return r;
    }

    /** Y1: the rows of rank s holding slabs, {@code sum_l align_up(count, A)} (at most C, X37); the rest unspecified. */
    public long rankTotal(int s) {
        long n = 0;
        for (int e = s * local; e < (s + 1) * local; e++) n += slabRows(e);
        return n;
    }

    /** Y1: the canonical receive row of (token g, expert e), for a routed pair: ascending g inside the slab. */
    public long row(int g, int e) { return slabStart(e) + table.rank(g, e); }

    /** The slot k of token g that names expert e (X36: exactly one for a routed pair). */
    public int slotOf(int g, int e) { return IndexForm.slotOf(ids, g, e); }

    /** Y1: receive row r lies past its rank's padded total (unspecified). */
    public boolean pastTotal(long r) { return r % capacity >= rankTotal((int) (r / capacity)); }
}
