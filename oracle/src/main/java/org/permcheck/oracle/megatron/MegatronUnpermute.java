package org.permcheck.oracle.megatron;

import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.MegatronPreconditions;
import org.permcheck.contract.Ports;
import org.permcheck.oracle.dispatch.RowReduction;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.oracle.layout.ScatterRoutes;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core {@code unpermute} (docs/spec.md Q5, Q6): every row added back to its token through
 * {@code sorted_indices}, weighted by {@code probs[t, e(r)]} when given; combine's reduction (C1, C5)
 * over the rows that name each token.
 */
public final class MegatronUnpermute {
    private MegatronUnpermute() {}

    public static Expected expected(Invocation inv) {
        MegatronPreconditions.unpermute(inv); // X1, X2, X5, X18
        RowIdMap.Routes routes = routes(inv);
        Tensor inp = inv.input(Ports.INP);
        // Q5: the C1 sum, C5 reference and slack; the order of a scatter-add is unspecified, so the
        // bit-faithful value (ascending rows, separate multiply and add) is information only (C2)
        RowReduction.Result r = RowReduction.sum(inp, routes, inv.optionalInput(Ports.PROBS).orElse(null), false, inp.dtype());
        return new Expected(Map.of(Ports.OUTPUT, r.values()), Map.of(),
                Map.of(Ports.OUTPUT, r.reference(), Ports.OUTPUT + ".slack", r.slack()));
    }

    /**
     * Q5, Q6: token t sums the rows r with {@code sorted_indices[r] = t} (none: exactly +0.0); row r weighs
     * with expert {@code r // C} under drop_and_pad (C = rows / E, Q3), else the expert whose group
     * (D1: offset[e] <= r < offset[e] + count[e]) holds it.
     */
    public static RowIdMap.Routes routes(Invocation inv) {
        Tensor sorted = inv.input(Ports.SORTED_INDICES);
        int rows = (int) sorted.dim(0);
        long[] token = new long[rows];
        for (int r = 0; r < rows; r++) token[r] = sorted.getLong(r);
        int nt = (int) inv.attr(Attrs.NUM_TOKENS);
        Optional<Tensor> probs = inv.optionalInput(Ports.PROBS);
        if (probs.isEmpty()) return ScatterRoutes.of(nt, 1, token, null);
        AssignmentTable table = AssignmentTable.of(inv.input(Ports.ROUTING_MAP));
        int ne = table.numExperts();
        int[] expert = new int[rows];
        if (inv.optionalAttr(Attrs.DROP_AND_PAD).orElse(0L) == 1) {
            int capacity = rows / ne;
            for (int r = 0; r < rows; r++) expert[r] = r / capacity;
        } else {
            for (int e = 0; e < ne; e++) {
                for (long r = table.offset(e); r < table.offset(e) + table.count(e); r++) expert[(int) r] = e;
            }
        }
        return ScatterRoutes.of(nt, ne, token, expert);
    }
}
