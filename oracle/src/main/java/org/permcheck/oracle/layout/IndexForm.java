package org.permcheck.oracle.layout;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Preconditions;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The index form of a dispatch's routing (docs/spec.md I1-I4, X9, X10): {@code topk_ids[T,k]},
 * {@code topk_weights[T,k]?} and the {@code num_experts} attribute, read as the one assignment table.
 * The oracle converts a call in the index form into the same call in the mask form
 * ({@code routing_map[T,E]}, {@code probs[T,E]?}) and judges that: every D, P, N and M rule, the
 * layout view and the checks then stand as they are, which is what makes the index form an input
 * form and not a second contract.
 */
public final class IndexForm {
    private IndexForm() {}

    /**
     * The mask form of a token_dispatch call: the call itself when it gives a routing_map (X9 still
     * checked: no index-form port beside it), else the converted call (I1, I3, I4) after X9 and X10.
     * The converted call has the same inp (and scale_inv) and attributes but num_experts.
     */
    public static Invocation maskForm(Invocation inv) {
        if (inv.op() != Op.DISPATCH) return inv;
        Tensor inp = inv.input(Ports.INP);
        Preconditions.requireRank2(Ports.INP, inp); // X1
        if (!Preconditions.requireRoutingForm(inv, inp.dim(0))) return inv; // X9 (X10 inside for the index form)
        Tensor ids = inv.input(Ports.TOPK_IDS);
        int tokens = (int) ids.dim(0), slots = (int) ids.dim(1);
        long experts = Preconditions.numExperts(inv);
        if ((long) tokens * experts > Integer.MAX_VALUE) {
            // a limit of this oracle (the table is T*E), not of the contract
            throw new IllegalArgumentException("topk_ids " + ids.shapeString() + " with " + experts + " experts exceeds the oracle's T*E limit of 2^31-1");
        }
        Optional<Tensor> weights = inv.optionalInput(Ports.TOPK_WEIGHTS);
        Tensor routing = routingMap(ids, (int) experts);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put(Ports.INP, inp);
        inputs.put(Ports.ROUTING_MAP, routing);
        weights.ifPresent(w -> inputs.put(Ports.PROBS, probs(ids, w, (int) experts)));
        inv.optionalInput(Ports.SCALE_INV).ifPresent(s -> inputs.put(Ports.SCALE_INV, s)); // F2: scales ride with inp's rows, in either form
        return new Invocation(Op.DISPATCH, inv.profile(), inputs, inv.attrs()).withoutAttr(Attrs.NUM_EXPERTS);
    }

    /**
     * I1, I4: {@code R[t,e] = 1} iff some slot j has {@code topk_ids[t,j] = e}; a slot holding -1
     * routes nowhere (no row, no count, no row_id_map column). With X10's distinct ids each routed
     * (t,e) comes from exactly one slot, so the mask loses nothing, and the order inside a group,
     * ascending flat slot index t*k+j, is ascending t: D1's order (I2).
     */
    public static Tensor routingMap(Tensor ids, int experts) {
        Tensor r = Tensor.zeros(DType.I32, ids.dim(0), experts);
        for (long t = 0; t < ids.dim(0); t++) {
            for (long j = 0; j < ids.dim(1); j++) {
                long e = ids.getLong(t, j);
                if (e >= 0) r.setLong(t, e, 1); // I4: -1 is no expert, never expert E-1
            }
        }
        return r;
    }

    /**
     * I3: {@code probs[t,e] = topk_weights[t,j]} for the slot j that names e, a bit copy in the
     * weights' dtype; +0.0 for every pair no slot names (never read: D3, D4 read routed pairs only),
     * so the weight of a -1 slot is never read either (I4).
     */
    static Tensor probs(Tensor ids, Tensor weights, int experts) {
        Tensor p = Tensor.zeros(weights.dtype(), ids.dim(0), experts);
        for (long t = 0; t < ids.dim(0); t++) {
            for (long j = 0; j < ids.dim(1); j++) {
                long e = ids.getLong(t, j);
                if (e >= 0) p.setBits(t, e, weights.bits(t, j)); // by slot j, not by the expert's place in the row
            }
        }
        return p;
    }

    /** I2, I3: the slot of token t that names expert e, or -1 when none does (after X10: at most one). */
    public static int slotOf(Tensor ids, int t, int e) {
        for (int j = 0; j < ids.dim(1); j++) if (ids.getLong(t, j) == e) return j;
        return -1;
    }
}
