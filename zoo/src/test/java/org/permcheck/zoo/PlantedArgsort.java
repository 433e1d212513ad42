package org.permcheck.zoo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Profile maxtext (docs/spec.md J1-J4) as MaxText's permute computes it: roll the flat ids, argsort them,
 * gather {@code repeat(inp, K)} by the permutation, bincount the groups; row_id_map from the mask-form
 * {@link PlantedDispatch} of the rolled ids. The planted bugs are MaxText's and JAX's own
 * (docs/sources.md#maxtext-permute), marked {@code // BUG}.
 */
final class PlantedArgsort {
    private PlantedArgsort() {}

    static Map<String, Tensor> run(Invocation inv, Bug bug, long call) {
        Tensor ids = inv.input(Ports.TOPK_IDS);
        int slots = (int) ids.numel(), k = (int) ids.dim(1);
        int experts = (int) inv.attr(Attrs.NUM_EXPERTS);
        long roll = inv.optionalAttr(Attrs.ROLL_TO_EXPERT_ID).orElse(0L);
        long[] raw = new long[slots], rolled = new long[slots];
        for (int f = 0; f < slots; f++) {
            raw[f] = ids.getLong(f);
            rolled[f] = Math.floorMod(raw[f] - roll, experts);                 // J4: before the sort and the count
        }
        long[] key = bug == Bug.MAXTEXT_ROLL_AFTER_SORT ? raw : rolled;       // BUG: sorted before the roll
        List<Integer> order = new ArrayList<>();
        for (int f = 0; f < slots; f++) order.add(f);
        if (bug == Bug.MAXTEXT_UNSTABLE_ARGSORT) {
            order.sort((a, b) -> key[a] != key[b] ? Long.compare(key[a], key[b]) : Integer.compare(b, a)); // BUG: ties last-first
        } else {
            order.sort((a, b) -> Long.compare(key[a], key[b]));                // J3: List.sort is stable
        }
        long[] count = new long[experts];
        for (int f = 0; f < slots; f++) count[(int) (bug == Bug.MAXTEXT_COUNTS_BEFORE_ROLL ? raw[f] : rolled[f])]++; // BUG: unrolled

        // the rolled call's mask-form answer supplies row_id_map (M1-M4 of the rolled table)
        Tensor rolledIds = Tensor.zeros(ids.dtype(), ids.shape());
        for (int f = 0; f < slots; f++) rolledIds.setLong(f, rolled[f]);
        Map<String, Tensor> in = new LinkedHashMap<>(inv.inputs());
        in.put(Ports.TOPK_IDS, rolledIds);
        Map<String, Long> attrs = new LinkedHashMap<>(inv.attrs());
        attrs.remove(Attrs.ROLL_TO_EXPERT_ID);
        Invocation te = new Invocation(inv.op(), inv.profile(), in, attrs);
        Map<String, Tensor> out = new LinkedHashMap<>(PlantedDispatch.run(PlantedIndexForm.toMask(te, Bug.NONE), Bug.NONE, call));

        Tensor inp = inv.input(Ports.INP), weights = inv.inputs().get(Ports.TOPK_WEIGHTS);
        Tensor buf = Tensor.zeros(inp.dtype(), slots, inp.dim(1));
        Tensor pp = weights == null ? null : Tensor.zeros(weights.dtype(), slots);
        Tensor ssx = Tensor.zeros(DType.I32, slots);
        for (int r = 0; r < slots; r++) {
            int f = order.get(r);
            ssx.setLong(r, f);
            boolean zero = weights != null && weights.getF32(f / k, f % k) == 0f;   // D3
            if (!zero) buf.copyRowFrom(inp, f / k, r);                          // J1: repeat(inp, K)[order]
            if (pp != null) pp.setBits(r, 0, weights.bits(f / k, f % k));
        }
        int tile = (slots + 7) / 8 * 8;                                        // the GMM's row tile (8)
        if (bug == Bug.MAXTEXT_PADDING_IN_LAST_GROUP) count[experts - 1] += tile - slots;   // BUG: padding rows counted
        if (bug == Bug.MAXTEXT_TILE_PADDED_BUFFER) {                                        // BUG: the padded buffer returned
            Tensor padded = Tensor.zeros(inp.dtype(), tile, inp.dim(1));
            for (int r = 0; r < slots; r++) padded.copyRowFrom(buf, r, r);
            buf = padded;
        }
        Tensor counts = Tensor.zeros(DType.I32, experts);
        for (int e = 0; e < experts; e++) counts.setLong(e, count[e]);
        out.put(Ports.OUTPUT, buf);
        if (pp != null) out.put(Ports.PERMUTED_PROBS, pp);
        out.put(Ports.TOKENS_PER_EXPERT, counts);                              // J2
        out.put(Ports.SORTED_SELECTED_EXPERTS, ssx);                           // J3
        return out;
    }
}
