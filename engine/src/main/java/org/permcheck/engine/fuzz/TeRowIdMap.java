package org.permcheck.engine.fuzz;

import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.tensor.Tensor;

/**
 * The row_id_map the generator feeds combine and the backward passes (docs/generator.md, "Derived
 * inputs"): the oracle's valid slots (M1-M4), with the unspecified slots holding what TE leaves
 * there, so a backend that reads them is caught (M5, C4): columns [n,E) hold dst(t,j) if routed
 * else -1 (TE's pass-2 leftover); [E+n, 2E) hold -1.
 */
final class TeRowIdMap {
    private TeRowIdMap() {}

    static Tensor of(AssignmentTable table) {
        Tensor m = RowIdMap.build(table);
        for (int t = 0; t < table.numTokens(); t++) {
            for (int j = table.routedCount(t); j < table.numExperts(); j++) m.setLong(t, j, table.routed(t, j) ? table.dst(t, j) : -1);
        }
        return m;
    }
}
