package org.permcheck.engine.cpu;

import org.permcheck.tensor.Tensor;

/**
 * The CPU backend's reading of a row_id_map input: for each token its valid slots (rows, plus
 * pad_offsets[e] when given, and experts) in the map's order. Only columns [0,n), [E,E+n) and 2E
 * are read, never the garbage slots.
 */
final class Routes {
    final int tokens;
    final int experts;
    final int[] count;
    final long[][] rows;
    final int[][] expert;

    Routes(Tensor rowIdMap, Tensor padOffsets) {
        if (rowIdMap.rank() != 2 || rowIdMap.dim(1) % 2 != 1) {
            throw new IllegalArgumentException("row_id_map must be [T, 2E+1], got " + rowIdMap.shapeString());
        }
        tokens = (int) rowIdMap.dim(0);
        experts = (int) ((rowIdMap.dim(1) - 1) / 2);
        count = new int[tokens];
        rows = new long[tokens][];
        expert = new int[tokens][];
        for (int t = 0; t < tokens; t++) {
            int n = (int) rowIdMap.getLong(t, 2L * experts);
            if (n < 0 || n > experts) throw new IllegalArgumentException("row_id_map[" + t + ", 2E] = " + n + " outside [0, E]");
            count[t] = n;
            rows[t] = new long[n];
            expert[t] = new int[n];
            for (int i = 0; i < n; i++) {
                int e = (int) rowIdMap.getLong(t, experts + i);
                long row = rowIdMap.getLong(t, i);
                if (padOffsets != null) row += padOffsets.getLong(e);
                rows[t][i] = row;
                expert[t][i] = e;
            }
        }
    }
}
