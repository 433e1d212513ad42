package org.permcheck.engine.check;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.spi.GuardBreach;
import org.permcheck.spi.Outputs;

/**
 * B2: no byte outside an output is written. Judged on every answer that reports guard bands
 * ({@link Outputs#breaches()}: protocol {@code guard_breaches}, a Java backend's own guards): each
 * changed band is a violation, whatever the outputs hold. The first call, the determinism call and
 * the round trip's combine are all judged; a precondition probe is judged by the runner with the
 * same {@link #violations}.
 */
public final class GuardBandCheck implements Check {
    @Override
    public Set<Rule> rules() { return EnumSet.of(Rule.B2); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        out.addAll(violations(ctx.call(), ctx.actual()));
        if (ctx.second() != null) out.addAll(violations(ctx.call() + " (second call)", ctx.second()));
        if (ctx.roundTrip() != null && ctx.roundTrip().result() != null) {
            out.addAll(violations(ctx.roundTrip().call().describe() + " (round trip)", ctx.roundTrip().result()));
        }
    }

    /** One B2 violation per guard breach the answer reports. */
    public static List<Violation> violations(String call, Outputs answer) {
        List<Violation> out = new ArrayList<>();
        if (answer == null) return out;
        for (GuardBreach b : answer.breaches()) {
            out.add(Violation.of(Rule.B2.id(), call + ": wrote outside output '" + b.output() + "': " + b.describe()));
        }
        return out;
    }
}
