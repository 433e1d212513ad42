package org.permcheck.engine.check;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.oracle.ep.EpSlabs;
import org.permcheck.tensor.Tensor;

/**
 * TE's {@code ep_dispatch} in the world view (docs/spec.md Y1, Y2), an op whose order inside a slab is unspecified
 * ({@link org.permcheck.contract.GroupOrder#MULTISET}): each local expert's slab, its first {@code count} rows, is
 * judged as the multiset of (token row, weight) entries the oracle's slab holds (Y1), never by position, so a
 * bijection between the two; its pad rows up to the aligned end must be zero rows of weight +0.0 (Y2). Rows past a
 * rank's padded total are unspecified. The slabs come from the oracle's view ({@code Oracle.epSlabs}).
 * {@code recv_tokens_per_expert} is exact ({@link IndexExactCheck}, Y3); shapes and dtypes are {@link PresenceCheck}'s.
 */
public final class EpSlabCheck implements Check {
    /** What every slab violation says about positions. */
    static final String ORDER_NOT_JUDGED = "order inside a slab not judged (unspecified, Y1)";

    @Override
    public Set<Rule> rules() { return EnumSet.of(Rule.Y1, Rule.Y2); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() != Op.TE_EP_DISPATCH || !ctx.comparable(Ports.RECV_TOKENS) || !ctx.comparable(Ports.RECV_TOPK_WEIGHTS)) return;
        EpSlabs v = ctx.epSlabs();
        Tensor et = ctx.expectedValue(Ports.RECV_TOKENS), ew = ctx.expectedValue(Ports.RECV_TOPK_WEIGHTS);
        Tensor at = ctx.actualValue(Ports.RECV_TOKENS), aw = ctx.actualValue(Ports.RECV_TOPK_WEIGHTS);
        MismatchCounter y1 = new MismatchCounter(Rule.Y1), y2 = new MismatchCounter(Rule.Y2);
        long pads = 0;
        for (int e = 0; e < v.table().numExperts(); e++) {
            long start = v.slabStart(e), n = v.count(e);
            List<String> want = entries(et, ew, start, n), got = entries(at, aw, start, n);
            if (!want.equals(got)) {
                y1.add(Positions.mismatch(ctx, Ports.RECV_TOKENS, start, -1, "expert " + e + "'s slab: " + n + " entries " + shortList(want),
                        shortList(got)));
            }
            for (long r = start + n; r < start + v.slabRows(e); r++) {
                pads++;
                if (!zeroRow(at, r) || aw.bits(r, 0) != 0) y2.add(Positions.mismatch(ctx, Ports.RECV_TOKENS, r, -1, "a zero pad row of weight +0.0", "a row with nonzero bits"));
            }
        }
        y1.emitTo(out, ctx.call(), "a slab is not the multiset of its expert's (token, weight) entries; " + ORDER_NOT_JUDGED,
                v.table().numExperts(), "slabs");
        y2.emitTo(out, ctx.call(), "a pad row past a slab's entries is not a zero row of weight 0", pads, "pad rows");
        ctx.note(Ports.RECV_TOKENS + ": " + v.table().numExperts() + " slabs compared as multisets of (row, weight); " + ORDER_NOT_JUDGED);
    }

    /** R1 under multiset: each slab of the second run the same multiset as the first's, its pad rows the same bits; returns the slabs judged. */
    static long secondRun(CheckContext ctx, Tensor firstTokens, Tensor firstWeights, Tensor secondTokens, Tensor secondWeights, MismatchCounter m) {
        EpSlabs v = ctx.epSlabs();
        for (int e = 0; e < v.table().numExperts(); e++) {
            long start = v.slabStart(e);
            if (!entries(firstTokens, firstWeights, start, v.slabRows(e)).equals(entries(secondTokens, secondWeights, start, v.slabRows(e)))) {
                m.add(Positions.mismatch(ctx, Ports.RECV_TOKENS, start, -1, "first run: expert " + e + "'s slab", "second run: another multiset"));
            }
        }
        return v.table().numExperts();
    }

    /** The sorted (row bits, weight bits) entries of rows {@code [start, start+n)}. */
    static List<String> entries(Tensor tokens, Tensor weights, long start, long n) {
        List<String> l = new ArrayList<>();
        for (long r = start; r < start + n; r++) {
            StringBuilder b = new StringBuilder();
            for (long c = 0; c < tokens.rowElems(); c++) b.append(Long.toHexString(tokens.bits(r, c))).append(',');
            l.add(b.append('w').append(Long.toHexString(weights.bits(r, 0))).toString());
        }
        java.util.Collections.sort(l);
        return l;
    }

    static boolean zeroRow(Tensor t, long r) {
        for (long c = 0; c < t.rowElems(); c++) if (t.bits(r, c) != 0) return false;
        return true;
    }

    static String shortList(List<String> l) {
        String s = l.toString();
        return s.length() > 160 ? s.substring(0, 157) + "..." : s;
    }
}
