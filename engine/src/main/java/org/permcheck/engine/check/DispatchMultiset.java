package org.permcheck.engine.check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.tensor.Tensor;

/**
 * R1 at the level {@code multiset} for token_dispatch (docs/spec.md R1): the second call may hand out each
 * expert's rows in another order, so it is judged on what a consumer of the dispatch can observe, not on
 * positions. Each expert's group (the oracle's rows) holds the same multiset of rows on both calls, a row being
 * its bytes in every row-indexed output together (a row moves with its probability and its block scales), and
 * the second call is self-consistent: its row_id_map names, for every routed (token, expert), a row of that
 * expert's group, no row twice, holding what the first call's row of that slot held. row_id_map's expert ids
 * and counts, and every other output, are compared by position. The first call's own checks (D1, M1-M5) prove
 * its layout, so the two together prove the second a permutation of it inside the groups.
 *
 * <p>Not for MaxText's argsort outputs (J3: the slot order is the rule there), which R1 compares by position.
 */
final class DispatchMultiset {
    private DispatchMultiset() {}

    /** The outputs whose rows are the layout's rows. */
    private static final List<String> ROWED = List.of(Ports.OUTPUT, Ports.PERMUTED_PROBS, Ports.PERMUTED_SCALE_INV);

    /** Whether R1 under multiset judges this call here. */
    static boolean applies(CheckContext ctx) {
        return ctx.op() == Op.DISPATCH && !ctx.invocation().profile().argsortOutputs();
    }

    /** Whether output {@code name} is judged here rather than by position. */
    static boolean judgedHere(String name) { return ROWED.contains(name) || name.equals(Ports.ROW_ID_MAP); }

    /** Judges the rows and row_id_map of both calls; returns the groups and tokens judged. */
    static long check(CheckContext ctx, MismatchCounter m) {
        GroupLayout layout = ctx.layout();
        List<Rowed> rowed = new ArrayList<>();
        for (String name : ROWED) {
            Tensor e = ctx.expectedValue(name), a = ctx.actualValue(name), b = ctx.second().get(name);
            if (e == null || a == null || b == null || !e.sameShape(a.shape()) || !b.sameShape(a.shape()) || b.dtype() != a.dtype()) continue;
            rowed.add(new Rowed(name, a, b, Specified.of(ctx.expected(), name, e)));
        }
        if (rowed.isEmpty()) return 0;
        long judged = 0;
        int experts = layout.table().numExperts();
        for (int g = 0; g < experts; g++) {
            long start = layout.groupStart(g), rows = layout.groupRows(g);
            judged++;
            long r = GroupHeads.firstUnmatched(start, rows, x -> specified(rowed, x), x -> key(rowed, x, true), x -> key(rowed, x, false));
            if (r >= 0) {
                m.add(Positions.mismatch(ctx, rowed.get(0).name, r, -1, "first run: the rows of expert " + g + "'s group (rows " + start + ".."
                        + (start + rows) + ") as a multiset", "second run row " + r + " is none of them"));
            }
        }
        // rows past the groups (the unused tail) keep their positions
        for (long r = layout.sumTarget(); r < rowed.get(0).a.rows(); r++) {
            if (specified(rowed, r) && !key(rowed, r, true).equals(key(rowed, r, false))) {
                m.add(Positions.mismatch(ctx, rowed.get(0).name, r, -1, "first run's row " + r + " (past the groups)", "another row on the second run"));
            }
        }
        judged += rowIdMap(ctx, layout, rowed, m);
        return judged;
    }

    /**
     * row_id_map: expert ids and counts by position; every routed slot's row, on the second call, in its expert's
     * group, named once, holding the first call's row of the slot. Returns the tokens judged.
     */
    private static long rowIdMap(CheckContext ctx, GroupLayout layout, List<Rowed> rowed, MismatchCounter m) {
        Tensor e = ctx.expectedValue(Ports.ROW_ID_MAP), a = ctx.actualValue(Ports.ROW_ID_MAP), b = ctx.second().get(Ports.ROW_ID_MAP);
        if (e == null || a == null || b == null || !e.sameShape(a.shape()) || !b.sameShape(a.shape())) return 0;
        int experts = layout.table().numExperts();
        Set<Long> named = new HashSet<>();
        long judged = 0;
        for (int t = 0; t < e.dim(0); t++) {
            judged++;
            int n = (int) e.getLong(t, 2L * experts);
            boolean same = a.getLong(t, 2L * experts) == b.getLong(t, 2L * experts);
            for (int i = 0; i < n && same; i++) same = a.getLong(t, experts + i) == b.getLong(t, experts + i);
            if (!same) {
                m.add(Positions.mismatch(ctx, Ports.ROW_ID_MAP, t, experts, "first run's experts and count of token " + t,
                        "others on the second run"));
                continue;
            }
            for (int i = 0; i < n; i++) {
                int x = (int) e.getLong(t, experts + i);
                long start = layout.groupStart(x), pad = layout.padOffset(x);
                long r1 = a.getLong(t, i) + pad, r2 = b.getLong(t, i) + pad;
                boolean firstInGroup = r1 >= start && r1 < start + layout.groupRows(x) && r1 < rowed.get(0).a.rows();
                if (!firstInGroup) { // the first call is wrong there (M2 says so): compare the slot as it is
                    if (r1 != r2) m.add(Positions.mismatch(ctx, Ports.ROW_ID_MAP, t, i, "first run " + a.getLong(t, i), "second run " + b.getLong(t, i)));
                    continue;
                }
                if (r2 < start || r2 >= start + layout.groupRows(x) || r2 >= rowed.get(0).a.rows()) {
                    m.add(Positions.mismatch(ctx, Ports.ROW_ID_MAP, t, i, "a row of expert " + x + "'s group (rows " + start + ".."
                            + (start + layout.groupRows(x)) + ")", "second run " + b.getLong(t, i) + " (row " + r2 + ")"));
                } else if (!named.add(r2)) {
                    m.add(Positions.mismatch(ctx, Ports.ROW_ID_MAP, t, i, "a row no other slot names", "second run row " + r2 + " named twice"));
                } else if (!key(rowed, r1, true).equals(key(rowed, r2, false))) {
                    m.add(Positions.mismatch(ctx, Ports.ROW_ID_MAP, t, i, "the row of (token " + t + ", expert " + x + "): first run row " + r1,
                            "second run row " + r2 + " holds other values"));
                }
            }
        }
        return judged;
    }

    /** One row-indexed output of both calls. */
    private record Rowed(String name, Tensor a, Tensor b, Specified spec) {}

    private static boolean specified(List<Rowed> rowed, long r) {
        for (Rowed x : rowed) if (x.spec.row(r)) return true;
        return false;
    }

    /** Row r of every row-indexed output, specified elements only, of the first call ({@code first}) or the second. */
    private static String key(List<Rowed> rowed, long r, boolean first) {
        StringBuilder k = new StringBuilder();
        for (Rowed x : rowed) {
            Tensor t = first ? x.a : x.b;
            for (long c = 0; c < t.rowElems(); c++) {
                if (x.spec.element(r, c)) k.append(Long.toHexString(t.bits(r, c)));
                k.append(',');
            }
            k.append('|');
        }
        return k.toString();
    }
}
