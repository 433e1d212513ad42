package org.permcheck.engine.check;

import java.util.List;

import org.permcheck.contract.Op;
import org.permcheck.contract.Port;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * REDUCTION outputs (combine's output, dispatch backward's grad_inp, combine backward's
 * grad_merging_probs) are judged against the oracle's float64 reference with the dtype-aware
 * tolerance of {@link Tolerance}, on every specified element. Whether the answer also equals the
 * oracle's bit-faithful value is recorded as a note (informational, never a FAIL): TE-JAX and
 * TE-PyTorch legitimately differ in the last ulp (docs/sources.md#te-16).
 */
public final class ReductionToleranceCheck implements Check {
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
            Tensor map = ctx.op() == Op.COMBINE ? ctx.invocation().inputs().get("row_id_map") : null;
            MismatchCounter m = new MismatchCounter(ctx.ruleFor(name));
            MismatchCounter nowhere = new MismatchCounter(Rules.C3_ROUTED_NOWHERE);
            long judged = 0;
            long bitDiffer = 0;
            for (long r = 0; r < a.rows(); r++) {
                if (!spec.row(r)) continue;
                if (a.rowEquals(r, bitFaithful, r)) { // bit-faithful row: within tolerance by construction (C5 slack)
                    judged += a.rowElems();
                    continue;
                }
                for (long c = 0; c < a.rowElems(); c++) {
                    if (!spec.element(r, c)) continue;
                    judged++;
                    long ab = a.bits(r, c);
                    if (ab != bitFaithful.bits(r, c)) bitDiffer++;
                    double av = a.getF64(r, c);
                    double rv = ref.getF64(r, c);
                    double sl = slack == null ? 0 : slack.getF64(r, c);
                    double castRef = FloatFormats.toF64(a.dtype(), FloatFormats.fromF64(a.dtype(), rv));
                    if (!Tolerance.within(a.dtype(), av, rv, castRef, sl)) {
                        boolean routedNowhere = map != null && map.rank() == 2 && r < map.dim(0) && map.getLong(r, map.dim(1) - 1) == 0;
                        (routedNowhere ? nowhere : m).add(Positions.mismatch(ctx, name, r, c,
                                ValueText.ofF64(rv) + " +- " + String.format("%.3g", Tolerance.allowed(a.dtype(), rv, sl)),
                                ValueText.of(a.dtype(), ab)));
                    }
                }
            }
            m.emitTo(out, ctx.call(), "'" + name + "' is outside the " + a.dtype() + " tolerance (C5) of the float64 reference",
                    judged, "elements");
            nowhere.emitTo(out, ctx.call(), "tokens routed nowhere must combine to +0.0", judged, "elements");
            ctx.note(name + ": bit-faithful agreement " + (judged - bitDiffer) + "/" + judged + " elements (informational)");
        }
    }
}
