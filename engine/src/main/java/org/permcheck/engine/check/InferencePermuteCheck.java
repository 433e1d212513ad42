package org.permcheck.engine.check;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.GroupOrder;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.oracle.align.GroupMultiset;
import org.permcheck.oracle.inference.InferencePermute;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core's inference permute (docs/spec.md V1-V5), an op whose order inside a group is unspecified
 * ({@link GroupOrder#MULTISET}): {@code permutation_map} is judged group by group as a multiset of tokens (V3),
 * never by position, so each local pair (t, e) is in e's group exactly once (a bijection between the local pairs
 * and the group heads); each group's tail is -1 (V4); {@code output} and {@code permuted_probs} are judged row by
 * row against the backend's own map entry (V5: the row of the token it names, the probability of that token's
 * pair), so a backend is free in the order but not in what travels with a row. The groups and counts come from
 * the oracle's view ({@code Oracle.inferencePermute}); inclusive_offsets is exact (V2); rows past n_used and the
 * data of pad rows are never judged. Shapes and dtypes are {@link PresenceCheck}'s (V1).
 */
public final class InferencePermuteCheck implements Check {
    /** What every violation of the groups says about positions. */
    static final String ORDER_NOT_JUDGED = "order inside a group not judged (unspecified, V3)";

    @Override
    public Set<Rule> rules() { return EnumSet.of(Rule.V2, Rule.V3, Rule.V4, Rule.V5); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() != Op.MCORE_INFERENCE_PERMUTE) return;
        InferencePermute view = ctx.inferencePermute();
        if (ctx.comparable(Ports.INCLUSIVE_OFFSETS)) offsets(ctx, view, out);
        if (!ctx.comparable(Ports.PERMUTATION_MAP)) return;
        Tensor map = ctx.actualValue(Ports.PERMUTATION_MAP);
        groups(ctx, view, map, out);
        // the verdict says how it was judged, a PASS too
        ctx.note(Ports.PERMUTATION_MAP + ": " + view.numLocalExperts() + " groups compared as multisets of tokens, "
                + view.used() + " used rows of " + view.rows() + "; " + ORDER_NOT_JUDGED);
        rows(ctx, view, map, out);
    }

    /** V2: inclusive_offsets[e] = Σ_{e' <= e} ceil(count[e']/alignment)*alignment, exact. */
    static void offsets(CheckContext ctx, InferencePermute view, List<Violation> out) {
        Tensor a = ctx.actualValue(Ports.INCLUSIVE_OFFSETS);
        MismatchCounter m = new MismatchCounter(Rule.V2);
        for (int e = 0; e < view.numLocalExperts(); e++) {
            if (a.getLong(e) != view.inclusiveOffset(e)) {
                m.add(Positions.mismatch(ctx, Ports.INCLUSIVE_OFFSETS, e, 0, view.inclusiveOffset(e) + " (" + view.count(e) + " local pairs of expert " + e + ")",
                        Long.toString(a.getLong(e))));
            }
        }
        m.emitTo(out, ctx.call(), "inclusive_offsets is not the inclusive sum of the aligned local counts", view.numLocalExperts(), "experts differ");
    }

    /** V3 (each group's head, count[e] rows, is the multiset of e's tokens), V4 (its tail, to the aligned end, is -1). */
    static void groups(CheckContext ctx, InferencePermute view, Tensor map, List<Violation> out) {
        MismatchCounter v3 = new MismatchCounter(Rule.V3), v4 = new MismatchCounter(Rule.V4);
        for (int e = 0; e < view.numLocalExperts(); e++) {
            long start = view.groupStart(e);
            long headRows = view.count(e);
            GroupMultiset want = view.group(e), got = GroupHeads.read(map, start, headRows);
            if (!want.equals(got)) {
                v3.add(Positions.mismatch(ctx, Ports.PERMUTATION_MAP, start, 0,
                        "expert " + e + "'s group (rows " + start + ".." + (start + headRows) + ") = tokens " + GroupHeads.abbreviated(want),
                        GroupHeads.difference("", want, got, "token ", "not one of its tokens (or twice)")));
            }
            for (long r = start + headRows; r < start + view.groupRows(e); r++) {
                long v = map.getLong(r);
                if (v != -1) v4.add(Positions.mismatch(ctx, Ports.PERMUTATION_MAP, r, 0, "-1 (pad row of expert " + e + ")", Long.toString(v)));
            }
        }
        v3.emitTo(out, ctx.call(), "permutation_map's groups are not the multisets of their experts' tokens; " + ORDER_NOT_JUDGED, view.numLocalExperts(), "groups");
        v4.emitTo(out, ctx.call(), "a group's pad rows are not -1 at its tail; " + ORDER_NOT_JUDGED, view.used(), "rows");
    }

    /**
     * V5: every head row r whose map entry t is one of its group's tokens holds {@code inp[t]} and the
     * probability of t's pair to the group's expert, bit for bit (a row whose entry is wrong is V3's).
     */
    static void rows(CheckContext ctx, InferencePermute view, Tensor map, List<Violation> out) {
        Tensor inp = ctx.invocation().input(Ports.INP), probs = ctx.invocation().input(Ports.PROBS);
        Tensor a = ctx.comparable(Ports.OUTPUT) ? ctx.actualValue(Ports.OUTPUT) : null;
        Tensor p = ctx.comparable(Ports.PERMUTED_PROBS) ? ctx.actualValue(Ports.PERMUTED_PROBS) : null;
        MismatchCounter m = new MismatchCounter(Rule.V5);
        long judged = 0;
        for (int e = 0; e < view.numLocalExperts(); e++) {
            long start = view.groupStart(e);
            for (long r = start; r < start + view.count(e); r++) {
                long t = map.getLong(r);
                if (t < 0 || t >= view.tokens() || !view.routed((int) t, e)) continue;
                judged++;
                if (a != null && !a.rowEquals(r, inp, t)) {
                    for (long c = 0; c < inp.rowElems(); c++) {
                        if (a.bits(r, c) != inp.bits(t, c)) {
                            m.add(Positions.mismatch(ctx, Ports.OUTPUT, r, c, "inp[" + t + "] (the token permutation_map names), " + ValueText.of(inp.dtype(), inp.bits(t, c)),
                                    ValueText.of(a.dtype(), a.bits(r, c))));
                            break;
                        }
                    }
                }
                long want = probs.bits(t, view.slot((int) t, e));
                if (p != null && p.bits(r, 0) != want) {
                    m.add(Positions.mismatch(ctx, Ports.PERMUTED_PROBS, r, 0, "probs of token " + t + "'s pair to expert " + e + ", " + ValueText.of(probs.dtype(), want),
                            ValueText.of(p.dtype(), p.bits(r, 0))));
                }
            }
        }
        m.emitTo(out, ctx.call(), "a row does not carry the row and probability of the token its permutation_map entry names", judged, "rows differ");
    }
}
