package org.permcheck.engine.cpu;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The CPU backend's reading of an index-form dispatch (docs/spec.md I1-I4): a scatter of
 * {@code topk_ids} into a routing map and of {@code topk_weights} into the probabilities, slot by
 * slot, the -1 slots skipped, then the mask-form kernel as it is. Written from the spec, not from the
 * oracle's {@code IndexForm} (the two are compared through the suite like any backend and the oracle).
 */
final class CpuIndexForm {
    private CpuIndexForm() {}

    /** The call with routing_map (and probs) in place of topk_ids (and topk_weights); a mask-form call unchanged. */
    static Invocation toMask(Invocation inv) {
        Tensor ids = inv.inputs().get(Ports.TOPK_IDS);
        if (ids == null) return inv;
        Tensor weights = inv.inputs().get(Ports.TOPK_WEIGHTS);
        long experts = inv.attr(Attrs.NUM_EXPERTS);
        Tensor routing = Tensor.zeros(DType.I32, ids.dim(0), experts);
        Tensor probs = weights == null ? null : Tensor.zeros(weights.dtype(), ids.dim(0), experts);
        for (long t = 0; t < ids.dim(0); t++) {
            for (long j = 0; j < ids.dim(1); j++) {
                long e = ids.getLong(t, j);
                if (e < 0) continue; // I4: -1 is no expert
                routing.setLong(t, e, 1);
                if (probs != null) probs.setBits(t, e, weights.bits(t, j)); // I3: the weight of slot j
            }
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put(Ports.INP, inv.input(Ports.INP));
        inputs.put(Ports.ROUTING_MAP, routing);
        if (probs != null) inputs.put(Ports.PROBS, probs);
        if (inv.inputs().containsKey(Ports.SCALE_INV)) inputs.put(Ports.SCALE_INV, inv.input(Ports.SCALE_INV)); // F2: scales ride with inp
        return new Invocation(inv.op(), inv.profile(), inputs, inv.attrs()).withoutAttr(Attrs.NUM_EXPERTS);
    }
}
