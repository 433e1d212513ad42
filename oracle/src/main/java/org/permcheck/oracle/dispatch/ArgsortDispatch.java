package org.permcheck.oracle.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.ArgsortPreconditions;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Preconditions;
import org.permcheck.oracle.layout.ExpertRoll;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.oracle.layout.IndexForm;
import org.permcheck.oracle.layout.SlotPermutation;
import org.permcheck.tensor.Tensor;

/**
 * MaxText's argsort permute, profile maxtext (docs/spec.md J1-J4): the rolled call's one assignment table
 * and its unpadded layout, viewed as te-jax views them (D1-D5, N1, M1-M5), plus the argsort permutation.
 * Every other profile's dispatch passes through with only X21 checked (no roll outside maxtext).
 */
public final class ArgsortDispatch {
    private ArgsortDispatch() {}

    /**
     * J4 then I1-I4: the mask form of a dispatch after its roll (X9, X10, X19-X21 checked); what
     * {@code Oracle.maskForm} and {@code Oracle.layout} read, so every check sees the rolled table.
     */
    public static Invocation maskForm(Invocation inv) {
        Invocation indexed = rolledIndexForm(inv);
        return IndexForm.maskForm(indexed);
    }

    /** The expected outputs: te-jax's views of the rolled table (J1: N = T*K rows, J2: counts int32) and J3. */
    public static Expected expected(Invocation inv) {
        Invocation indexed = rolledIndexForm(inv);
        Invocation mask = IndexForm.maskForm(indexed);
        Expected base = Dispatch.expected(mask);
        if (!inv.profile().argsortOutputs()) return base;
        Map<String, Tensor> values = new LinkedHashMap<>(base.values());
        GroupLayout layout = GroupLayout.of(mask);
        values.put(Ports.SORTED_SELECTED_EXPERTS, SlotPermutation.of(indexed.input(Ports.TOPK_IDS), layout.table(), layout));
        return new Expected(values, base.specified(), base.reference());
    }

    /** X9/X10 on the call as given, X19-X21, then the roll (J4); a call outside the argsort profiles unchanged. */
    private static Invocation rolledIndexForm(Invocation inv) {
        if (inv.op() != Op.DISPATCH) return inv;
        Tensor inp = inv.input(Ports.INP);
        Preconditions.requireRank2(Ports.INP, inp); // X1
        Preconditions.requireRoutingForm(inv, inp.dim(0)); // X9, X10 on the ids as given: an id >= E is refused before any roll hides it
        ArgsortPreconditions.check(inv);
        return ExpertRoll.rolled(inv);
    }
}
