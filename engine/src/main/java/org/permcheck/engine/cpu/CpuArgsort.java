package org.permcheck.engine.cpu;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Profile maxtext on the CPU (docs/spec.md J1-J4), written as MaxText computes it rather than from the
 * oracle's table views: roll the ids (J4), then a counting sort of the flat ids, stable because the slots
 * are visited in ascending flat index (J3), beside the mask-form kernel for the buffer and its metadata.
 */
final class CpuArgsort {
    private CpuArgsort() {}

    /** A dispatch in any profile: the index form read as its routing map, and for maxtext the argsort outputs. */
    static Outputs dispatch(Invocation inv) {
        if (!inv.profile().argsortOutputs()) return CpuDispatch.run(CpuIndexForm.toMask(inv));
        Invocation rolled = rolled(inv);
        Outputs out = CpuDispatch.run(CpuIndexForm.toMask(rolled));
        Map<String, Tensor> tensors = new LinkedHashMap<>(out.tensors());
        tensors.put(Ports.SORTED_SELECTED_EXPERTS, argsort(rolled.input(Ports.TOPK_IDS), rolled.attr(Attrs.NUM_EXPERTS)));
        return new Outputs(tensors, out.breaches());
    }

    /** J4: ids replaced by (id - r) mod E, floored, before anything reads them. */
    private static Invocation rolled(Invocation inv) {
        long roll = inv.optionalAttr(Attrs.ROLL_TO_EXPERT_ID).orElse(0L);
        Tensor ids = inv.input(Ports.TOPK_IDS);
        long experts = inv.attr(Attrs.NUM_EXPERTS);
        Tensor r = Tensor.zeros(ids.dtype(), ids.shape());
        for (long i = 0; i < ids.numel(); i++) r.setLong(i, Math.floorMod(ids.getLong(i) - roll, experts));
        return inv.withInput(Ports.TOPK_IDS, r).withoutAttr(Attrs.ROLL_TO_EXPERT_ID);
    }

    /** J3: stable argsort of the flat ids by a counting sort: bincount, exclusive scan, then place f = 0, 1, ... */
    private static Tensor argsort(Tensor ids, long experts) {
        long[] next = new long[(int) experts];
        for (long f = 0; f < ids.numel(); f++) next[(int) ids.getLong(f)]++;
        long sum = 0;
        for (int e = 0; e < experts; e++) {
            long c = next[e];
            next[e] = sum;
            sum += c;
        }
        Tensor out = Tensor.zeros(DType.I32, ids.numel());
        for (long f = 0; f < ids.numel(); f++) out.setLong(next[(int) ids.getLong(f)]++, f);
        return out;
    }
}
