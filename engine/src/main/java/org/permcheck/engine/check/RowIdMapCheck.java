package org.permcheck.engine.check;

import org.permcheck.contract.Ports;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Op;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

/**
 * M2, M3, M4: dispatch's row_id_map equals the oracle's on the valid slots only: columns [0,n) (rows,
 * descending), [E,E+n) (their experts) and 2E (n), where n is the oracle layout's n(t)
 * (M2-M4). The other slots hold garbage in TE (M5) and are never compared; when the oracle
 * also gives an element mask, both must agree that a slot is specified.
 */
public final class RowIdMapCheck implements Check {
    @Override
    public Set<Rule> rules() { return EnumSet.of(Rule.M2, Rule.M3, Rule.M4); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() != Op.DISPATCH || !ctx.comparable(Ports.ROW_ID_MAP)) return;
        Tensor e = ctx.expectedValue(Ports.ROW_ID_MAP);
        Tensor a = ctx.actualValue(Ports.ROW_ID_MAP);
        if (e.rank() != 2 || a.bitEquals(e)) return;
        Specified spec = Specified.of(ctx.expected(), Ports.ROW_ID_MAP, e);
        long experts = (e.dim(1) - 1) / 2;
        MismatchCounter dst = new MismatchCounter(Rule.M2);
        MismatchCounter exp = new MismatchCounter(Rule.M3);
        MismatchCounter cnt = new MismatchCounter(Rule.M4);
        for (long t = 0; t < e.dim(0); t++) {
            long n = ctx.layout().n((int) t);
            for (long c = 0; c < e.dim(1); c++) {
                boolean valid = c < n || (c >= experts && c < experts + n) || c == 2 * experts;
                if (!valid || !spec.element(t, c)) continue;
                long eb = e.getLong(t, c);
                long ab = a.getLong(t, c);
                if (eb != ab) {
                    MismatchCounter m = c == 2 * experts ? cnt : c >= experts ? exp : dst;
                    m.add(Positions.mismatch(ctx, Ports.ROW_ID_MAP, t, c, Long.toString(eb), Long.toString(ab)));
                }
            }
        }
        dst.emitTo(out, ctx.call(), "row_id_map destination columns [0,n) differ", e.dim(0) * experts, "slots");
        exp.emitTo(out, ctx.call(), "row_id_map expert columns [E,E+n) differ", e.dim(0) * experts, "slots");
        cnt.emitTo(out, ctx.call(), "row_id_map count column 2E differs", e.dim(0), "tokens");
    }
}
