package org.permcheck.engine.check;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

/**
 * Profile maxtext (docs/spec.md J2-J4): the argsort permutation {@code sorted_selected_experts} equal to the
 * oracle's (J3) and consistent with the backend's own buffer (row r holds token {@code ssx[r] / K}), and
 * group_sizes equal to the bincount of the rolled ids (J2). A roll applied at the wrong place is named as
 * such (J4): a permutation that is the argsort of the ids before the roll, or counts that are their bincount,
 * are what a kernel that rolls after sorting, or counts before rolling, returns.
 */
public final class ArgsortCheck implements Check {
    @Override
    public Set<Rule> rules() { return Set.of(Rule.J2, Rule.J3, Rule.J4); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (!ctx.indexForm() || !ctx.invocation().profile().argsortOutputs()) return;
        Tensor ids = ctx.invocation().input(Ports.TOPK_IDS);
        long experts = ctx.invocation().attr(Attrs.NUM_EXPERTS);
        long roll = ctx.invocation().optionalAttr(Attrs.ROLL_TO_EXPERT_ID).orElse(0L);
        permutation(ctx, ids, experts, roll, out);
        groupSizes(ctx, ids, experts, roll, out);
    }

    private static void permutation(CheckContext ctx, Tensor ids, long experts, long roll, List<Violation> out) {
        String name = Ports.SORTED_SELECTED_EXPERTS;
        if (!ctx.comparable(name)) return; // presence, dtype and shape: PresenceCheck (J3)
        Tensor e = ctx.expectedValue(name), a = ctx.actualValue(name);
        if (!a.bitEquals(e)) {
            if (roll != 0 && a.bitEquals(argsort(ids, experts, 0))) {
                out.add(Violation.of(Rule.J4.id(), ctx.call() + ": sorted_selected_experts is the argsort of the ids before the roll by "
                        + roll + " (the roll must come before the sort)"));
            } else {
                new MismatchCounter(Rule.J3).addDiffering(ctx, name, e, a)
                        .emitTo(out, ctx.call(), "sorted_selected_experts differs from the stable argsort of the flat ids", e.numel(), "entries differ");
            }
        }
        consistency(ctx, ids, a, out);
    }

    /** J3 on the backend's own answer: buffer row r is a copy of inp[ssx[r] / K] (or +0.0 where its slot weight is zero, D3). */
    private static void consistency(CheckContext ctx, Tensor ids, Tensor ssx, List<Violation> out) {
        Tensor buf = ctx.actualValue(Ports.OUTPUT), inp = ctx.invocation().input(Ports.INP);
        if (buf == null || buf.dtype() != inp.dtype() || !buf.sameShape(ssx.numel(), inp.dim(1))) return;
        Optional<Tensor> w = ctx.invocation().optionalInput(Ports.TOPK_WEIGHTS);
        long slots = ids.dim(1), cols = inp.dim(1);
        MismatchCounter m = new MismatchCounter(Rule.J3);
        for (long r = 0; r < ssx.numel(); r++) {
            long f = ssx.getLong(r);
            if (f < 0 || f >= ids.numel()) {
                m.add(Positions.mismatch(ctx, Ports.SORTED_SELECTED_EXPERTS, r, 0, "a slot in [0, " + ids.numel() + ")", Long.toString(f)));
                continue;
            }
            long t = f / slots;
            boolean zero = w.isPresent() && w.get().getF32(t, f % slots) == 0f; // +0.0 and -0.0 (D3)
            for (long h = 0; h < cols; h++) {
                long want = zero ? 0 : inp.bits(t, h);
                if (buf.bits(r, h) != want) {
                    m.add(Positions.mismatch(ctx, Ports.OUTPUT, r, h, "token " + t + " (slot " + f + ")", "other bits"));
                    break;
                }
            }
        }
        m.emitTo(out, ctx.call(), "buffer rows are not the tokens sorted_selected_experts names", ssx.numel(), "rows differ");
    }

    private static void groupSizes(CheckContext ctx, Tensor ids, long experts, long roll, List<Violation> out) {
        Tensor a = ctx.actualValue(Ports.TOKENS_PER_EXPERT);
        if (a == null || !a.dtype().isInt() || !a.sameShape(experts)) return; // dtype and shape: N1
        long[] rolled = bincount(ids, experts, roll), before = bincount(ids, experts, 0);
        boolean same = true, asBefore = true;
        for (int e = 0; e < experts; e++) {
            same &= a.getLong(e) == rolled[e];
            asBefore &= a.getLong(e) == before[e];
        }
        if (same) return;
        if (roll != 0 && asBefore) {
            out.add(Violation.of(Rule.J4.id(), ctx.call() + ": tokens_per_expert is the bincount of the ids before the roll by " + roll
                    + " (group g holds expert (g + " + roll + ") mod " + experts + ")"));
        } else {
            out.add(Violation.of(Rule.J2.id(), ctx.call() + ": tokens_per_expert is not bincount(rolled ids, length=" + experts + ")"));
        }
    }

    /** J2, J4: counts of (id - roll) mod E. */
    static long[] bincount(Tensor ids, long experts, long roll) {
        long[] c = new long[(int) experts];
        for (long f = 0; f < ids.numel(); f++) c[(int) Math.floorMod(ids.getLong(f) - roll, experts)]++;
        return c;
    }

    /** J3: the stable argsort of the flat (rolled) ids, by ascending (id, flat index). */
    static Tensor argsort(Tensor ids, long experts, long roll) {
        long[] start = new long[(int) experts];
        long[] c = bincount(ids, experts, roll);
        for (int e = 1; e < experts; e++) start[e] = start[e - 1] + c[e - 1];
        Tensor out = Tensor.zeros(org.permcheck.tensor.DType.I32, ids.numel());
        for (long f = 0; f < ids.numel(); f++) out.setLong(start[(int) Math.floorMod(ids.getLong(f) - roll, experts)]++, f);
        return out;
    }
}
