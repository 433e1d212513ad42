package org.permcheck.engine.check;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Port;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

/**
 * INDEX outputs the dispatch checks do not own (the chunk sort map, S1; ragged all-to-all
 * parameters, A1, A2; local permute metadata, A3) are compared exactly on every specified element,
 * under the output's rule. Dispatch's INDEX outputs have checks of their own: row_id_map
 * ({@link RowIdMapCheck}), tokens_per_expert ({@link TokensPerExpertCheck}), pad_offsets
 * ({@link PadOffsetsCheck}).
 */
public final class IndexExactCheck implements Check {
    /** The rule that defines the INDEX outputs of each op that has some and is not dispatch. */
    static final Map<Op, Rule> EXACT = Map.of(Op.SORT_CHUNKS, Rule.S1, Op.RAGGED_A2A_PARAMS, Rule.A1,
            Op.REVERSE_RAGGED_A2A_PARAMS, Rule.A2, Op.LOCAL_PERMUTE_AFTER_A2A, Rule.A3, Op.MEGATRON_PERMUTE, Rule.Q1, Op.TE_INDEX_PERMUTE, Rule.T2,
            Op.DEEPEP_DISPATCH_LAYOUT, Rule.L1, Op.TE_EP_DISPATCH, Rule.Y3);

    /** DeepEP's get_dispatch_layout (docs/spec.md L1-L3): each output is its own rule, compared bit for bit (counts and mask). */
    static final Map<String, Rule> LAYOUT = Map.of(Ports.NUM_TOKENS_PER_RANK, Rule.L1, Ports.IS_TOKEN_IN_RANK, Rule.L2,
            Ports.NUM_TOKENS_PER_EXPERT, Rule.L3);

    @Override
    public Set<Rule> rules() {
        Set<Rule> r = EnumSet.copyOf(EXACT.values());
        r.addAll(EnumSet.of(Rule.Q3, Rule.Q4, Rule.T1, Rule.T4));
        r.addAll(LAYOUT.values());
        return r;
    }

    /**
     * The rule a wrong Megatron {@code sorted_indices} breaks: under drop_and_pad Q4 when some expert's group
     * keeps other routed tokens than the oracle's (the drop policy), else Q3 (the capacity layout); Q1 dropless.
     */
    static Rule megatronRule(CheckContext ctx, Tensor expected, Tensor actual) {
        Invocation inv = ctx.invocation();
        if (inv.optionalAttr(Attrs.DROP_AND_PAD).orElse(0L) != 1) return Rule.Q1;
        Tensor map = inv.input(Ports.ROUTING_MAP);
        long experts = map.dim(1), capacity = expected.dim(0) / experts;
        for (long e = 0; e < experts; e++) {
            java.util.Set<Long> want = new java.util.HashSet<>(), got = new java.util.HashSet<>();
            for (long r = e * capacity; r < (e + 1) * capacity; r++) {
                long t = expected.getLong(r);
                if (map.getLong(t, e) == 1) want.add(t);
                long u = actual.getLong(r);
                if (u >= 0 && u < map.dim(0) && map.getLong(u, e) == 1) got.add(u);
            }
            if (!want.equals(got) && want.size() == got.size()) return Rule.Q4; // as many kept, other ones: the policy
        }
        return Rule.Q3;
    }

    /**
     * The rule a wrong te_index_permute {@code row_id_map} breaks: T4 when other slots are dropped (-1) than the
     * oracle's, T2 when it is the right map laid out token-major ({@code t*K+k}) instead of k-major, else T1 (the
     * kept slots sit at other sorted positions: the order).
     */
    static Rule teIndexRule(CheckContext ctx, Tensor expected, Tensor actual) {
        Tensor ids = ctx.invocation().input(Ports.INDICES);
        long tokens = ids.dim(0), topK = ids.dim(1);
        boolean tokenMajor = true, sameDrops = true;
        for (long t = 0; t < tokens; t++) {
            for (long k = 0; k < topK; k++) {
                long e = expected.getLong(k * tokens + t);
                tokenMajor &= actual.getLong(t * topK + k) == e;
                sameDrops &= (actual.getLong(k * tokens + t) == -1) == (e == -1);
            }
        }
        if (!sameDrops && !tokenMajor) return Rule.T4;
        return tokenMajor ? Rule.T2 : Rule.T1;
    }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        for (Port p : ctx.op().outputs()) {
            if (p.kind() != Port.Kind.INDEX || !ctx.comparable(p.name())) continue;
            if (ctx.op() == Op.DISPATCH) continue;
            if (ctx.op() == Op.BLOCK_ALIGN) continue; // K1-K6: BlockAlignCheck (multisets, not positions)
            if (ctx.op() == Op.TORCHAO_PERMUTE_AND_PAD) continue; // W1-W5: PadPermuteCheck (the rule of each position's region)
            if (ctx.op() == Op.MCORE_INFERENCE_PERMUTE) continue; // V2-V4: InferencePermuteCheck (multisets, not positions)
            if (ctx.op() == Op.MEGATRON_PAD_ROUTING_MAP) continue; // Q7-Q9: PadRoutingMapCheck (bit for bit, cited by what differs)
            Tensor e = ctx.expectedValue(p.name());
            Tensor a = ctx.actualValue(p.name());
            if (a.bitEquals(e)) continue;
            Specified spec = Specified.of(ctx.expected(), p.name(), e);
            MismatchCounter m = new MismatchCounter(ctx.op() == Op.MEGATRON_PERMUTE ? megatronRule(ctx, e, a)
                    : ctx.op() == Op.TE_INDEX_PERMUTE ? teIndexRule(ctx, e, a)
                    : ctx.op() == Op.DEEPEP_DISPATCH_LAYOUT ? LAYOUT.get(p.name()) : EXACT.get(ctx.op()));
            long judged = 0;
            for (long i = 0; i < e.numel(); i++) {
                long r = i / Math.max(1, e.rowElems());
                long c = i % Math.max(1, e.rowElems());
                if (!spec.element(r, c)) continue;
                judged++;
                long ev = e.getLong(r, c);
                long av = a.getLong(r, c);
                if (ev != av) m.add(Positions.mismatch(ctx, p.name(), r, c, Long.toString(ev), Long.toString(av)));
            }
            m.emitTo(out, ctx.call(), "'" + p.name() + "' differs from the oracle's", judged, "elements differ");
        }
    }
}
