package org.permcheck.engine.check;

import java.util.List;

import org.permcheck.contract.Op;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

/**
 * P1: in a padded dispatch, every specified row that holds no (token, expert) (pad rows after
 * each expert's group, tail rows of the worst-case buffer) is all zero bits, in output and in
 * permuted_probs. Judged on the backend's bytes directly: +0.0 only, -0.0 is a violation.
 */
public final class PaddingZeroCheck implements Check {
    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() != Op.DISPATCH) return;
        for (String name : new String[] {"output", "permuted_probs"}) {
            if (!ctx.comparable(name)) continue;
            Tensor e = ctx.expectedValue(name);
            Tensor a = ctx.actualValue(name);
            Specified spec = Specified.of(ctx.expected(), name, e);
            RowOrigins origins = ctx.origins();
            MismatchCounter m = new MismatchCounter(Rules.PADDING_ZERO);
            long judged = 0;
            for (long r = 0; r < e.rows(); r++) {
                if (!spec.row(r) || origins.holdsToken(r)) continue;
                judged++;
                for (long c = 0; c < a.rowElems(); c++) {
                    long bits = a.bits(r, c);
                    if (bits != 0) {
                        m.add(Positions.mismatch(ctx, name, r, c, ValueText.of(a.dtype(), 0), ValueText.of(a.dtype(), bits)));
                        break;
                    }
                }
            }
            m.emitTo(out, ctx.call(), "pad/tail rows of '" + name + "' must be zero", judged, "pad rows are not zero");
        }
    }
}
