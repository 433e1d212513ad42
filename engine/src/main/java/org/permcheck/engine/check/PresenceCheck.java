package org.permcheck.engine.check;

import org.permcheck.contract.Ports;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Port;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

/**
 * Every output the oracle returns must be present with its dtype and shape; every output the
 * oracle leaves out (e.g. pad_offsets without padding, permuted_probs without probs) must be
 * absent. Cites the output's own rule. tokens_per_expert is judged by {@link TokensPerExpertCheck}.
 */
public final class PresenceCheck implements Check {
    @Override
    public Set<Rule> rules() {
        return EnumSet.of(Rule.D4, Rule.D5, Rule.P3, Rule.P4, Rule.M1, Rule.C1, Rule.G1, Rule.G2, Rule.G3, Rule.G4,
                Rule.S1, Rule.S2, Rule.S3, Rule.A1, Rule.A2, Rule.A3, Rule.A4);
    }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        for (Port p : ctx.op().outputs()) {
            String name = p.name();
            if (name.equals(Ports.TOKENS_PER_EXPERT)) continue;
            Tensor e = ctx.expectedValue(name);
            Tensor a = ctx.actualValue(name);
            String rule = ctx.ruleFor(name).id();
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
