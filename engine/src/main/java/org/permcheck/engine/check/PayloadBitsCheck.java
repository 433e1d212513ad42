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
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * Data-moving outputs (DATA ports) are bit copies: compared bit for bit (-0.0 and NaN payloads
 * included) on every specified element, under the output's rule. In the dispatch buffer only rows
 * that hold a (token, expert) are judged here: under D2 (row copy), D1 when the row holds another
 * token of the same expert (wrong order), D4 for permuted_probs; rows whose probs[t,e] is +-0.0
 * belong to {@link ZeroProbRowCheck} (D3), pad and tail rows to {@link PaddingZeroCheck} (P2, P3); the block
 * scales ({@code permuted_scale_inv}) to {@link ScaleRowsCheck} (F2-F4).
 *
 * <p>One DATA output is computed rather than moved: combine-backward's {@code grad_inp} with
 * merging probs, {@code cast(g*p)} (G3). A NaN there has no contractual payload (TE's GPU kernels
 * return the canonical NaN, CPUs propagate an operand's), so a NaN matches any NaN; every other
 * bit, -0.0 included, is still compared exactly.
 */
public final class PayloadBitsCheck implements Check {
    /** The rule that defines the DATA outputs of each op but dispatch (whose rows cite D1, D2, D4 by what they hold). */
    static final Map<Op, Rule> COPIES = Map.of(Op.DISPATCH_BACKWARD, Rule.G2, Op.COMBINE_BACKWARD, Rule.G3, Op.SORT_CHUNKS, Rule.S2,
            Op.SORT_CHUNKS_BACKWARD, Rule.S3, Op.LOCAL_PERMUTE_AFTER_A2A, Rule.A3, Op.LOCAL_UNPERMUTE_BEFORE_A2A, Rule.A4,
            Op.MEGATRON_PERMUTE, Rule.Q2, Op.TE_INDEX_PERMUTE, Rule.T3);

    @Override
    public Set<Rule> rules() {
        Set<Rule> r = EnumSet.of(Rule.D1, Rule.D2, Rule.D4, Rule.I2, Rule.I3);
        r.addAll(COPIES.values());
        return r;
    }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() == Op.TE_EP_DISPATCH) return; // slabs without order: EpSlabCheck (Y1, Y2)
        for (Port p : ctx.op().outputs()) {
            if (p.kind() != Port.Kind.DATA || !ctx.comparable(p.name())) continue;
            if (p.name().equals(Ports.PERMUTED_SCALE_INV)) continue; // block scales: ScaleRowsCheck (F2-F4)
            if (ctx.op() == Op.TORCHAO_PERMUTE_AND_PAD || ctx.op() == Op.TORCHAO_UNPERMUTE) continue; // W1, W4-W6: PadPermuteCheck
            if (ctx.op() == Op.MCORE_INFERENCE_PERMUTE) continue; // V5: InferencePermuteCheck (each row against its own map entry)
            if (ctx.actualValue(p.name()).bitEquals(ctx.expectedValue(p.name()))) continue; // fast path: nothing can differ
            boolean dispatchBuffer = ctx.op() == Op.DISPATCH;
            if (dispatchBuffer) checkDispatch(ctx, p.name(), out);
            else checkAll(ctx, p.name(), out);
        }
    }

    private static void checkAll(CheckContext ctx, String name, List<Violation> out) {
        Tensor e = ctx.expectedValue(name);
        Tensor a = ctx.actualValue(name);
        Specified spec = Specified.of(ctx.expected(), name, e);
        MismatchCounter m = new MismatchCounter(COPIES.get(ctx.op()));
        boolean nanIsAClass = isComputedProduct(ctx, name);
        long judged = 0;
        for (long r = 0; r < e.rows(); r++) {
            if (!spec.row(r)) continue;
            judged++;
            compareRow(ctx, name, e, a, spec, r, m, nanIsAClass);
        }
        m.emitTo(out, ctx.call(), "'" + name + "' is not a bit copy of the oracle's", judged, "specified rows differ");
    }

    private static void checkDispatch(CheckContext ctx, String name, List<Violation> out) {
        Tensor e = ctx.expectedValue(name);
        Tensor a = ctx.actualValue(name);
        Specified spec = Specified.of(ctx.expected(), name, e);
        GroupLayout layout = ctx.layout();
        Tensor inp = ctx.invocation().input(Ports.INP);
        Tensor probs = ctx.maskForm().inputs().get(Ports.PROBS); // I3: topk_weights scattered by slot
        boolean isOutput = name.equals(Ports.OUTPUT);
        // I3 is the more specific rule for the weights of an index-form call
        MismatchCounter copy = new MismatchCounter(isOutput ? Rule.D2 : ctx.indexForm() ? Rule.I3 : Rule.D4);
        // I2 states the order of an index-form call (flat slot index t*k+j, which is D1's ascending token)
        MismatchCounter order = new MismatchCounter(ctx.indexForm() ? Rule.I2 : Rule.D1);
        long judged = 0;
        for (long r = 0; r < e.rows(); r++) {
            int t = layout.token(r);
            if (!spec.row(r) || t < 0) continue;
            if (isOutput && ZeroProbRowCheck.zeroed(layout, probs, r)) continue; // D3, not a copy: ZeroProbRowCheck
            judged++;
            if (isOutput && order.count() + copy.count() < 64 && !(spec.wholeRow(r) && e.rowEquals(r, a, r))) {
                // D1 rather than D2 when the row holds another token of the same expert: the order is wrong, not the copy
                // (searched for the first 64 bad rows only, so a badly broken answer stays linear)
                long other = otherTokenOfExpert(inp, layout, a, r, t, layout.expert(r));
                if (other >= 0) {
                    order.add(Positions.mismatch(ctx, name, r, -1, "the row of token " + t, "the row of token " + other));
                    continue;
                }
            }
            compareRow(ctx, name, e, a, spec, r, copy, false);
        }
        copy.emitTo(out, ctx.call(), isOutput ? "dispatched rows are not bit copies of their token's input row"
                : "permuted_probs are not bit copies of probs[t,e]", judged, "token rows differ");
        order.emitTo(out, ctx.call(), "rows of an expert's group are not in ascending token order", judged, "token rows hold another token");
    }

    /** Another token routed to {@code expert} whose input row equals the actual row, or -1. */
    private static long otherTokenOfExpert(Tensor inp, GroupLayout layout, Tensor actual, long row, int token, int expert) {
        if (inp.rowBytes() != actual.rowBytes() || inp.dtype() != actual.dtype()) return -1;
        if (inp.rowEquals(token, actual, row)) return -1; // equal rows (duplicate inputs): not an order question
        for (int t = 0; t < layout.table().numTokens(); t++) {
            if (t != token && layout.routed(t, expert) && inp.rowEquals(t, actual, row)) return t;
        }
        return -1;
    }

    private static boolean isNaN(Tensor t, long bits) {
        return t.dtype().isFloat() && Double.isNaN(FloatFormats.toF64(t.dtype(), bits));
    }

    /** G3 with merging probs: the one DATA output that is a product, not a copy. */
    static boolean isComputedProduct(CheckContext ctx, String name) {
        return ctx.op() == Op.COMBINE_BACKWARD && name.equals(Ports.GRAD_INP) && ctx.invocation().inputs().containsKey(Ports.MERGING_PROBS);
    }

    /**
     * Adds one mismatch (the row's first differing element) when the row differs on a specified
     * element; with {@code nanIsAClass} two NaNs of any payload are equal.
     */
    static void compareRow(CheckContext ctx, String name, Tensor e, Tensor a, Specified spec, long r, MismatchCounter m,
                           boolean nanIsAClass) {
        if (spec.wholeRow(r) && e.rowEquals(r, a, r)) return;
        for (long c = 0; c < e.rowElems(); c++) {
            if (!spec.element(r, c)) continue;
            long eb = e.bits(r, c);
            long ab = a.bits(r, c);
            if (eb != ab && !(nanIsAClass && a.dtype() == e.dtype() && isNaN(e, eb) && isNaN(a, ab))) {
                m.add(Positions.mismatch(ctx, name, r, c, ValueText.of(e.dtype(), eb), ValueText.of(a.dtype(), ab)));
                return;
            }
        }
    }
}
