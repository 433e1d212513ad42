package org.permcheck.oracle.layout;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Attrs;
import java.util.Optional;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Preconditions;
import org.permcheck.contract.Profile;
import org.permcheck.contract.Rule;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The dispatch layout view (docs/spec.md D1, D3, D5, P1-P4, N1; M1-M5 via {@link RowIdMap}):
 * where each expert's group lies in the dispatch buffer, unpadded (D1, D5) or padded to a
 * multiple of the align size (P1-P3), with the buffer length the profile asks for; the row of
 * every routed pair and its inverse. {@code Dispatch.expected} builds its outputs from it, and
 * everything else that needs the layout (generator features, budgets, round trips) reads it
 * through {@code Oracle.layout} instead of re-deriving it.
 */
public final class GroupLayout {
    private final AssignmentTable table;
    private final boolean padded;
    private final long[] target;
    private final long[] padOffsets;
    private final long[] groupStart;
    private final long bufferRows;
    /** The profile of a padded layout (P4 depends on it); null unpadded. */
    private final Profile profile;
    /** Inverse of row(t,e), built on first use: t*E+e per buffer row, -1 for pad/tail/unused rows. */
    private int[] pairOfRow;

    private GroupLayout(AssignmentTable table, boolean padded, long[] target, long[] padOffsets, long[] groupStart, long bufferRows, Profile profile) {
        this.profile = profile;
        this.table = table;
        this.padded = padded;
        this.target = target;
        this.padOffsets = padOffsets;
        this.groupStart = groupStart;
        this.bufferRows = bufferRows;
    }

    /**
     * The layout of a {@code token_dispatch} call: the assignment table of its routing_map (X1, X2),
     * then X3 and X4 on num_out_tokens and align_size, then D5 or P1-P3.
     */
    public static GroupLayout of(Invocation inv) {
        return of(inv, AssignmentTable.of(inv.input(Ports.ROUTING_MAP)));
    }

    /** As {@link #of(Invocation)} for a table already built from the call's routing_map. */
    public static GroupLayout of(Invocation inv, AssignmentTable table) {
        Profile profile = inv.profile();
        Optional<Long> n = inv.optionalAttr(Attrs.NUM_OUT_TOKENS);
        if (n.isEmpty()) throw Preconditions.violation(Rule.X3, "token_dispatch needs the num_out_tokens attribute");
        long numOut = n.get();
        if (numOut <= 0) throw Preconditions.violation(Rule.X3, "num_out_tokens must be > 0, got " + numOut);
        if (numOut < table.used()) {
            throw Preconditions.violation(Rule.X3, "num_out_tokens = " + numOut + " is below the " + table.used()
                    + " routed (token, expert) pairs (TE writes out of bounds, #3346)");
        }
        Optional<Long> align = inv.optionalAttr(Attrs.ALIGN_SIZE);
        if (align.isEmpty()) {
            if (profile.paddingRequired()) {
                throw Preconditions.violation(Rule.X4, "profile " + profile.id() + " requires the align_size attribute");
            }
            return unpadded(table, numOut);
        }
        return padded(table, align.get(), numOut, profile);
    }

    /** D5: no padding; the buffer has num_out_tokens rows (X3 checked by the caller). */
    public static GroupLayout unpadded(AssignmentTable table, long numOutTokens) {
        int ne = table.numExperts();
        long[] target = new long[ne];
        long[] start = new long[ne];
        for (int e = 0; e < ne; e++) {
            target[e] = table.count(e);
            start[e] = table.offset(e);
        }
        return new GroupLayout(table, false, target, new long[ne], start, numOutTokens, null);
    }

    /** P1-P3: groups padded to multiples of {@code align}; buffer length per the profile. */
    public static GroupLayout padded(AssignmentTable table, long align, long numOutTokens, Profile profile) {
        if (align <= 0) throw Preconditions.violation(Rule.X4, "align_size must be > 0, got " + align);
        int ne = table.numExperts();
        long[] target = new long[ne];
        long[] padOffsets = new long[ne];
        long[] start = new long[ne];
        // P1: target[e] = ceil(count/A)*A; pad_offsets = exclusive cumsum of (target - count)
        for (int e = 0; e < ne; e++) {
            long c = table.count(e);
            target[e] = ((c + align - 1) / align) * align;
            if (e > 0) {
                padOffsets[e] = padOffsets[e - 1] + (target[e - 1] - table.count(e - 1));
                start[e] = start[e - 1] + target[e - 1];
            }
        }
        long sumTarget = 0;
        for (long t : target) sumTarget += t;
        // P3: worst-case buffer (te-jax) or exactly sum(target) (torch-mask-pad)
        long rows;
        switch (profile.bufferLength()) {
            case WORST_CASE:
                rows = ((numOutTokens + (long) ne * (align - 1)) / align) * align;
                break;
            case EXACT:
                rows = sumTarget;
                break;
            default:
                throw new IllegalStateException("unknown buffer length " + profile.bufferLength());
        }
        return new GroupLayout(table, true, target, padOffsets, start, rows, profile);
    }

