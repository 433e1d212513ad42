package org.permcheck.engine.check;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.GroupOrder;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.oracle.align.BlockAlign;
import org.permcheck.oracle.align.GroupMultiset;
import org.permcheck.tensor.Tensor;

/**
 * vLLM / SGLang {@code moe_align_block_size} (docs/spec.md K1-K6), an op whose order inside a group is
 * unspecified ({@link GroupOrder#MULTISET}): {@code sorted_token_ids} is judged group by group as a multiset
 * (K2), never by position, and as a bijection: every routed slot {@code t*K+j} appears exactly once in the whole
 * buffer, in its expert's group. The groups and counts come from the oracle's view ({@code Oracle.blockAlign}).
 * {@code expert_ids} (K4, K6 with an expert_map) and {@code num_tokens_post_padded} (K5) are exact on every
 * specified element. Shapes and dtypes are {@link PresenceCheck}'s (K1).
 */
public final class BlockAlignCheck implements Check {
    /** What every violation of sorted_token_ids says about positions. */
    static final String ORDER_NOT_JUDGED = "order inside a group not judged (unspecified, K2)";

    @Override
    public Set<Rule> rules() { return EnumSet.of(Rule.K1, Rule.K2, Rule.K3, Rule.K4, Rule.K5, Rule.K6); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() != Op.BLOCK_ALIGN) return;
        BlockAlign view = ctx.blockAlign();
        if (ctx.comparable(Ports.SORTED_TOKEN_IDS)) {
            sortedTokenIds(ctx, view, ctx.actualValue(Ports.SORTED_TOKEN_IDS), out);
            // the verdict says how it was judged, a PASS too
            ctx.note(Ports.SORTED_TOKEN_IDS + ": " + view.numExperts() + " groups compared as multisets, a bijection onto the "
                    + view.sentinel() + " routed slots; " + ORDER_NOT_JUDGED);
        }
        if (ctx.comparable(Ports.EXPERT_IDS)) expertIds(ctx, view, out);
        if (ctx.comparable(Ports.NUM_TOKENS_POST_PADDED)) { // K5: the oracle's one element, view.numTokensPostPadded()
            new MismatchCounter(Rule.K5)
                    .addDiffering(ctx, Ports.NUM_TOKENS_POST_PADDED, ctx.expectedValue(Ports.NUM_TOKENS_POST_PADDED), ctx.actualValue(Ports.NUM_TOKENS_POST_PADDED))
                    .emitTo(out, ctx.call(), "num_tokens_post_padded is not the sum of the groups' block-rounded counts", 1, "elements differ");
        }
    }

    /**
     * K2 (each group's head, {@code count[e]} entries, is the multiset of e's routed slots; every slot exactly once
     * in the buffer), K3 (each group's tail, up to its block-rounded end, is the sentinel), K1 (the sentinel
     * after the last group).
     */
    static void sortedTokenIds(CheckContext ctx, BlockAlign view, Tensor actual, List<Violation> out) {
        MismatchCounter k2 = new MismatchCounter(Rule.K2), k3 = new MismatchCounter(Rule.K3), k1 = new MismatchCounter(Rule.K1);
        long sentinel = view.sentinel();
        for (int e = 0; e < view.numExperts(); e++) {
            long start = view.groupStart(e);
            long headRows = view.count(e);
            GroupMultiset want = view.group(e), got = GroupHeads.read(actual, start, headRows);
            if (!want.equals(got)) {
                k2.add(Positions.mismatch(ctx, Ports.SORTED_TOKEN_IDS, start, 0,
                        "expert " + e + "'s group (rows " + start + ".." + (start + headRows) + ") = multiset " + GroupHeads.abbreviated(want),
                        GroupHeads.difference("", want, got, "slot ", "not one of its slots")));
            }
            for (long r = start + headRows; r < start + view.groupRows(e); r++) {
                long v = actual.getLong(r);
                if (v != sentinel) k3.add(Positions.mismatch(ctx, Ports.SORTED_TOKEN_IDS, r, 0, "sentinel " + sentinel + " (pad of expert " + e + ")", Long.toString(v)));
            }
        }
        for (long r = view.numTokensPostPadded(); r < view.length(); r++) {
            long v = actual.getLong(r);
            if (v != sentinel) k1.add(Positions.mismatch(ctx, Ports.SORTED_TOKEN_IDS, r, 0, "sentinel " + sentinel + " (past the groups)", Long.toString(v)));
        }
        // the bijection: every routed slot once in the whole buffer (a slot in the wrong group shows twice above)
        int[] seen = new int[(int) sentinel];
        for (long r = 0; r < view.length(); r++) {
            long v = actual.getLong(r);
            if (v >= 0 && v < sentinel) seen[(int) v]++;
        }
        for (int f = 0; f < seen.length; f++) {
            if (seen[f] != 1) k2.add(Positions.mismatch(ctx, Ports.SORTED_TOKEN_IDS, -1, -1, "slot " + f + " exactly once", seen[f] + " times"));
        }
        k2.emitTo(out, ctx.call(), "sorted_token_ids is not a bijection onto the routed slots, each in its expert's group, compared as multisets; "
                + ORDER_NOT_JUDGED, view.numExperts() + seen.length, "groups and slots");
        k3.emitTo(out, ctx.call(), "a group's pad rows are not the sentinel at its tail; " + ORDER_NOT_JUDGED, view.numTokensPostPadded(), "rows");
        k1.emitTo(out, ctx.call(), "rows past the groups are not the sentinel", view.length() - view.numTokensPostPadded(), "rows");
    }

    /** K4 (K6 with an expert_map): exact on every specified block. */
    static void expertIds(CheckContext ctx, BlockAlign view, List<Violation> out) {
        Tensor e = ctx.expectedValue(Ports.EXPERT_IDS), a = ctx.actualValue(Ports.EXPERT_IDS);
        Specified spec = Specified.of(ctx.expected(), Ports.EXPERT_IDS, e);
        MismatchCounter m = new MismatchCounter(view.expertParallel() ? Rule.K6 : Rule.K4);
        long judged = 0;
        for (long i = 0; i < e.numel(); i++) {
            if (!spec.row(i)) continue;
            judged++;
            if (e.getLong(i) != a.getLong(i)) {
                m.add(Positions.mismatch(ctx, Ports.EXPERT_IDS, i, 0, Long.toString(e.getLong(i)) + (view.tailBlock(i) ? " (tail block)" : ""), Long.toString(a.getLong(i))));
            }
        }
        m.emitTo(out, ctx.call(), view.expertParallel() ? "expert_ids is not expert_map of each block's expert" : "expert_ids is not each block's expert (0 past the used prefix)",
                judged, "blocks differ");
    }
}
