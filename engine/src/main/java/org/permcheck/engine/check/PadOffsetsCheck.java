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
 * P1: dispatch's pad_offsets, {@code pad_offsets[e] = sum_{e'<e} (target[e'] - count[e'])}. Its
 * values are compared exactly with the oracle's; when they cannot be (a wrong dtype or shape,
 * cited under P4 by {@link PresenceCheck}), the backend's own tensor is still judged as an
 * exclusive cumsum of non-negative pad lengths: it starts at 0 and never decreases. One wrong
 * tensor gives one P1 violation.
 */
public final class PadOffsetsCheck implements Check {
    private static final String NAME = Ports.PAD_OFFSETS;

    @Override
    public Set<Rule> rules() { return Set.of(Rule.P1); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() != Op.DISPATCH) return;
        if (ctx.comparable(NAME)) {
            Tensor e = ctx.expectedValue(NAME);
            new MismatchCounter(Rule.P1).addDiffering(ctx, NAME, e, ctx.actualValue(NAME))
                    .emitTo(out, ctx.call(), "'" + NAME + "' differs from the oracle's", e.numel(), "elements differ");
        } else {
            isAnExclusiveCumsum(ctx, out);
        }
    }

    private static void isAnExclusiveCumsum(CheckContext ctx, List<Violation> out) {
        Tensor a = ctx.actualValue(NAME);
        if (a == null || !a.dtype().isInt() || a.rank() != 1 || a.dim(0) == 0) return;
        if (a.getLong(0) != 0) {
            out.add(new Violation(Rule.P1.id(), ctx.call() + ": pad_offsets must start at 0",
                    new Mismatch(NAME, -1, 0, 0, -1, "0", Long.toString(a.getLong(0))), 0));
            return;
        }
        for (long x = 1; x < a.dim(0); x++) {
            if (a.getLong(x) < a.getLong(x - 1)) {
                out.add(new Violation(Rule.P1.id(), ctx.call() + ": pad_offsets must be non-decreasing",
                        new Mismatch(NAME, -1, x, x, -1, ">= " + a.getLong(x - 1), Long.toString(a.getLong(x))), 0));
                return;
            }
        }
    }
}
