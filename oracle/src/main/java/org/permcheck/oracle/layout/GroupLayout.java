package org.permcheck.oracle.layout;

import org.permcheck.contract.Profile;
import org.permcheck.contract.Preconditions;

/**
 * Where each expert's group lies in the dispatch buffer: unpadded (D1, D5) or padded to a
 * multiple of the align size (P1-P3), with the buffer length the profile asks for.
 */
public final class GroupLayout {
    private final AssignmentTable table;
    private final boolean padded;
    private final long[] target;
    private final long[] padOffsets;
    private final long[] groupStart;
    private final long bufferRows;

    private GroupLayout(AssignmentTable table, boolean padded, long[] target, long[] padOffsets, long[] groupStart, long bufferRows) {
        this.table = table;
        this.padded = padded;
        this.target = target;
        this.padOffsets = padOffsets;
        this.groupStart = groupStart;
        this.bufferRows = bufferRows;
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
        return new GroupLayout(table, false, target, new long[ne], start, numOutTokens);
    }

    /** P1-P3: groups padded to multiples of {@code align}; buffer length per the profile. */
    public static GroupLayout padded(AssignmentTable table, long align, long numOutTokens, Profile profile) {
        if (align <= 0) throw Preconditions.violation("X4", "align_size must be > 0, got " + align);
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
        return new GroupLayout(table, true, target, padOffsets, start, rows);
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

    public AssignmentTable table() { return table; }
}
