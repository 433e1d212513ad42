package org.permcheck.oracle.dispatch;

import org.permcheck.contract.Ports;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Profile;
import org.permcheck.contract.QuantizedPreconditions;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.tensor.Tensor;

/**
 * {@code token_dispatch} (docs/spec.md D1-D5, P1-P4, N1, M1-M5, F1-F4): every output is a view of the
 * assignment table and the group layout.
 */
public final class Dispatch {
    private Dispatch() {}

    public static Expected expected(Invocation inv) {
        Profile profile = inv.profile();
        Tensor inp = inv.input(Ports.INP);
        Optional<Tensor> probs = inv.optionalInput(Ports.PROBS);
        AssignmentTable table = AssignmentTable.of(inv.input(Ports.ROUTING_MAP));
        GroupLayout layout = GroupLayout.of(inv, table); // X3, X4 (the layout view checks them too)
        boolean quantized = QuantizedPreconditions.dispatch(inv).isPresent(); // F1-F4: block scales travel

        Map<String, Tensor> values = new LinkedHashMap<>();
        Map<String, Tensor> specified = new LinkedHashMap<>();
        Tensor output = permute(inp, probs.orElse(null), table, layout);
        values.put(Ports.OUTPUT, output);
        probs.ifPresent(p -> values.put(Ports.PERMUTED_PROBS, permuteProbs(p, table, layout)));
        values.put(Ports.ROW_ID_MAP, RowIdMap.build(table));
        layout.padOffsets().ifPresent(p -> values.put(Ports.PAD_OFFSETS, p));
        values.put(Ports.TOKENS_PER_EXPERT, tokensPerExpert(layout, profile));
        if (quantized) values.put(Ports.PERMUTED_SCALE_INV, ScaleRows.permute(inv.input(Ports.SCALE_INV), table, layout)); // F1-F4

        // D5: unpadded rows past N_used are unspecified (output and permuted_probs alike)
        layout.specifiedRows().ifPresent(rows -> {
            specified.put(Ports.OUTPUT, rows);
            if (probs.isPresent()) specified.put(Ports.PERMUTED_PROBS, rows);
            if (quantized) specified.put(Ports.PERMUTED_SCALE_INV, rows); // F3: the scale rows past N_used too
        });
        specified.put(Ports.ROW_ID_MAP, RowIdMap.validSlots(table)); // M5
        return new Expected(values, specified, Map.of());
    }

    /**
     * D2, D3: one bit copy of {@code inp[t]} per routed pair into its row; every other row stays
     * zero (padding and tail rows, P2/P3; unspecified rows, D5, hold zero as a placeholder).
     */
    public static Tensor permute(Tensor inp, Tensor probs, AssignmentTable table, GroupLayout layout) {
        Tensor out = Tensor.zeros(inp.dtype(), layout.bufferRows(), inp.dim(1));
        for (int t = 0; t < table.numTokens(); t++) {
            for (int e = 0; e < table.numExperts(); e++) {
                if (!table.routed(t, e)) continue;
                if (probs != null && layout.zeroProb(probs, t, e)) continue; // D3: +0.0 and -0.0 leave a +0.0 row
                out.copyRowFrom(inp, t, layout.row(t, e));              // D2
            }
        }
        return out;
    }

    /** D4: permuted_probs[row(t,e)] = probs[t,e], zero elsewhere. */
    static Tensor permuteProbs(Tensor probs, AssignmentTable table, GroupLayout layout) {
        Tensor out = Tensor.zeros(probs.dtype(), layout.bufferRows());
        for (int t = 0; t < table.numTokens(); t++) {
            for (int e = 0; e < table.numExperts(); e++) {
                if (table.routed(t, e)) out.setBits(layout.row(t, e), 0, probs.bits(t, e));
            }
        }
        return out;
    }

    /** N1: count (unpadded) or target (padded), in the profile's counts dtype. */
    static Tensor tokensPerExpert(GroupLayout layout, Profile profile) {
        int ne = layout.table().numExperts();
        Tensor t = Tensor.zeros(profile.countsDtype(), ne);
        for (int e = 0; e < ne; e++) t.setLong(e, layout.groupRows(e));
        return t;
    }
}
