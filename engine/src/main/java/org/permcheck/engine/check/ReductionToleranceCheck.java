package org.permcheck.engine.check;

import java.util.List;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Port;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

/**
 * REDUCTION outputs (combine's output, dispatch backward's grad_inp, combine backward's
 * grad_merging_probs) are judged against the oracle's float64 reference with the dtype-aware
 * tolerance of {@link Tolerance}, on every specified element. Whether the answer also equals the
 * oracle's bit-faithful value is recorded as a note (informational, never a FAIL): TE-JAX and
 * TE-PyTorch legitimately differ in the last ulp (te-contract 16).
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
            Terms terms = new Terms(ctx.invocation());
            MismatchCounter m = new MismatchCounter(ctx.ruleFor(name));
            long judged = 0;
            long bitDiffer = 0;
            for (long r = 0; r < a.rows(); r++) {
                if (!spec.row(r)) continue;
                for (long c = 0; c < a.rowElems(); c++) {
                    if (!spec.element(r, c)) continue;
                    judged++;
                    long ab = a.bits(r, c);
                    if (ab != bitFaithful.bits(r, c)) bitDiffer++;
                    double av = a.getF64(r, c);
                    double rv = ref.getF64(r, c);
                    long n = terms.count(r, c);
                    double sumAbs = terms.sumAbs(r, c);
                    if (!Tolerance.within(a.dtype(), av, rv, n, sumAbs)) {
                        m.add(Positions.mismatch(ctx, name, r, c,
                                ValueText.ofF64(rv) + " +- " + String.format("%.3g", Tolerance.allowed(a.dtype(), rv, n, sumAbs)),
                                ValueText.of(a.dtype(), ab)));
                    }
                }
            }
            m.emitTo(out, ctx.call(), "'" + name + "' is outside the " + a.dtype() + " tolerance of the float64 reference",
                    judged, "elements");
            ctx.note(name + ": bit-faithful agreement " + (judged - bitDiffer) + "/" + judged + " elements (informational)");
        }
    }

    /**
     * Per output element: how many f32 terms the reduction adds and the sum of their absolute
     * values, recomputed from the inputs (only to size the accumulation error bound).
     */
    private static final class Terms {
        private final Invocation inv;
        private final TokenSlots slots;

        Terms(Invocation inv) {
            this.inv = inv;
            Tensor map = inv.inputs().get("row_id_map");
            this.slots = map != null && map.rank() == 2 && map.dim(1) % 2 == 1 && isMaskFamily(inv.op())
                    ? TokenSlots.of(map, inv.inputs().get("pad_offsets")) : null;
        }

        private static boolean isMaskFamily(Op op) {
            return op == Op.COMBINE || op == Op.DISPATCH_BACKWARD || op == Op.COMBINE_BACKWARD;
        }

        long count(long r, long c) {
            if (slots == null || r >= slots.tokens()) return 0;
            if (inv.op() == Op.COMBINE_BACKWARD) return inv.input("grad_output").rowElems();
            return slots.rows((int) r).length;
        }

        double sumAbs(long r, long c) {
            if (slots == null || r >= slots.tokens()) return 0;
            long[] rows = slots.rows((int) r);
            long[] experts = slots.experts((int) r);
            double s = 0;
            switch (inv.op()) {
                case COMBINE: {
                    Tensor x = inv.input("inp");
                    Tensor mp = inv.inputs().get("merging_probs");
                    for (int i = 0; i < rows.length; i++) {
                        if (rows[i] < 0 || rows[i] >= x.rows()) continue;
                        double p = mp == null ? 1.0 : mp.getF64(r, experts[i]);
                        s += Math.abs(x.getF64(rows[i], c) * p);
                    }
                    return s;
                }
                case DISPATCH_BACKWARD: {
                    Tensor g = inv.input("grad_output");
                    for (long row : rows) if (row >= 0 && row < g.rows()) s += Math.abs(g.getF64(row, c));
                    return s;
                }
                case COMBINE_BACKWARD: {
                    Tensor g = inv.input("grad_output");
                    Tensor x = inv.input("fwd_input");
                    for (int i = 0; i < rows.length; i++) {
                        if (experts[i] != c || rows[i] < 0 || rows[i] >= x.rows()) continue;
                        for (long h = 0; h < g.rowElems(); h++) s += Math.abs(x.getF64(rows[i], h) * g.getF64(r, h));
                    }
                    return s;
                }
                default:
                    return 0;
            }
        }
    }
}
