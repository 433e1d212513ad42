package org.permcheck.engine.check;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.PadPermutePreconditions;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.oracle.padperm.PaddedGroups;
import org.permcheck.oracle.padperm.RankChunks;
import org.permcheck.tensor.Tensor;

/**
 * torchao's padded permute and torchtitan's unpermute (docs/spec.md W1-W6), bit for bit. Every position of
 * {@code permuted_indices} and every row of {@code output} is judged under the rule of the region it falls in,
 * taken from the oracle's view of the call ({@link RankChunks}, {@link PaddedGroups}): a group's data rows (W1),
 * a group's pad rows (W4: -1, the zero row), the tail past the last group (W5: -1, the zero row). The padded
 * sizes are W2, the end offsets W3, the unpermute's rows W6. Shapes and dtypes are {@link PresenceCheck}'s.
 */
public final class PadPermuteCheck implements Check {
    @Override
    public Set<Rule> rules() { return EnumSet.of(Rule.W1, Rule.W2, Rule.W3, Rule.W4, Rule.W5, Rule.W6); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() == Op.TORCHAO_UNPERMUTE) {
            rows(ctx, Ports.OUTPUT, null, null, out);
            return;
        }
        if (ctx.op() != Op.TORCHAO_PERMUTE_AND_PAD) return;
        Invocation inv = ctx.invocation();
        RankChunks chunks = RankChunks.of(PadPermutePreconditions.permute(inv), (int) inv.attr(Attrs.EP_DEGREE), (int) inv.attr(Attrs.NUM_LOCAL_EXPERTS));
        PaddedGroups groups = PaddedGroups.of(chunks, inv.attr(Attrs.ALIGNMENT));
        exact(ctx, Ports.NUM_TOKENS_PER_EXPERT_PADDED, Rule.W2, "num_tokens_per_expert_padded is not each group's size clamped to and rounded up to the alignment", out);
        exact(ctx, Ports.GROUP_OFFSETS, Rule.W3, "group_offsets is not the inclusive cumsum (end offsets) of the padded sizes", out);
        indices(ctx, chunks, groups, out);
        rows(ctx, Ports.OUTPUT, chunks, groups, out);
    }

    /** The rule of output row p: W1 in a group's data rows, W4 in its pad, W5 past the last group. */
    static Rule region(RankChunks chunks, PaddedGroups groups, long p) {
        if (p >= groups.used()) return Rule.W5;
        for (int e = 0; e < groups.groups(); e++) {
            if (p < groups.end(e)) return p < groups.start(e) + chunks.total(e) ? Rule.W1 : Rule.W4;
        }
        return Rule.W5;
    }

    static String where(RankChunks chunks, PaddedGroups groups, long p) {
        Rule r = region(chunks, groups, p);
        return r == Rule.W5 ? " (tail past the last group)" : r == Rule.W4 ? " (a group's pad)" : "";
    }

    private static void exact(CheckContext ctx, String name, Rule rule, String what, List<Violation> out) {
        if (!ctx.comparable(name)) return;
        Tensor e = ctx.expectedValue(name);
        new MismatchCounter(rule).addDiffering(ctx, name, e, ctx.actualValue(name)).emitTo(out, ctx.call(), what, e.numel(), "elements differ");
    }

    /** W1, W4, W5 on permuted_indices, position by position. */
    private static void indices(CheckContext ctx, RankChunks chunks, PaddedGroups groups, List<Violation> out) {
        if (!ctx.comparable(Ports.PERMUTED_INDICES)) return;
        Tensor e = ctx.expectedValue(Ports.PERMUTED_INDICES), a = ctx.actualValue(Ports.PERMUTED_INDICES);
        MismatchCounter w1 = new MismatchCounter(Rule.W1), w4 = new MismatchCounter(Rule.W4), w5 = new MismatchCounter(Rule.W5);
        for (long p = 0; p < e.numel(); p++) {
            long ev = e.getLong(p), av = a.getLong(p);
            if (ev == av) continue;
            Rule r = region(chunks, groups, p);
            MismatchCounter m = r == Rule.W1 ? w1 : r == Rule.W4 ? w4 : w5;
            m.add(Positions.mismatch(ctx, Ports.PERMUTED_INDICES, p, 0, ev + where(chunks, groups, p), Long.toString(av)));
        }
        w1.emitTo(out, ctx.call(), "permuted_indices is not expert-major (local expert, source rank, position) in each group's rows", e.numel(), "positions differ");
        w4.emitTo(out, ctx.call(), "a group's pad positions of permuted_indices are not -1", e.numel(), "positions differ");
        w5.emitTo(out, ctx.call(), "the positions past the last group (up to max_len) are not -1", e.numel(), "positions differ");
    }

    /** W1, W4, W5 on the permute's rows (bit copies, zero rows for the pads and the tail); W6 on the unpermute's. */
    private static void rows(CheckContext ctx, String name, RankChunks chunks, PaddedGroups groups, List<Violation> out) {
        if (!ctx.comparable(name)) return;
        Tensor e = ctx.expectedValue(name), a = ctx.actualValue(name);
        if (a.bitEquals(e)) return;
        Specified spec = Specified.of(ctx.expected(), name, e);
        MismatchCounter w1 = new MismatchCounter(chunks == null ? Rule.W6 : Rule.W1), w4 = new MismatchCounter(Rule.W4), w5 = new MismatchCounter(Rule.W5);
        for (long r = 0; r < e.rows(); r++) {
            Rule rule = chunks == null ? Rule.W6 : region(chunks, groups, r);
            MismatchCounter m = rule == Rule.W4 ? w4 : rule == Rule.W5 ? w5 : w1;
            PayloadBitsCheck.compareRow(ctx, name, e, a, spec, r, m, false);
        }
        if (chunks == null) {
            w1.emitTo(out, ctx.call(), "output row i is not the bit copy of the row p of inp with permuted_indices[p] = i", e.rows(), "rows differ");
            return;
        }
        w1.emitTo(out, ctx.call(), "a group's data rows are not bit copies of inp[permuted_indices[p]] in expert-major order", e.rows(), "rows differ");
        w4.emitTo(out, ctx.call(), "a group's pad rows are not the appended zero row", e.rows(), "rows differ");
        w5.emitTo(out, ctx.call(), "the rows past the last group are not the appended zero row", e.rows(), "rows differ");
    }
}
