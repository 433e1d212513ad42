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
import org.permcheck.tensor.Tensor;

/**
 * Every output the oracle returns must be present with its dtype and shape; every output the
 * oracle leaves out (e.g. pad_offsets without padding, permuted_probs without probs) must be
 * absent. Cites the rule that defines the output: dispatch's own (below), for every other op the
 * rule the check judging the output's values cites ({@link PayloadBitsCheck#COPIES},
 * {@link IndexExactCheck#EXACT}, {@link ReductionToleranceCheck#SUMS}). tokens_per_expert is
 * judged by {@link TokensPerExpertCheck}.
 */
public final class PresenceCheck implements Check {
    /** Dispatch's outputs but {@code output} (D5 unpadded, P3 padded: the buffer length). */
    private static final Map<String, Rule> DISPATCH = Map.of(Ports.PERMUTED_PROBS, Rule.D4, Ports.ROW_ID_MAP, Rule.M1, Ports.PAD_OFFSETS, Rule.P4,
            Ports.SORTED_SELECTED_EXPERTS, Rule.J3, Ports.PERMUTED_SCALE_INV, Rule.F1);

    @Override
    public Set<Rule> rules() {
        Set<Rule> r = EnumSet.of(Rule.D5, Rule.P3, Rule.J1, Rule.K1, Rule.T4, Rule.W2, Rule.W3, Rule.W5, Rule.W6, Rule.V1, Rule.Q7, Rule.Y1);
        r.addAll(DISPATCH.values());
        r.addAll(IndexExactCheck.LAYOUT.values());
        for (Map<Op, Rule> m : List.of(PayloadBitsCheck.COPIES, IndexExactCheck.EXACT, ReductionToleranceCheck.SUMS)) r.addAll(m.values());
        return r;
    }

    private static Rule definedBy(CheckContext ctx, Port p) {
        if (ctx.op() == Op.DISPATCH) {
            if (!p.name().equals(Ports.OUTPUT)) return DISPATCH.get(p.name());
            // the buffer length: J1 (T*K slots) in an argsort profile, else D5 unpadded, P3 padded
            return ctx.invocation().profile().argsortOutputs() ? Rule.J1 : ctx.layout().padded() ? Rule.P3 : Rule.D5;
        }
        if (ctx.op() == Op.BLOCK_ALIGN) return Rule.K1; // every output's dtype and length (int32, K1)
        if (ctx.op() == Op.MCORE_INFERENCE_PERMUTE) return Rule.V1; // the fixed length S, int32 map and offsets (V1)
        if (ctx.op() == Op.MEGATRON_PAD_ROUTING_MAP) return Rule.Q7; // bool [T,E] (Q7)
        if (ctx.op() == Op.TE_INDEX_PERMUTE && p.name().equals(Ports.OUTPUT)) return Rule.T4; // num_out_tokens rows (T4)
        if (ctx.op() == Op.TORCHAO_UNPERMUTE) return Rule.W6; // [T, H]
        if (ctx.op() == Op.TORCHAO_PERMUTE_AND_PAD) { // max_len rows (W5), E_l sizes and offsets (W2, W3)
            return p.name().equals(Ports.NUM_TOKENS_PER_EXPERT_PADDED) ? Rule.W2 : p.name().equals(Ports.GROUP_OFFSETS) ? Rule.W3 : Rule.W5;
        }
        if (ctx.op() == Op.DEEPEP_DISPATCH_LAYOUT) return IndexExactCheck.LAYOUT.get(p.name()); // int32[R], bool[T,R], int32[E] (L1-L3)
        if (ctx.op() == Op.TE_EP_DISPATCH) return p.kind() == Port.Kind.INDEX ? Rule.Y3 : Rule.Y1; // [S*C, H], f32 [S*C] (Y1), int64 [E] (Y3)
        switch (p.kind()) {
            case DATA: return PayloadBitsCheck.COPIES.get(ctx.op());
            case INDEX: return IndexExactCheck.EXACT.get(ctx.op());
            default: return ReductionToleranceCheck.SUMS.get(ctx.op());
        }
    }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        for (Port p : ctx.op().outputs()) {
            String name = p.name();
            if (name.equals(Ports.TOKENS_PER_EXPERT)) continue;
            Tensor e = ctx.expectedValue(name);
            Tensor a = ctx.actualValue(name);
            String rule = definedBy(ctx, p).id();
            if (e == null && a != null) {
                out.add(Violation.of(rule, ctx.call() + ": output '" + name + "' must be absent here, got " + a.dtype() + a.shapeString()));
            } else if (e != null && a == null) {
                out.add(Violation.of(rule, ctx.call() + ": output '" + name + "' is missing (expected " + e.dtype() + e.shapeString() + ")"));
            } else if (e != null) {
                if (e.dtype() != a.dtype()) {
                    out.add(Violation.of(rule, ctx.call() + ": output '" + name + "' has dtype " + a.dtype() + ", expected " + e.dtype()));
                } else if (!e.sameShape(a.shape())) {
                    out.add(Violation.of(rule, ctx.call() + ": output '" + name + "' has shape " + a.shapeString() + ", expected " + e.shapeString()));
                }
            }
        }
    }
}
