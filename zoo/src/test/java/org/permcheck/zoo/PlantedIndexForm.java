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

    /**
     * {@link Bug#INDEX_SLOT_MAJOR}: the rows of each expert's group reordered slot-major, by (slot j, token t),
     * as Tutel orders them (docs/sources.md#peer-contracts), instead of by flat index t*k+j (I2). The group
     * keeps its rows; the tokens move among them, and row_id_map follows, so the answer is self-consistent.
     */
    static Map<String, Tensor> slotMajor(Invocation inv, Map<String, Tensor> res) {
        Tensor ids = inv.inputs().get(Ports.TOPK_IDS);
        Tensor map = res.get(Ports.ROW_ID_MAP);
        if (ids == null || map == null) return res;
        int tokens = (int) map.dim(0), experts = (int) ((map.dim(1) - 1) / 2);
        Tensor pad = res.get(Ports.PAD_OFFSETS);
        Tensor out = res.get(Ports.OUTPUT), pp = res.get(Ports.PERMUTED_PROBS);
        Tensor newOut = out.copy(), newPp = pp == null ? null : pp.copy(), newMap = map.copy();
        for (int e = 0; e < experts; e++) {
            long off = pad == null ? 0 : pad.getLong(e);
            java.util.List<long[]> members = new java.util.ArrayList<>(); // {slot, token, column, row}
            for (int t = 0; t < tokens; t++) {
                for (int i = 0; i < map.getLong(t, 2L * experts); i++) {
                    if (map.getLong(t, experts + i) != e) continue;
                    int slot = 0;
                    while (slot < ids.dim(1) && ids.getLong(t, slot) != e) slot++;
                    members.add(new long[] {slot, t, i, map.getLong(t, i) + off});
                }
            }
            long[] rows = members.stream().mapToLong(m -> m[3]).sorted().toArray();
            members.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1])); // BUG: (j, t)
            for (int q = 0; q < members.size(); q++) {
                long[] m = members.get(q);
                long to = rows[q];
                if (m[3] < 0 || m[3] >= out.rows() || to >= out.rows()) continue;
                newOut.copyRowFrom(out, m[3], to);
                if (pp != null) newPp.setBits(to, 0, pp.bits(m[3], 0));
                newMap.setLong(m[1], m[2], to - off);
            }
        }
        Map<String, Tensor> moved = new LinkedHashMap<>(res);
        moved.put(Ports.OUTPUT, newOut);
        if (pp != null) moved.put(Ports.PERMUTED_PROBS, newPp);
        moved.put(Ports.ROW_ID_MAP, newMap);
        return moved;
    }

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
        if (inv.inputs().containsKey(Ports.SCALE_INV)) inputs.put(Ports.SCALE_INV, inv.input(Ports.SCALE_INV)); // F2: scales ride with inp
        Map<String, Long> attrs = new LinkedHashMap<>(inv.attrs());
        attrs.remove(Attrs.NUM_EXPERTS);
        return new Invocation(inv.op(), inv.profile(), inputs, attrs);
    }
}
