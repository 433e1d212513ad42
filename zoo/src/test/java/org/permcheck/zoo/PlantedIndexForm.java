package org.permcheck.zoo;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The index form of token_dispatch (docs/spec.md I1-I4) as index-form kernels read it: a scatter of
 * topk_ids into a routing map and of topk_weights into the probabilities, then the mask-form
 * {@link PlantedDispatch} as it is. The planted bugs are the index form's own (docs/sources.md#index-form),
 * marked {@code // BUG}.
 */
final class PlantedIndexForm {
    private PlantedIndexForm() {}

    /** The call in the mask form; a call that gives a routing_map is returned unchanged. */
    static Invocation toMask(Invocation inv, Bug bug) {
        Tensor ids = inv.inputs().get(Ports.TOPK_IDS);
        if (ids == null) return inv;
        Tensor weights = inv.inputs().get(Ports.TOPK_WEIGHTS);
        int tokens = (int) ids.dim(0), slots = (int) ids.dim(1);
        int experts = (int) inv.attr(Attrs.NUM_EXPERTS);
        Tensor routing = Tensor.zeros(DType.I32, tokens, experts);
        Tensor probs = weights == null ? null : Tensor.zeros(weights.dtype(), tokens, experts);
        long[] row = new long[slots];
        for (int t = 0; t < tokens; t++) {
            for (int j = 0; j < slots; j++) row[j] = ids.getLong(t, j);
            long[] sorted = row.clone();
            Arrays.sort(sorted);
            for (int j = 0; j < slots; j++) {
                long e = row[j];
                if (e < 0) {
                    if (bug != Bug.INDEX_MINUS_ONE_LAST) continue;                         // I4: no expert
                    e = Math.floorMod(e, experts);                                         // BUG: x[-1] is expert E-1
                }
                routing.setLong(t, e, 1);
                if (probs == null) continue;
                if (bug == Bug.INDEX_WEIGHTS_SORTED) {                                     // BUG: weights in sorted-id order
                    if (sorted[j] >= 0) probs.setBits(t, sorted[j], weights.bits(t, j));
                } else {
                    probs.setBits(t, e, weights.bits(t, j));                               // I3: the weight of slot j
                }
            }
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put(Ports.INP, inv.input(Ports.INP));
        inputs.put(Ports.ROUTING_MAP, routing);
        if (probs != null) inputs.put(Ports.PROBS, probs);
        Map<String, Long> attrs = new LinkedHashMap<>(inv.attrs());
        attrs.remove(Attrs.NUM_EXPERTS);
        return new Invocation(inv.op(), inv.profile(), inputs, attrs);
    }
}
