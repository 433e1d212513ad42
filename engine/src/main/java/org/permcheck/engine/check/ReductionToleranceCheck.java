package org.permcheck.engine.check;

import org.permcheck.contract.Ports;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.permcheck.contract.Op;
import org.permcheck.contract.Port;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * C5: REDUCTION outputs (combine's output, dispatch backward's grad_inp, combine backward's
 * grad_merging_probs) are judged against the oracle's float64 reference with the dtype-aware
 * tolerance of {@link Tolerance}, on every specified element that sums at least one term (the
 * empty sums are exactly +0.0: {@link EmptySumCheck}). A miss cites the most specific rule:
 * <ul>
 * <li>C4 when a combine element is NaN, its reference is not, and the token has a non-finite
 *     {@code merging_probs} at an expert it is not routed to: the backend read a slot C4 says is
 *     never read (a dense 0 * NaN);
 * <li>C5 when the miss is one of C5's non-finite clauses (a NaN or infinity against a finite
 *     cast reference, or a finite value where the cast reference is an infinity or NaN);
 * <li>otherwise the output's formula, C1, G1 or G4: finite, and outside the band.
 * </ul>
 * Whether the answer also equals the oracle's bit-faithful value (C2) is a note, never a FAIL.
 */
public final class ReductionToleranceCheck implements Check {
    /** The formula that defines each op's REDUCTION output: a finite miss cites it. */
    static final Map<Op, Rule> SUMS = Map.of(Op.COMBINE, Rule.C1, Op.DISPATCH_BACKWARD, Rule.G1, Op.COMBINE_BACKWARD, Rule.G4,
            Op.MEGATRON_UNPERMUTE, Rule.Q5, Op.TE_INDEX_UNPERMUTE, Rule.T5, Op.TE_EP_COMBINE, Rule.Y4, Op.MCORE_INFERENCE_UNPERMUTE, Rule.V6);

    @Override
    public Set<Rule> rules() {
        Set<Rule> r = EnumSet.of(Rule.C4, Rule.C5);
        r.addAll(SUMS.values());
        return r;
    }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        for (Port p : ctx.op().outputs()) {
            if (p.kind() != Port.Kind.REDUCTION || !ctx.comparable(p.name())) continue;
            String name = p.name();
            Tensor bitFaithful = ctx.expectedValue(name);
            Tensor a = ctx.actualValue(name);
            Tensor ref = ctx.expected().reference().get(name);
            if (ref == null || ref.numel() != a.numel()) ref = bitFaithful; // no f64 reference: judge against the exact value
            Specified spec = Specified.of(ctx.expected(), name, bitFaithful);
            Tensor slack = ctx.expected().reference().get(name + ".slack");
            if (slack != null && slack.numel() != a.numel()) slack = null;
            EmptySums empty = EmptySums.of(ctx, name);
            Tensor unreadProbs = ctx.op() == Op.COMBINE ? ctx.invocation().inputs().get(Ports.MERGING_PROBS) : null;
            MismatchCounter wrong = new MismatchCounter(SUMS.get(ctx.op()));
            MismatchCounter nonFinite = new MismatchCounter(Rule.C5);
            MismatchCounter leak = new MismatchCounter(Rule.C4);
            long judged = 0;
            long bitDiffer = 0;
            for (long r = 0; r < a.rows(); r++) {
                if (!spec.row(r)) continue;
                if (a.rowEquals(r, bitFaithful, r)) { // bit-faithful row: within tolerance by construction (C5 slack)
                    judged += a.rowElems();
                    continue;
                }
                for (long c = 0; c < a.rowElems(); c++) {
                    if (!spec.element(r, c) || (empty != null && empty.at(r, c))) continue;
                    judged++;
                    long ab = a.bits(r, c);
                    if (ab != bitFaithful.bits(r, c)) bitDiffer++;
                    double av = a.getF64(r, c);
                    double rv = ref.getF64(r, c);
                    double sl = slack == null ? 0 : slack.getF64(r, c);
                    double castRef = FloatFormats.toF64(a.dtype(), FloatFormats.fromF64(a.dtype(), rv));
                    if (Tolerance.within(a.dtype(), av, rv, castRef, sl)) continue;
                    MismatchCounter target = Double.isNaN(av) && !Double.isNaN(castRef) && readsUnroutedNonFinite(ctx, unreadProbs, r)
                            ? leak
                            : !Double.isFinite(av) || !Double.isFinite(castRef) ? nonFinite : wrong;
                    target.add(Positions.mismatch(ctx, name, r, c,
                            ValueText.ofF64(rv) + " +- " + String.format("%.3g", Tolerance.allowed(a.dtype(), rv, sl)),
                            ValueText.of(a.dtype(), ab)));
                }
            }
            wrong.emitTo(out, ctx.call(), "'" + name + "' is outside the " + a.dtype() + " tolerance (C5) of the float64 reference",
                    judged, "elements");
            nonFinite.emitTo(out, ctx.call(), "'" + name + "' is not finite where the reference is, or finite where it is not",
                    judged, "elements");
            leak.emitTo(out, ctx.call(), "'" + name + "' is NaN where only a merging prob of a non-routed expert is NaN or infinite"
                    + " (read though never to be read)", judged, "elements");
            ctx.note(name + ": bit-faithful agreement " + (judged - bitDiffer) + "/" + judged + " elements (informational)");
        }
    }

    /** C4: token {@code t} has a NaN or infinite merging prob at an expert its valid slots do not list. */
    private static boolean readsUnroutedNonFinite(CheckContext ctx, Tensor probs, long t) {
        if (probs == null) return false;
        for (int e = 0; e < probs.dim(1); e++) {
            if (!Double.isFinite(FloatFormats.toF64(probs.dtype(), probs.bits(t, e))) && !ctx.routes().routed((int) t, e)) return true;
        }
        return false;
    }
}
