package org.permcheck.engine.check;

import java.util.List;
import java.util.Set;

import org.permcheck.contract.Port;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

/**
 * R1: the same call made twice gives the same bits on every specified element of every DATA and
 * INDEX output (unspecified rows may hold different garbage; reductions may differ by order and
 * are judged by tolerance instead).
 */
public final class DeterminismCheck implements Check {
    @Override
    public Set<Rule> rules() { return Set.of(Rule.R1); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.second() == null) return;
        MismatchCounter m = new MismatchCounter(Rule.R1);
        long judged = 0;
        for (Port p : ctx.op().outputs()) {
            if (p.kind() == Port.Kind.REDUCTION) continue;
            // K2: where the op's order inside a group is unspecified (the kernel's atomics), two runs may order a group
            // differently; BlockAlignCheck judges each run's groups as multisets, so R1 leaves sorted_token_ids alone
            if (ctx.op().groupOrder() == org.permcheck.contract.GroupOrder.MULTISET && p.name().equals(Ports.SORTED_TOKEN_IDS)) continue;
            Tensor e = ctx.expectedValue(p.name());
            Tensor a = ctx.actualValue(p.name());
            Tensor b = ctx.second().get(p.name());
            if (e == null || a == null) continue;
            if (b == null || b.dtype() != a.dtype() || !b.sameShape(a.shape())) {
                m.add(Positions.mismatch(ctx, p.name(), -1, -1, a.dtype() + a.shapeString(),
                        b == null ? "absent" : b.dtype() + b.shapeString()));
                continue;
            }
            if (!e.sameShape(a.shape()) || a.bitEquals(b)) continue;
            Specified spec = Specified.of(ctx.expected(), p.name(), e);
            for (long r = 0; r < a.rows(); r++) {
                if (!spec.row(r)) continue;
                judged++;
                if (spec.wholeRow(r) && a.rowEquals(r, b, r)) continue;
                for (long c = 0; c < a.rowElems(); c++) {
                    if (spec.element(r, c) && a.bits(r, c) != b.bits(r, c)) {
                        m.add(Positions.mismatch(ctx, p.name(), r, c, "first run " + ValueText.of(a.dtype(), a.bits(r, c)),
                                "second run " + ValueText.of(b.dtype(), b.bits(r, c))));
                        break;
                    }
                }
            }
        }
        m.emitTo(out, ctx.call(), "two runs of the same call differ", judged, "specified rows");
    }
}
