package org.permcheck.oracle.ep;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.TeEpPreconditions;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * TE's {@code ep_dispatch} in the world view (docs/spec.md Y1-Y3) from the {@link EpSlabs} view: every routed
 * (g, e) copies {@code tokens[g]} and {@code topk_weights[g,k]} to its canonical row (one order of many: the checks
 * judge each slab as a multiset, Y1), pad rows stay zero with weight +0.0 (Y2), rows past a rank's total are
 * unspecified (per-row mask), {@code recv_tokens_per_expert} int64 (Y3).
 */
public final class EpDispatch {
    private EpDispatch() {}

    public static Expected expected(Invocation inv) {
        TeEpPreconditions.dispatch(inv); // X35-X37
        EpSlabs v = EpSlabs.of(inv);
        Tensor tokens = inv.input(Ports.TOKENS), w = inv.input(Ports.TOPK_WEIGHTS);
        long rows = (long) v.ranks() * v.capacity();
        Tensor recv = Tensor.zeros(tokens.dtype(), rows, tokens.dim(1));
        Tensor recvW = Tensor.zeros(DType.F32, rows);
        Tensor counts = Tensor.zeros(DType.I64, v.table().numExperts());
        for (int e = 0; e < v.table().numExperts(); e++) {
            counts.setLong(e, v.count(e)); // Y3
            for (int g = 0; g < v.table().numTokens(); g++) {
                if (!v.table().routed(g, e)) continue;
                long r = v.row(g, e); // Y1
                recv.copyRowFrom(tokens, g, r);
                recvW.setBits(r, 0, w.bits(g, v.slotOf(g, e)));
            }
        }
        Tensor mask = Tensor.zeros(DType.BOOL, rows);
        for (long r = 0; r < rows; r++) if (!v.pastTotal(r)) mask.setLong(r, 1); // Y1: past the total unspecified
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put(Ports.RECV_TOKENS, recv);
        values.put(Ports.RECV_TOPK_WEIGHTS, recvW);
        values.put(Ports.RECV_TOKENS_PER_EXPERT, counts);
        Map<String, Tensor> specified = new LinkedHashMap<>();
        specified.put(Ports.RECV_TOKENS, mask);
        specified.put(Ports.RECV_TOPK_WEIGHTS, mask);
        return new Expected(values, specified, Map.of());
    }
}
