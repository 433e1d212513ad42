package org.permcheck.engine.check;

import java.util.List;

import org.permcheck.contract.Op;
import org.permcheck.contract.Port;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

/**
 * INDEX outputs other than dispatch's row_id_map and tokens_per_expert (pad_offsets, the chunk
 * sort map, ragged all-to-all parameters, local permute metadata) are compared exactly on every
 * specified element, under the output's rule.
 */
public final class IndexExactCheck implements Check {
    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        for (Port p : ctx.op().outputs()) {
            if (p.kind() != Port.Kind.INDEX || !ctx.comparable(p.name())) continue;
            if (ctx.op() == Op.DISPATCH && (p.name().equals("row_id_map") || p.name().equals("tokens_per_expert"))) continue;
            Tensor e = ctx.expectedValue(p.name());
            Tensor a = ctx.actualValue(p.name());
            if (a.bitEquals(e)) continue;
            Specified spec = Specified.of(ctx.expected(), p.name(), e);
            MismatchCounter m = new MismatchCounter(ctx.valueRuleFor(p.name()));
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
