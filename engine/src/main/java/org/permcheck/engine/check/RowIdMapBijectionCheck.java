package org.permcheck.engine.check;

import org.permcheck.contract.Ports;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Op;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Mismatch;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

/**
 * D1 (every routed pair produces exactly one row), an invariant judged on the backend's own row_id_map without the oracle: its valid slots map
 * the routed pairs {(t,e): routing_map[t,e]=1} one to one onto rows [0, N_used): n(t) equals the
 * token's routed count, the experts listed are exactly the routed ones, and no row is used twice.
 * Deliberately independent of the oracle (its layout view included): it re-reads routing_map, so an oracle bug cannot hide a broken map.
 */
public final class RowIdMapBijectionCheck implements Check {
    @Override
    public Set<Rule> rules() { return Set.of(Rule.D1); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() != Op.DISPATCH) return;
        Tensor a = ctx.actualValue(Ports.ROW_ID_MAP);
        Tensor routing = ctx.maskForm().inputs().get(Ports.ROUTING_MAP); // I1: the index form read as its map
        if (a == null || routing == null || routing.rank() != 2) return;
        long tokens = routing.dim(0);
        long experts = routing.dim(1);
        if (!a.sameShape(tokens, 2 * experts + 1) || !a.dtype().isInt()) return;
        // routing rows read whole (values are 0 or 1: the low byte decides)
        boolean[][] routed = new boolean[(int) tokens][(int) experts];
        byte[] routingRow = new byte[routing.rowBytes()];
        int size = routing.dtype().size();
        long used = 0;
        for (int t = 0; t < tokens; t++) {
            routing.readRowBytes(t, routingRow, 0);
            for (int x = 0; x < experts; x++) {
                routed[t][x] = routingRow[x * size] != 0;
                if (routed[t][x]) used++;
            }
        }
        if (used > Integer.MAX_VALUE) return;
        boolean[] seen = new boolean[(int) used];
        Mismatch first = null;
        long bad = 0;
        for (long t = 0; t < tokens; t++) {
            String problem = null;
            long col = -1;
            long n = a.getLong(t, 2 * experts);
            long count = 0;
            for (int x = 0; x < experts; x++) if (routed[(int) t][x]) count++;
            if (n != count) {
                problem = "n(t)=" + n + " but the token is routed to " + count + " experts";
                col = 2 * experts;
            } else {
                for (long i = 0; i < n && problem == null; i++) {
                    long row = a.getLong(t, i);
                    long ex = a.getLong(t, experts + i);
                    if (ex < 0 || ex >= experts || !routed[(int) t][(int) ex]) {
                        problem = "slot lists expert " + ex + " which the token is not routed to";
                        col = experts + i;
                    } else if (row < 0 || row >= used) {
                        problem = "row " + row + " outside [0, " + used + ")";
                        col = i;
                    } else if (seen[(int) row]) {
                        problem = "row " + row + " is used twice";
                        col = i;
                    } else {
                        seen[(int) row] = true;
                    }
                }
            }
            if (problem != null) {
                if (first == null) first = new Mismatch(Ports.ROW_ID_MAP, t, -1, t, col, "a one-to-one map", problem);
                bad++;
            }
        }
        if (first != null) {
            out.add(new Violation(Rule.D1.id(), ctx.call()
                    + ": row_id_map is not a bijection from routed (token, expert) pairs onto rows [0, " + used + ") ("
                    + bad + " of " + tokens + " tokens)", first, bad - 1));
        }
    }
}
