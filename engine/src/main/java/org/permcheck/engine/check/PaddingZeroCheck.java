package org.permcheck.engine.check;

import org.permcheck.contract.Ports;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Op;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.tensor.Tensor;

/**
 * P2 and P3: in a padded dispatch every row that holds no (token, expert) is all zero bits, in
 * output and in permuted_probs: the pad rows after each expert's tokens (P2) and the tail rows
 * [sum target, W) of the worst-case buffer (P3). Judged on the backend's bytes directly: +0.0
 * only, -0.0 is a violation.
 */
public final class PaddingZeroCheck implements Check {
    @Override
    public Set<Rule> rules() { return EnumSet.of(Rule.P2, Rule.P3); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() != Op.DISPATCH || !ctx.layout().padded()) return;
        GroupLayout layout = ctx.layout();
        long groupRows = layout.sumTarget(); // rows below it are pad rows (P2), rows from it on are tail (P3)
        for (String name : new String[] {Ports.OUTPUT, Ports.PERMUTED_PROBS}) {
            if (!ctx.comparable(name)) continue;
            if (ctx.actualValue(name).bitEquals(ctx.expectedValue(name))) continue; // the oracle's pad rows are zero: so are these
            Tensor e = ctx.expectedValue(name);
            Tensor a = ctx.actualValue(name);
            Specified spec = Specified.of(ctx.expected(), name, e);
            MismatchCounter pad = new MismatchCounter(Rule.P2);
            MismatchCounter tail = new MismatchCounter(Rule.P3);
            long padRows = 0;
            long tailRows = 0;
            for (long r = 0; r < e.rows(); r++) {
                if (!spec.row(r) || layout.token(r) >= 0) continue;
                boolean isTail = r >= groupRows;
                if (isTail) tailRows++;
                else padRows++;
                for (long c = 0; c < a.rowElems(); c++) {
                    long bits = a.bits(r, c);
                    if (bits != 0) {
                        (isTail ? tail : pad).add(Positions.mismatch(ctx, name, r, c, ValueText.of(a.dtype(), 0), ValueText.of(a.dtype(), bits)));
                        break;
                    }
                }
            }
            pad.emitTo(out, ctx.call(), "pad rows of '" + name + "' must be zero", padRows, "pad rows are not zero");
            tail.emitTo(out, ctx.call(), "tail rows of '" + name + "' (past the last group) must be zero", tailRows, "tail rows are not zero");
        }
    }
}
