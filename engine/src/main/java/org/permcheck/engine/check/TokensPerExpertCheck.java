package org.permcheck.engine.check;

import org.permcheck.contract.Ports;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Op;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

/**
 * N1: dispatch always returns tokens_per_expert, of the profile's counts dtype (int32 for te-jax,
 * int64 for torch-mask-pad), shape [E], equal to the oracle's counts (actual counts, or aligned
 * counts when padded), with and without padding and probs.
 */
public final class TokensPerExpertCheck implements Check {
    private static final String NAME = Ports.TOKENS_PER_EXPERT;

    @Override
    public Set<Rule> rules() { return Set.of(Rule.N1); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() != Op.DISPATCH) return;
        Tensor a = ctx.actualValue(NAME);
        Tensor e = ctx.expectedValue(NAME);
        String call = ctx.call();
        if (a == null) {
            out.add(Violation.of(Rule.N1.id(), call + ": tokens_per_expert is missing (it is always returned)"));
            return;
        }
        if (a.dtype() != ctx.invocation().profile().countsDtype()) {
            out.add(Violation.of(Rule.N1.id(), call + ": tokens_per_expert has dtype " + a.dtype()
                    + ", expected " + ctx.invocation().profile().countsDtype() + " (profile " + ctx.invocation().profile() + ")"));
            return;
        }
        long experts = ctx.layout().table().numExperts();
        if (a.rank() != 1 || a.dim(0) != experts) {
            out.add(Violation.of(Rule.N1.id(), call + ": tokens_per_expert has shape " + a.shapeString()
                    + ", expected [" + experts + "]"));
            return;
        }
        if (e == null || !e.sameShape(a.shape())) return;
        new MismatchCounter(Rule.N1).addDiffering(ctx, NAME, e, a).emitTo(out, call, "tokens_per_expert differs from the counts", experts, "experts differ");
    }
}
