package org.permcheck.engine.check;

import java.util.List;

import org.permcheck.contract.Op;
import org.permcheck.engine.model.Mismatch;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

/**
 * P1, an invariant judged on the backend's own pad_offsets: it starts at 0 and never decreases
 * (an exclusive cumsum of non-negative pad lengths). Reported only when the exact comparison did
 * not already cite P1, so one wrong tensor gives one P1 violation.
 */
public final class PadOffsetsMonotoneCheck implements Check {
    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() != Op.DISPATCH) return;
        Tensor a = ctx.actualValue("pad_offsets");
        if (a == null || !a.dtype().isInt() || a.rank() != 1 || a.dim(0) == 0) return;
        for (Violation v : out) if (v.rule().equals(Rules.P1_PAD_OFFSETS)) return;
        if (a.getLong(0) != 0) {
            out.add(new Violation(Rules.P1_PAD_OFFSETS, ctx.call() + ": pad_offsets must start at 0",
                    new Mismatch("pad_offsets", -1, 0, 0, -1, "0", Long.toString(a.getLong(0))), 0));
            return;
        }
        for (long x = 1; x < a.dim(0); x++) {
            if (a.getLong(x) < a.getLong(x - 1)) {
                out.add(new Violation(Rules.P1_PAD_OFFSETS, ctx.call() + ": pad_offsets must be non-decreasing",
                        new Mismatch("pad_offsets", -1, x, x, -1, ">= " + a.getLong(x - 1), Long.toString(a.getLong(x))), 0));
                return;
            }
        }
    }
}
