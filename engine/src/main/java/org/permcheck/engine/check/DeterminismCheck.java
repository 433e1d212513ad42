package org.permcheck.engine.check;

import java.util.List;
import java.util.Set;

import org.permcheck.contract.Determinism;
import org.permcheck.contract.GroupOrder;
import org.permcheck.contract.Op;
import org.permcheck.contract.Port;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.oracle.align.BlockAlign;
import org.permcheck.oracle.align.GroupMultiset;
import org.permcheck.tensor.Tensor;

/**
 * R1: the same call made twice, judged against the determinism level the backend declared for the op
 * ({@link CheckContext#declared()}, docs/spec.md R1). Under every level the specified elements of every DATA and
 * INDEX output have the same bits on both calls (unspecified rows may hold different garbage), except where
 * the level frees an unordered op's groups:
 * <ul>
 *   <li>{@code bit_exact}: REDUCTION outputs the same bits too (the backend promised its sums run in one order);</li>
 *   <li>{@code group_order}: reductions may differ, each judged against the oracle by C5 instead;</li>
 *   <li>{@code multiset}: as group_order, except that each expert's group may come back in another order: the groups
 *       of moe_align_block_size's sorted_token_ids ({@link GroupOrder#MULTISET}, K2) hold the same multiset of slots
 *       on both calls; token_dispatch's groups the same multiset of rows, with a row_id_map that points at them
 *       ({@link DispatchMultiset}); mcore_inference_permute's groups (V3) the same multiset of rows, each its
 *       permutation_map entry with its output row and probability. Other ops, and MaxText's argsort outputs (J3), are compared by position.</li>
 * </ul>
 */
