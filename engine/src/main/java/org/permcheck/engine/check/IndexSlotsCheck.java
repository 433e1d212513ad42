package org.permcheck.engine.check;

import java.util.List;
import java.util.Set;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

/**
 * I4 on the backend's own metadata of an index-form dispatch: a slot holding -1 routes nowhere, so
 * a token's row_id_map count column is the number of its slots with an id >= 0, and the unpadded
 * tokens_per_expert sums to the routed slots. Read from the call's topk_ids directly: a backend that
 * reads -1 as expert E-1 (Python's x[-1], vLLM PR #46408) or counts the empty slots fails here under
 * the rule that says so, before N1 and M4 see the consequences.
 */
public final class IndexSlotsCheck implements Check {
    @Override
    public Set<Rule> rules() { return Set.of(Rule.I4); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (!ctx.indexForm()) return;
        Tensor ids = ctx.invocation().input(Ports.TOPK_IDS);
        int tokens = (int) ids.dim(0);
        long[] routed = new long[tokens];
        long slots = 0, empty = 0;
        for (int t = 0; t < tokens; t++) {
            for (long j = 0; j < ids.dim(1); j++) {
                if (ids.getLong(t, j) >= 0) routed[t]++;
                else empty++;
            }
            slots += routed[t];
        }
        if (empty == 0) return; // without -1 slots I4 says nothing D1, N1 and M4 do not
        Tensor map = ctx.actualValue(Ports.ROW_ID_MAP);
        int experts = ctx.layout().table().numExperts();
        if (map != null && map.dtype().isInt() && map.sameShape(tokens, 2L * experts + 1)) {
            MismatchCounter m = new MismatchCounter(Rule.I4);
            long judged = 0;
            for (int t = 0; t < tokens; t++) {
                if (routed[t] == ids.dim(1)) continue; // only tokens with a -1 slot
                judged++;
                long n = map.getLong(t, 2L * experts);
                if (n != routed[t]) m.add(Positions.mismatch(ctx, Ports.ROW_ID_MAP, t, 2L * experts, Long.toString(routed[t]), Long.toString(n)));
            }
            m.emitTo(out, ctx.call(), "row_id_map's count column must count only the slots with an id >= 0 (-1 routes nowhere)", judged, "tokens with a -1 slot differ");
        }
        Tensor counts = ctx.actualValue(Ports.TOKENS_PER_EXPERT);
        if (!ctx.layout().padded() && counts != null && counts.dtype().isInt() && counts.sameShape(experts)) {
            long sum = 0;
            for (int e = 0; e < experts; e++) sum += counts.getLong(e);
            if (sum != slots) {
                out.add(Violation.of(Rule.I4.id(), ctx.call() + ": tokens_per_expert sums to " + sum + " but only " + slots
                        + " slots name an expert (" + empty + " slots are -1 and route nowhere)"));
            }
        }
    }
}
