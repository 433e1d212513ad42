package org.permcheck.engine.check;

import org.permcheck.contract.Ports;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Op;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.tensor.Tensor;

/**
 * D3: in a dispatch with probs, the row of a routed (t,e) whose probs[t,e] is +0.0 or -0.0 is
 * +0.0 in every element (bits 0), not a copy of inp[t]; a NaN probability copies the row (D2).
 * Judged on the backend's bits directly, on the rows the oracle's layout view assigns to such pairs.
 */
public final class ZeroProbRowCheck implements Check {
    @Override
    public Set<Rule> rules() { return Set.of(Rule.D3); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() != Op.DISPATCH || !ctx.comparable(Ports.OUTPUT)) return;
        Tensor probs = ctx.maskForm().inputs().get(Ports.PROBS); // I3: a zero slot weight zeroes the row too
        if (probs == null) return;
        Tensor e = ctx.expectedValue(Ports.OUTPUT);
        Tensor a = ctx.actualValue(Ports.OUTPUT);
        if (a.bitEquals(e)) return; // the oracle's D3 rows are +0.0: so are these
        Specified spec = Specified.of(ctx.expected(), Ports.OUTPUT, e);
        GroupLayout layout = ctx.layout();
        MismatchCounter m = new MismatchCounter(Rule.D3);
        long judged = 0;
        for (long r = 0; r < a.rows(); r++) {
            if (!spec.row(r) || !zeroed(layout, probs, r)) continue;
            judged++;
            for (long c = 0; c < a.rowElems(); c++) {
                long bits = a.bits(r, c);
                if (spec.element(r, c) && bits != 0) {
                    m.add(Positions.mismatch(ctx, Ports.OUTPUT, r, c, ValueText.of(a.dtype(), 0), ValueText.of(a.dtype(), bits)));
                    break;
                }
            }
        }
        m.emitTo(out, ctx.call(), "a routed entry with probs +-0.0 must give a +0.0 row", judged, "such rows differ");
    }

    /** D3's condition on buffer row r: probs given, the row holds a routed (t,e) and probs[t,e] is +0.0 or -0.0 (a NaN is not zero). */
    static boolean zeroed(GroupLayout layout, Tensor probs, long r) {
        return probs != null && layout.token(r) >= 0 && layout.zeroProb(probs, layout.token(r), layout.expert(r));
    }
}