public final class DeterminismCheck implements Check {
    @Override
    public Set<Rule> rules() { return Set.of(Rule.R1); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.second() == null) return;
        Determinism level = ctx.declared();
        MismatchCounter m = new MismatchCounter(Rule.R1);
        long judged = 0;
        for (Port p : ctx.op().outputs()) {
            // a reduction's order is free below bit_exact: C5 judges each run against the oracle
            if (p.kind() == Port.Kind.REDUCTION && level != Determinism.BIT_EXACT) continue;
            Tensor e = ctx.expectedValue(p.name());
            Tensor a = ctx.actualValue(p.name());
            Tensor b = ctx.second().get(p.name());
            if (e == null || a == null) continue;
            if (b == null || b.dtype() != a.dtype() || !b.sameShape(a.shape())) {
                m.add(Positions.mismatch(ctx, p.name(), -1, -1, a.dtype() + a.shapeString(),
                        b == null ? "absent" : b.dtype() + b.shapeString()));
                continue;
            }
            if (!e.sameShape(a.shape())) continue;
            if (level == Determinism.MULTISET && ctx.op() == Op.TE_EP_DISPATCH && p.kind() == Port.Kind.DATA) {
                // Y1: slabs without order; recv_tokens and recv_topk_weights compared together, as (row, weight) entries
                if (p.name().equals(Ports.RECV_TOKENS)) {
                    judged += EpSlabCheck.secondRun(ctx, a, ctx.actualValue(Ports.RECV_TOPK_WEIGHTS), b, ctx.second().get(Ports.RECV_TOPK_WEIGHTS), m);
                }
                continue;
            }
            if (level == Determinism.MULTISET && unorderedGroups(ctx, p)) {
                judged += groupsAsMultisets(ctx, a, b, m);
                continue;
            }
            if (level == Determinism.MULTISET && DispatchMultiset.applies(ctx) && DispatchMultiset.judgedHere(p.name())) continue;
            if (level == Determinism.MULTISET && inferenceRows(ctx, p)) continue; // V3: inferenceGroupsAsMultisets below
            if (a.bitEquals(b)) continue;
            judged += samePositions(ctx, p.name(), e, a, b, m);
        }
        if (level == Determinism.MULTISET && DispatchMultiset.applies(ctx)) judged += DispatchMultiset.check(ctx, m);
        if (level == Determinism.MULTISET && ctx.op() == Op.MCORE_INFERENCE_PERMUTE) judged += inferenceGroupsAsMultisets(ctx, m);
        m.emitTo(out, ctx.call(), "declared " + level.wireName() + ": two runs of the same call differ" + freedom(level), judged,
                level == Determinism.MULTISET ? "specified rows and groups" : "specified rows");
    }

    /** What the level leaves free, so a reader sees why an output that differs elsewhere was not cited. */
    private static String freedom(Determinism level) {
        switch (level) {
            case BIT_EXACT: return " (reductions compared bit for bit)";
            case GROUP_ORDER: return " (reductions not compared: C5 judges them)";
            default: return " (groups compared as multisets; reductions not compared)";
        }
    }

    /** The output whose groups an unordered op leaves in any order: sorted_token_ids of moe_align_block_size (K2). */
    private static boolean unorderedGroups(CheckContext ctx, Port p) {
        return ctx.op().groupOrder() == GroupOrder.MULTISET && p.name().equals(Ports.SORTED_TOKEN_IDS);
    }

    /** The outputs of Megatron's inference permute whose rows a group may hand out in any order (V3). */
    private static boolean inferenceRows(CheckContext ctx, Port p) {
        return ctx.op() == Op.MCORE_INFERENCE_PERMUTE && !p.name().equals(Ports.INCLUSIVE_OFFSETS);
    }

    /**
     * mcore_inference_permute under multiset (V3): each expert's group (its head and its pad rows, the oracle's
     * rows) holds the same multiset of rows on both runs, a row being its permutation_map entry with, on a head
     * row, its output row and probability; rows past n_used are unspecified and not compared. Returns the groups judged.
     */
    private static long inferenceGroupsAsMultisets(CheckContext ctx, MismatchCounter m) {
        org.permcheck.oracle.inference.InferencePermute view = ctx.inferencePermute();
        Tensor[] a = new Tensor[3], b = new Tensor[3];
        String[] names = {Ports.PERMUTATION_MAP, Ports.OUTPUT, Ports.PERMUTED_PROBS};
        for (int i = 0; i < names.length; i++) {
            a[i] = ctx.actualValue(names[i]);
            b[i] = ctx.second().get(names[i]);
            if (!ctx.comparable(names[i]) || b[i] == null || !b[i].sameShape(a[i].shape()) || b[i].dtype() != a[i].dtype()) return 0;
        }
        long judged = 0;
        for (int e = 0; e < view.numLocalExperts(); e++) {
            long start = view.groupStart(e), rows = view.groupRows(e);
            judged++;
            long head = start + view.count(e);
            long r = GroupHeads.firstUnmatched(start, rows, x -> true, x -> inferenceRow(a, x, x < head), x -> inferenceRow(b, x, x < head));
            if (r >= 0) {
                m.add(Positions.mismatch(ctx, Ports.PERMUTATION_MAP, r, -1, "first run: the rows of expert " + e + "'s group (rows " + start + ".."
                        + (start + rows) + ") as a multiset", "second run row " + r + " (token " + b[0].getLong(r) + ") is none of them"));
            }
        }
        return judged;
    }

    /** Row r as a key: its map entry, and on a head row its output row's and probability's bits. */
    private static String inferenceRow(Tensor[] t, long r, boolean head) {
        StringBuilder k = new StringBuilder(Long.toString(t[0].getLong(r)));
        if (!head) return k.toString();
        for (int i = 1; i < t.length; i++) {
            k.append('|');
            for (long c = 0; c < t[i].rowElems(); c++) k.append(Long.toHexString(t[i].bits(r, c))).append(',');
        }
        return k.toString();
    }

    /** Positions compared on every specified element; returns how many specified rows were judged. */
    private static long samePositions(CheckContext ctx, String name, Tensor e, Tensor a, Tensor b, MismatchCounter m) {
        long judged = 0;
        Specified spec = Specified.of(ctx.expected(), name, e);
        for (long r = 0; r < a.rows(); r++) {
            if (!spec.row(r)) continue;
            judged++;
            if (spec.wholeRow(r) && a.rowEquals(r, b, r)) continue;
            for (long c = 0; c < a.rowElems(); c++) {
                if (spec.element(r, c) && a.bits(r, c) != b.bits(r, c)) {
                    m.add(Positions.mismatch(ctx, name, r, c, "first run " + ValueText.of(a.dtype(), a.bits(r, c)),
                            "second run " + ValueText.of(b.dtype(), b.bits(r, c))));
                    break;
                }
            }
        }
        return judged;
    }

    /**
     * sorted_token_ids under multiset: each expert's group (its slots and its pad, the oracle's rows) the same
     * multiset on both runs, and the rows past the groups the same bits; the first run's K1-K3 checks already
     * prove it a bijection onto the routed slots, so the second is one too. Returns the groups and rows judged.
     */
    private static long groupsAsMultisets(CheckContext ctx, Tensor a, Tensor b, MismatchCounter m) {
        BlockAlign view = ctx.blockAlign();
        long judged = 0;
        for (int g = 0; g < view.numExperts(); g++) {
            long start = view.groupStart(g), rows = view.groupRows(g);
            judged++;
            GroupMultiset first = GroupHeads.read(a, start, rows), again = GroupHeads.read(b, start, rows);
            if (first.equals(again)) continue;
            m.add(Positions.mismatch(ctx, Ports.SORTED_TOKEN_IDS, start, 0,
                    "first run: expert " + g + "'s group (rows " + start + ".." + (start + rows) + ") = multiset " + GroupHeads.abbreviated(first),
                    GroupHeads.difference("second run ", first, again, "", "not in the first run's group")));
        }
        for (long r = view.numTokensPostPadded(); r < a.numel(); r++) {
            judged++;
            if (a.getLong(r) != b.getLong(r)) {
                m.add(Positions.mismatch(ctx, Ports.SORTED_TOKEN_IDS, r, 0, "first run " + a.getLong(r) + " (past the groups)",
                        "second run " + b.getLong(r)));
            }
        }
        return judged;
    }
}
