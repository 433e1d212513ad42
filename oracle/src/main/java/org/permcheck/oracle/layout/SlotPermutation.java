package org.permcheck.oracle.layout;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * MaxText's {@code sorted_selected_experts} (docs/spec.md J3): the stable argsort of the flat ids, written
 * as a view of the assignment table. Row {@code dst(t,e)} of the buffer was gathered from flat slot
 * {@code t*K + j(t,e)}, so the permutation's entry there is that slot index; no sort is re-run here.
 */
public final class SlotPermutation {
    private SlotPermutation() {}

    /**
     * J1, J3: int32[T*K]; entry {@code layout.row(t,e)} is {@code t*K + j} for the slot j of token t that names
     * e (X10: exactly one; X20: every slot names one, so every entry is written and the result is a permutation
     * of [0, T*K)). Order inside a group is (expert, token, slot), which with distinct ids per row is D1's.
     */
    public static Tensor of(Tensor ids, AssignmentTable table, GroupLayout layout) {
        int slots = (int) ids.dim(1);
        Tensor out = Tensor.zeros(DType.I32, ids.numel());
        for (int t = 0; t < table.numTokens(); t++) {
            for (int e = 0; e < table.numExperts(); e++) {
                if (!table.routed(t, e)) continue;
                out.setLong(layout.row(t, e), (long) t * slots + IndexForm.slotOf(ids, t, e));
            }
        }
        return out;
    }
}
