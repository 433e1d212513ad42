package org.permcheck.oracle.layout;


import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Preconditions;
import org.permcheck.tensor.Tensor;

/**
 * MaxText's ring of experts (docs/spec.md J4): {@code roll_to_expert_id = r} relabels every id to
 * {@code (id - r) mod E} before the sort, so a rank's local experts (r = shard * E_local) come first.
 * The roll is read into the call before the index form is: the rolled call has the assignment table of
 * the rolled ids, and every view (the buffer, group_sizes, row_id_map, the argsort permutation) is that
 * table's. Nothing is rolled back after the sort.
 */
public final class ExpertRoll {
    private ExpertRoll() {}

    /** J4: the call with its topk_ids rolled and the attribute consumed; a call without a roll unchanged (X21 checked before). */
    public static Invocation rolled(Invocation inv) {
        if (!inv.attrs().containsKey(Attrs.ROLL_TO_EXPERT_ID)) return inv;
        long roll = inv.attr(Attrs.ROLL_TO_EXPERT_ID);
        long experts = Preconditions.numExperts(inv);
        return inv.withInput(Ports.TOPK_IDS, rolledIds(inv.input(Ports.TOPK_IDS), roll, experts)).withoutAttr(Attrs.ROLL_TO_EXPERT_ID);
    }

    /**
     * J4: {@code (id - r) mod E} with the floored modulo of Python and {@code jnp.remainder}, so the result
     * is in [0, E) (a truncating remainder would give negative ids for {@code id < r}).
     */
    static Tensor rolledIds(Tensor ids, long roll, long experts) {
        Tensor out = Tensor.zeros(ids.dtype(), ids.shape());
        for (long t = 0; t < ids.dim(0); t++) {
            for (long j = 0; j < ids.dim(1); j++) out.setLong(t, j, Math.floorMod(ids.getLong(t, j) - roll, experts));
        }
        return out;
    }
}
