package org.permcheck.oracle.layout;

import org.permcheck.contract.Ports;
import java.util.Optional;

import org.permcheck.contract.Preconditions;
import org.permcheck.contract.Rule;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The mask-family {@code row_id_map int32[T, 2E+1]} (docs/spec.md M1-M5): built from the
 * assignment table for dispatch, and read back (valid slots only, X6) by combine and the gradients.
 */
public final class RowIdMap {
    /** Placeholder written into unspecified slots (M5); never compared. */
    public static final int UNSPECIFIED = -1;

    private RowIdMap() {}

    /** M1-M4: the valid slots; M5: -1 elsewhere. */
    public static Tensor build(AssignmentTable table) {
        int nt = table.numTokens();
        int ne = table.numExperts();
        Tensor map = Tensor.filled(DType.I32, UNSPECIFIED & 0xFFFFFFFFL, nt, 2L * ne + 1);
        for (int t = 0; t < nt; t++) {
            int i = 0;
            // M2/M3: descending expert id, which is descending dst for a fixed token
            for (int e = ne - 1; e >= 0; e--) {
                if (!table.routed(t, e)) continue;
                map.setLong(t, i, table.dst(t, e));   // M2: the unpadded destination
                map.setLong(t, ne + i, e);            // M3: its expert
                i++;
            }
            map.setLong(t, 2L * ne, i);               // M4: n(t)
        }
        return map;
    }

    /** M5: a per-element BOOL mask, true exactly on the valid slots [0,n), [E,E+n) and 2E. */
    public static Tensor validSlots(AssignmentTable table) {
        int nt = table.numTokens();
        int ne = table.numExperts();
        Tensor mask = Tensor.zeros(DType.BOOL, nt, 2L * ne + 1);
        for (int t = 0; t < nt; t++) {
            int n = table.routedCount(t);
            for (int i = 0; i < n; i++) {
                mask.setLong(t, i, 1);
                mask.setLong(t, ne + i, 1);
            }
            mask.setLong(t, 2L * ne, 1);
        }
        return mask;
    }

    /**
     * Reads the valid slots of a row_id_map that is an INPUT (combine, gradients): whatever the
     * other slots hold is ignored, as TE ignores it (C4). {@code padOffsets}, when given, is added
     * to every source row (fused unpad). {@code payloadRows} bounds the source rows (X6).
     */
    public static Routes read(Tensor rowIdMap, Optional<Tensor> padOffsets, long payloadRows) {
        Preconditions.requireRank2(Ports.ROW_ID_MAP, rowIdMap);
        if (rowIdMap.dtype() != DType.I32) throw Preconditions.violation(Rule.X1, "row_id_map must be int32, got " + rowIdMap.dtype());
        long cols = rowIdMap.dim(1);
        if (cols < 3 || cols % 2 == 0) {
            throw Preconditions.violation(Rule.X1, "row_id_map must be [T, 2E+1] with E >= 1, got " + rowIdMap.shapeString());
        }
        int ne = (int) ((cols - 1) / 2);
        int nt = (int) rowIdMap.dim(0);
        long[] pad = new long[ne];
        if (padOffsets.isPresent()) {
            Tensor po = padOffsets.get();
            Preconditions.requireIndex(Ports.PAD_OFFSETS, po);
            Preconditions.requireShape(Ports.PAD_OFFSETS, po, ne);
            for (int e = 0; e < ne; e++) {
                pad[e] = po.getLong(e);
                if (pad[e] < 0) throw Preconditions.violation(Rule.X6, "pad_offsets[" + e + "] = " + pad[e] + " is negative");
            }
        }
        int[] start = new int[nt + 1];
        for (int t = 0; t < nt; t++) {
            long n = rowIdMap.getLong(t, 2L * ne);
            if (n < 0 || n > ne) throw Preconditions.violation(Rule.X6, "row_id_map[" + t + "," + 2 * ne + "] = " + n + " is not a count in [0," + ne + "]");
            start[t + 1] = start[t] + (int) n;
        }
        int[] expert = new int[start[nt]];
        long[] src = new long[start[nt]];
        for (int t = 0; t < nt; t++) {
            int n = start[t + 1] - start[t];
            for (int i = 0; i < n; i++) {
                long e = rowIdMap.getLong(t, ne + i);
                if (e < 0 || e >= ne) throw Preconditions.violation(Rule.X6, "row_id_map[" + t + "," + (ne + i) + "] = " + e + " is not an expert id in [0," + ne + ")");
                if (i > 0 && e >= expert[start[t] + i - 1]) {
                    throw Preconditions.violation(Rule.X6, "row_id_map[" + t + "] expert ids are not strictly descending at column " + (ne + i));
                }
                long dst = rowIdMap.getLong(t, i);
                long s = dst + pad[(int) e];
                if (dst < 0 || s >= payloadRows) {
                    throw Preconditions.violation(Rule.X6, "row_id_map[" + t + "," + i + "] = " + dst
                            + (padOffsets.isPresent() ? " (+ pad_offsets " + pad[(int) e] + ")" : "")
                            + " is outside the " + payloadRows + " rows of the permuted tensor");
                }
                expert[start[t] + i] = (int) e;
                src[start[t] + i] = s;
            }
        }
        return new Routes(nt, ne, start, expert, src, payloadRows);
    }