    public boolean padded() { return padded; }

    /** The row of a routed pair: dst(t,e) unpadded (D1), dstPad(t,e) = start[e] + rank padded (P2). */
    public long row(int t, int e) { return groupStart[e] + table.rank(t, e); }

    /** target[e] when padded, count[e] otherwise (N1). */
    public long groupRows(int e) { return target[e]; }

    public long padOffset(int e) { return padOffsets[e]; }

    public long groupStart(int e) { return groupStart[e]; }

    /** Rows of the dispatch output buffer. */
    public long bufferRows() { return bufferRows; }

    /** True when every count is already a multiple of the align size (P4's torch-mask-pad case). */
    public boolean alreadyAligned() {
        for (int e = 0; e < target.length; e++) if (target[e] != table.count(e)) return false;
        return true;
    }

    /** P4: pad_offsets as the profile returns it: absent unpadded; te-jax always when padded; torch-mask-pad unless already aligned. */
    public Optional<Tensor> padOffsets() {
        if (!padded) return Optional.empty();
        if (!profile.padOffsetsWhenAligned() && alreadyAligned()) return Optional.empty();
        int ne = table.numExperts();
        Tensor t = Tensor.zeros(profile.countsDtype(), ne);
        for (int e = 0; e < ne; e++) t.setLong(e, padOffsets[e]);
        return Optional.of(t);
    }

    /** P1: Σ target[e] (Σ count[e] = N_used unpadded). */
    public long sumTarget() {
        long s = 0;
        for (long t : target) s += t;
        return s;
    }

    /** D1: token t is routed to expert e. */
    public boolean routed(int t, int e) { return table.routed(t, e); }

    /** M4: n(t), the experts token t is routed to. */
    public int n(int t) { return table.routedCount(t); }

    /** count[e]: tokens routed to expert e. */
    public long count(int e) { return table.count(e); }

    /** N_used: routed pairs, the rows D2 writes. */
    public long used() { return table.used(); }

    /** The token whose copy row {@code r} holds, or -1 for a padding, tail or unused row (P2, P3, D5) or one outside the buffer. */
    public int token(long r) {
        if (r < 0 || r >= bufferRows) return -1;
        int p = pairOfRow()[(int) r];
        return p < 0 ? -1 : p / table.numExperts();
    }

    /** The expert whose group row {@code r} belongs to as a copy, or -1 for a padding, tail or unused row or one outside the buffer. */
    public int expert(long r) {
        if (r < 0 || r >= bufferRows) return -1;
        int p = pairOfRow()[(int) r];
        return p < 0 ? -1 : p % table.numExperts();
    }

    private int[] pairOfRow() {
        if (pairOfRow == null) {
            if (bufferRows > Integer.MAX_VALUE) throw new IllegalArgumentException("buffer of " + bufferRows + " rows exceeds the oracle's row limit of 2^31-1");
            int[] inv = new int[(int) bufferRows];
            java.util.Arrays.fill(inv, -1);
            int ne = table.numExperts();
            for (int t = 0; t < table.numTokens(); t++) {
                for (int e = 0; e < ne; e++) if (table.routed(t, e)) inv[(int) row(t, e)] = t * ne + e;
            }
            pairOfRow = inv;
        }
        return pairOfRow;
    }

    /** D3: a routed pair whose probability is +0.0 or -0.0 (its row stays +0.0). */
    public boolean zeroProb(Tensor probs, int t, int e) {
        return table.routed(t, e) && probs.getF32(t, e) == 0f;
    }

    /** D3: some routed pair has a zero probability. */
    public boolean anyZeroProb(Tensor probs) {
        for (int t = 0; t < table.numTokens(); t++) {
            for (int e = 0; e < table.numExperts(); e++) if (zeroProb(probs, t, e)) return true;
        }
        return false;
    }

    /**
     * D5: the specified-row mask of output and permuted_probs: a per-row BOOL mask, true for rows
     * [0, N_used), or empty when every row is specified (padded, or no rows past N_used).
     */
    public Optional<Tensor> specifiedRows() {
        if (padded || bufferRows <= table.used()) return Optional.empty();
        Tensor m = Tensor.zeros(DType.BOOL, bufferRows);
        for (long r = 0; r < table.used(); r++) m.setLong(r, 1);
        return Optional.of(m);
    }

    public AssignmentTable table() { return table; }
}
