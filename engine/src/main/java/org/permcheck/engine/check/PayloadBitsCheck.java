package org.permcheck.engine.check;

import java.util.List;

import org.permcheck.contract.Op;
import org.permcheck.contract.Port;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * Data-moving outputs (DATA ports) are bit copies: compared bit for bit (-0.0 and NaN payloads
 * included) on every specified element. In the dispatch buffer only rows that hold a (token,
 * expert) are judged here, under D1, or D2 when probs[t,e] is +-0.0 (the row must be +0.0); pad
 * and tail rows belong to {@link PaddingZeroCheck}.
 */
public final class PayloadBitsCheck implements Check {
    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        for (Port p : ctx.op().outputs()) {
            if (p.kind() != Port.Kind.DATA || !ctx.comparable(p.name())) continue;
            boolean dispatchBuffer = ctx.op() == Op.DISPATCH;
            if (dispatchBuffer) checkDispatch(ctx, p.name(), out);
            else checkAll(ctx, p.name(), out);
        }
    }

    private static void checkAll(CheckContext ctx, String name, List<Violation> out) {
        Tensor e = ctx.expectedValue(name);
        Tensor a = ctx.actualValue(name);
        Specified spec = Specified.of(ctx.expected(), name, e);
        MismatchCounter m = new MismatchCounter(ctx.ruleFor(name));
        long judged = 0;
        for (long r = 0; r < e.rows(); r++) {
            if (!spec.row(r)) continue;
            judged++;
            compareRow(ctx, name, e, a, spec, r, m);
        }
        m.emitTo(out, ctx.call(), "'" + name + "' is not a bit copy of the oracle's", judged, "specified rows differ");
    }

    private static void checkDispatch(CheckContext ctx, String name, List<Violation> out) {
        Tensor e = ctx.expectedValue(name);
        Tensor a = ctx.actualValue(name);
        Specified spec = Specified.of(ctx.expected(), name, e);
        RowOrigins origins = ctx.origins();
        Tensor probs = ctx.invocation().inputs().get("probs");
        boolean isOutput = name.equals("output");
        MismatchCounter rows = new MismatchCounter(isOutput ? Rules.DISPATCH_ROWS : Rules.DISPATCH_PERMUTED_PROBS);
        MismatchCounter zero = new MismatchCounter(Rules.DISPATCH_PROB_ZERO);
        long judged = 0;
        long judgedZero = 0;
        for (long r = 0; r < e.rows(); r++) {
            if (!spec.row(r) || !origins.holdsToken(r)) continue;
            boolean probZero = isOutput && probs != null && isZero(probs, origins.token(r), origins.expert(r));
            if (probZero) judgedZero++;
            else judged++;
            compareRow(ctx, name, e, a, spec, r, probZero ? zero : rows);
        }
        rows.emitTo(out, ctx.call(), isOutput ? "dispatched rows are not bit copies of their token's input row"
                : "permuted_probs are not bit copies of probs[t,e]", judged, "token rows differ");
        zero.emitTo(out, ctx.call(), "a routed entry with probs +-0.0 must give a +0.0 row", judgedZero, "such rows differ");
    }

    private static boolean isZero(Tensor probs, long token, long expert) {
        if (token < 0 || expert < 0) return false;
        return FloatFormats.toF64(probs.dtype(), probs.bits(token, expert)) == 0.0;
    }

    /** Adds one mismatch (the row's first differing element) when the row differs on a specified element. */
    static void compareRow(CheckContext ctx, String name, Tensor e, Tensor a, Specified spec, long r, MismatchCounter m) {
        if (spec.wholeRow(r) && e.rowEquals(r, a, r)) return;
        for (long c = 0; c < e.rowElems(); c++) {
            if (!spec.element(r, c)) continue;
            long eb = e.bits(r, c);
            long ab = a.bits(r, c);
            if (eb != ab) {
                m.add(Positions.mismatch(ctx, name, r, c, ValueText.of(e.dtype(), eb), ValueText.of(a.dtype(), ab)));
                return;
            }
        }
    }
}