    /** The valid slots of a row_id_map: for each token its routed experts (descending) and source rows. */
    public static final class Routes {
        private final int numTokens;
        private final int numExperts;
        private final int[] start;
        private final int[] expert;
        private final long[] src;
        private final long rows;
        /** Inverse of source(t,i): the first slot t*E+i naming each source row, -1 for none; built on first use. */
        private int[] slotOfRow;

        Routes(int numTokens, int numExperts, int[] start, int[] expert, long[] src, long rows) {
            this.rows = rows;
            this.numTokens = numTokens;
            this.numExperts = numExperts;
            this.start = start;
            this.expert = expert;
            this.src = src;
        }

        public int numTokens() { return numTokens; }

        public int numExperts() { return numExperts; }

        /** n(t). */
        public int count(int t) { return start[t + 1] - start[t]; }

        /** e_i: the expert of slot i (i = 0 is the highest expert id). */
        public int expert(int t, int i) { return expert[start[t] + i]; }

        /** C4, G4: one of token t's valid slots lists expert e. */
        public boolean routed(int t, int e) {
            for (int i = 0; i < count(t); i++) if (expert(t, i) == e) return true;
            return false;
        }

        /** src(t,i) = row_id_map[t,i] (+ pad_offsets[e_i]). */
        public long source(int t, int i) { return src[start[t] + i]; }

        /** The token of the first valid slot whose source is row {@code r}, or -1 when no slot names it (or r is outside the rows). */
        public int sourceToken(long r) {
            if (r < 0 || r >= slotOfRow().length) return -1;
            int k = slotOfRow()[(int) r];
            return k < 0 ? -1 : k / numExperts;
        }

        /** The expert e_i of the first valid slot whose source is row {@code r}, or -1 when no slot names it (or r is outside the rows). */
        public int sourceExpert(long r) {
            if (r < 0 || r >= slotOfRow().length) return -1;
            int k = slotOfRow()[(int) r];
            return k < 0 ? -1 : expert(k / numExperts, k % numExperts);
        }

        private int[] slotOfRow() {
            if (slotOfRow == null) {
                int[] inv = new int[(int) Math.min(rows, Integer.MAX_VALUE)];
                java.util.Arrays.fill(inv, -1);
                for (int t = numTokens - 1; t >= 0; t--) {
                    for (int i = count(t) - 1; i >= 0; i--) inv[(int) source(t, i)] = t * numExperts + i;
                }
                slotOfRow = inv;
            }
            return slotOfRow;
        }
    }
}
