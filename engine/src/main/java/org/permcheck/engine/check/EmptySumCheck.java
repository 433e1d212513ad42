package org.permcheck.engine.check;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Port;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

/**
 * C3 (and G1, G4 where they say the same): a REDUCTION element that sums no term is exactly +0.0,
 * the bits 0 of the output dtype, never merely a value within the C5 tolerance: -0.0, a denormal
 * or a stale value there is a violation. Judged on the backend's bits directly; the tolerance
 * check leaves these elements to this one.
 */
public final class EmptySumCheck implements Check {
    @Override
    public Set<Rule> rules() { return EnumSet.of(Rule.C3, Rule.G1, Rule.G4, Rule.Q6); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        for (Port p : ctx.op().outputs()) {
            if (p.kind() != Port.Kind.REDUCTION || !ctx.comparable(p.name())) continue;
            EmptySums empty = EmptySums.of(ctx, p.name());
            if (empty == null) continue;
            Tensor e = ctx.expectedValue(p.name());
            Tensor a = ctx.actualValue(p.name());
            Specified spec = Specified.of(ctx.expected(), p.name(), e);
            MismatchCounter m = new MismatchCounter(empty.rule());
            long judged = 0;
            for (long r = 0; r < a.rows(); r++) {
                if (!spec.row(r)) continue;
                for (long c = 0; c < a.rowElems(); c++) {
                    if (!spec.element(r, c) || !empty.at(r, c)) continue;
                    judged++;
                    long bits = a.bits(r, c);
                    if (bits != 0) m.add(Positions.mismatch(ctx, p.name(), r, c, ValueText.of(a.dtype(), 0), ValueText.of(a.dtype(), bits)));
                }
            }
            String what = empty.rule() == Rule.G4 ? "'" + p.name() + "' of a (token, expert) not routed must be exactly +0.0"
                    : "rows of '" + p.name() + "' for tokens routed nowhere must be exactly +0.0";
            m.emitTo(out, ctx.call(), what, judged, "such elements are not +0.0");
        }
    }
}
