package org.permcheck.engine.check;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.oracle.megatron.PaddedRoutingMap;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core's pad_routing_map (docs/spec.md Q7-Q9): {@code padded_routing_map} is compared bit for bit with the
 * oracle's, a column per expert, and a column that differs is cited by what differs: a wrong count under Q7 (Q9 when
 * the expert is one with too few tokens to align, {@code align_up(count, m) > T}, whose count must be T), the right
 * count on the wrong cells (a routed cell cleared, a pad on another token than the lowest non-routed ones) under Q8.
 * Shape and dtype are {@link PresenceCheck}'s (Q7).
 */
public final class PadRoutingMapCheck implements Check {
    @Override
    public Set<Rule> rules() { return EnumSet.of(Rule.Q7, Rule.Q8, Rule.Q9); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() != Op.MEGATRON_PAD_ROUTING_MAP || !ctx.comparable(Ports.PADDED_ROUTING_MAP)) return;
        Tensor e = ctx.expectedValue(Ports.PADDED_ROUTING_MAP), a = ctx.actualValue(Ports.PADDED_ROUTING_MAP);
        if (a.bitEquals(e)) return;
        PaddedRoutingMap view = PaddedRoutingMap.of(ctx.invocation());
        MismatchCounter q7 = new MismatchCounter(Rule.Q7), q8 = new MismatchCounter(Rule.Q8), q9 = new MismatchCounter(Rule.Q9);
        for (int x = 0; x < view.numExperts(); x++) {
            long got = 0;
            for (int t = 0; t < view.numTokens(); t++) if (a.getLong(t, x) != 0) got++;
            if (got != view.paddedCount(x)) {
                String want = view.paddedCount(x) + " (count " + view.count(x) + ", align_up = " + view.alignedCount(x)
                        + (view.tooFewTokens(x) ? " > T = " + view.numTokens() + ": every cell set" : "") + ")";
                (view.tooFewTokens(x) ? q9 : q7).add(Positions.mismatch(ctx, Ports.PADDED_ROUTING_MAP, 0, x, "expert " + x + "'s column count " + want, Long.toString(got)));
                continue;
            }
            for (int t = 0; t < view.numTokens(); t++) {
                boolean want = view.set(t, x), have = a.getLong(t, x) != 0;
                if (want == have) continue;
                String why = isRouted(ctx, t, x) ? "1 (routed: kept)"
                        : want ? "1 (one of the " + view.padCount(x) + " lowest non-routed tokens of expert " + x + ")" : "0 (neither routed nor a lowest non-routed token)";
                q8.add(Positions.mismatch(ctx, Ports.PADDED_ROUTING_MAP, t, x, why, have ? "1" : "0"));
                break;
            }
        }
        q7.emitTo(out, ctx.call(), "an expert's padded count is not align_up(count, pad_multiple)", view.numExperts(), "experts differ");
        q9.emitTo(out, ctx.call(), "an expert with too few tokens to align does not have every cell set (count T)", view.numExperts(), "experts differ");
        q8.emitTo(out, ctx.call(), "the right count on the wrong cells (the pads are the lowest non-routed tokens, the routed cells kept)", view.numExperts(), "experts differ");
    }

    private static boolean isRouted(CheckContext ctx, int t, int e) {
        return ctx.invocation().input(Ports.ROUTING_MAP).getLong(t, e) != 0;
    }
}
