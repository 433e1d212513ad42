package org.permcheck.engine.check;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.tensor.Tensor;

/**
 * F2-F4: the block scales of a quantized dispatch ({@code permuted_scale_inv}) are bit copies of their
 * token's {@code scale_inv} row on every row that holds a (token, expert) (F2), also where the payload row
 * was zeroed by a +-0.0 probability (F4), and zero bits on the pad and tail rows of a padded buffer (F3);
 * the unspecified rows past N_used of an unpadded buffer are not read. The rows come from the oracle's
 * layout view ({@code ctx.layout()}), never re-derived. Presence, dtype and shape are F1's
 * ({@link PresenceCheck}).
 */
public final class ScaleRowsCheck implements Check {
    @Override
    public Set<Rule> rules() { return EnumSet.of(Rule.F2, Rule.F3, Rule.F4); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() != Op.DISPATCH || !ctx.comparable(Ports.PERMUTED_SCALE_INV)) return;
        Tensor e = ctx.expectedValue(Ports.PERMUTED_SCALE_INV);
        Tensor a = ctx.actualValue(Ports.PERMUTED_SCALE_INV);
        if (a.bitEquals(e)) return; // fast path: nothing can differ
        Specified spec = Specified.of(ctx.expected(), Ports.PERMUTED_SCALE_INV, e);
        GroupLayout layout = ctx.layout();
        Tensor probs = ctx.maskForm().inputs().get(Ports.PROBS);
        MismatchCounter copy = new MismatchCounter(Rule.F2);
        MismatchCounter zeroProb = new MismatchCounter(Rule.F4);
        MismatchCounter pad = new MismatchCounter(Rule.F3);
        long copyRows = 0, zeroProbRows = 0, padRows = 0;
        for (long r = 0; r < e.rows(); r++) {
            if (!spec.row(r)) continue; // F3: rows past N_used of an unpadded buffer are unspecified
            MismatchCounter m;
            if (layout.token(r) < 0) {
                m = pad;
                padRows++;
            } else if (ZeroProbRowCheck.zeroed(layout, probs, r)) {
                m = zeroProb;
                zeroProbRows++;
            } else {
                m = copy;
                copyRows++;
            }
            PayloadBitsCheck.compareRow(ctx, Ports.PERMUTED_SCALE_INV, e, a, spec, r, m, false);
        }
        copy.emitTo(out, ctx.call(), "permuted_scale_inv rows are not bit copies of their token's scale_inv row", copyRows, "token rows differ");
        zeroProb.emitTo(out, ctx.call(), "a row zeroed by a +-0.0 probability must still carry its token's scales (TE copies them)",
                zeroProbRows, "such rows differ");
        pad.emitTo(out, ctx.call(), "pad and tail rows of 'permuted_scale_inv' must be zero", padRows, "pad or tail rows are not zero");
    }
}
