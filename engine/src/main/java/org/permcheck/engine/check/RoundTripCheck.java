package org.permcheck.engine.check;

import org.permcheck.contract.Ports;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Op;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Mismatch;
import org.permcheck.engine.model.Violation;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.tensor.Tensor;

/**
 * R2 (docs/checks.md), a metamorphic invariant that needs no oracle answer (only the call's n(t) and D3 pairs, from
 * the oracle's layout view): combining the backend's own dispatch output
 * with merging weights 1/n(t) on the routed experts gives each token's input row back, within the
 * dtype tolerance (C5), exactly when the token has one expert. Tokens routed nowhere must come back as +0.0, bit
 * for bit (C3); tokens with a +-0.0 prob on a routed entry are skipped (their zeroed rows make the sum partial by
 * design, D3).
 */
public final class RoundTripCheck implements Check {
    @Override
    public Set<Rule> rules() { return Set.of(Rule.R2); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        CheckContext.FollowUp rt = ctx.roundTrip();
        if (ctx.op() != Op.DISPATCH || rt == null) return;
        Tensor x = ctx.invocation().input(Ports.INP);
        GroupLayout layout = ctx.layout();
        Tensor probs = ctx.maskForm().inputs().get(Ports.PROBS);
        Tensor y = rt.result() == null ? null : rt.result().get(Ports.OUTPUT);
        String call = ctx.call() + " then " + rt.call().op().wireName() + "(merging_probs=1/n(t))";
        if (rt.result() == null) {
            out.add(Violation.of(Rule.R2.id(), call + ": the combine failed: " + rt.failure()));
            return;
        }
        if (y == null || y.dtype() != x.dtype() || !y.sameShape(x.shape())) {
            out.add(Violation.of(Rule.R2.id(), call + ": combine returned "
                    + (y == null ? "no output" : y.dtype() + y.shapeString()) + ", expected " + x.dtype() + x.shapeString()));
            return;
        }
        Mismatch first = null;
        long bad = 0;
        long judged = 0;
        float[] xr = new float[(int) x.rowElems()];
        float[] yr = new float[(int) x.rowElems()];
        for (long t = 0; t < x.rows(); t++) {
            long n = layout.n((int) t);
            if (zeroProb(layout, probs, (int) t)) continue;
            judged++;
            x.readRowF32(t, xr); // exact widening (f32, bf16, f16)
            y.readRowF32(t, yr);
            for (int h = 0; h < xr.length; h++) {
                double want = n == 0 ? 0.0 : xr[h];
                double got = yr[h];
                boolean ok;
                if (n == 0) ok = y.bits(t, h) == 0; // routed nowhere: exactly +0.0, bits 0 (R2, C3), -0.0 is not
                else if (Double.isNaN(want)) ok = Double.isNaN(got);
                else if (n == 1) ok = got == want; // weight exactly 1: the value comes back exactly (R2)
                else if (Double.isInfinite(want) || Math.abs(want) > 1e30) ok = true; // overflow of n * (x/n) is allowed
                else ok = Tolerance.within(x.dtype(), got, want, want, (n + 1) * 0x1p-24 * Math.abs(want) * 2);
                if (!ok) {
                    if (first == null) {
                        first = new Mismatch(Ports.OUTPUT, t, -1, t, h, ValueText.of(x.dtype(), n == 0 ? 0 : x.bits(t, h)) + " (the input)",
                                ValueText.of(y.dtype(), y.bits(t, h)));
                    }
                    bad++;
                    break;
                }
            }
        }
        if (first != null) {
            out.add(new Violation(Rule.R2.id(), call + ": does not give the input back (" + bad + " of " + judged
                    + " tokens)", first, bad - 1));
        }
    }

    /** D3 holds for one of token t's routed pairs. */
    private static boolean zeroProb(GroupLayout layout, Tensor probs, int t) {
        for (int e = 0; probs != null && e < layout.table().numExperts(); e++) if (layout.zeroProb(probs, t, e)) return true;
        return false;
    }
}
