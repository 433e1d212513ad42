package org.permcheck.oracle.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Profile;
import org.permcheck.contract.Preconditions;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * {@code token_dispatch} (docs/spec.md D1-D5, P1-P4, N1, M1-M5): every output is a view of the
 * assignment table and the group layout.
 */
public final class Dispatch {
    private Dispatch() {}

    public static Expected expected(Invocation inv) {
        Profile profile = inv.profile();
        Tensor inp = inv.input("inp");
        Tensor routingMap = inv.input("routing_map");
        Optional<Tensor> probs = inv.optionalInput("probs");

        // X1, X5: shapes and dtypes
        Preconditions.requireRank2("inp", inp);
        Preconditions.requireMovablePayload("inp", inp);
        AssignmentTable table = AssignmentTable.of(routingMap); // X1, X2
        if (routingMap.dim(0) != inp.dim(0)) {
            throw Preconditions.violation("X1", "inp has " + inp.dim(0) + " tokens but routing_map has " + routingMap.dim(0));
        }
        if (probs.isPresent()) {
            Preconditions.requireProbs("probs", probs.get());
            Preconditions.requireShape("probs", probs.get(), routingMap.shape());
        }
        GroupLayout layout = layout(inv, table, profile);

        Map<String, Tensor> values = new LinkedHashMap<>();
        Map<String, Tensor> specified = new LinkedHashMap<>();
        Tensor output = permute(inp, probs.orElse(null), table, layout);
        values.put("output", output);
        probs.ifPresent(p -> values.put("permuted_probs", permuteProbs(p, table, layout)));
        values.put("row_id_map", RowIdMap.build(table));
        padOffsets(layout, profile).ifPresent(p -> values.put("pad_offsets", p));
        values.put("tokens_per_expert", tokensPerExpert(layout, profile));

        // D5: unpadded rows past N_used are unspecified (output and permuted_probs alike)
        if (!layout.padded() && layout.bufferRows() > table.used()) {
            Tensor rows = usedRows(layout.bufferRows(), table.used());
            specified.put("output", rows);
            if (probs.isPresent()) specified.put("permuted_probs", rows);
        }
        specified.put("row_id_map", RowIdMap.validSlots(table)); // M5
        return new Expected(values, specified, Map.of());
    }

    /** X3, X4, then D5 or P1-P3. */
    static GroupLayout layout(Invocation inv, AssignmentTable table, Profile profile) {
        Optional<Long> n = inv.optionalAttr("num_out_tokens");
        if (n.isEmpty()) throw Preconditions.violation("X3", "token_dispatch needs the num_out_tokens attribute");
        long numOut = n.get();
        if (numOut <= 0) throw Preconditions.violation("X3", "num_out_tokens must be > 0, got " + numOut);
        if (numOut < table.used()) {
            throw Preconditions.violation("X3", "num_out_tokens = " + numOut + " is below the " + table.used()
                    + " routed (token, expert) pairs (TE writes out of bounds, #3346)");
        }
        Optional<Long> align = inv.optionalAttr("align_size");
        if (align.isEmpty()) {
            if (profile.paddingRequired()) {
                throw Preconditions.violation("X4", "profile " + profile.id() + " requires the align_size attribute");
            }
            return GroupLayout.unpadded(table, numOut);
        }
        return GroupLayout.padded(table, align.get(), numOut, profile);
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
                if (probs != null && probs.getF32(t, e) == 0f) continue; // D3: +0.0 and -0.0 leave a +0.0 row
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

    /** P4: absent unpadded; te-jax always when padded; torch-mask-pad unless already aligned. */
    static Optional<Tensor> padOffsets(GroupLayout layout, Profile profile) {
        if (!layout.padded()) return Optional.empty();
        if (!profile.padOffsetsWhenAligned() && layout.alreadyAligned()) return Optional.empty();
        int ne = layout.table().numExperts();
        Tensor t = Tensor.zeros(profile.countsDtype(), ne);
        for (int e = 0; e < ne; e++) t.setLong(e, layout.padOffset(e));
        return Optional.of(t);
    }

    /** N1: count (unpadded) or target (padded), in the profile's counts dtype. */
    static Tensor tokensPerExpert(GroupLayout layout, Profile profile) {
        int ne = layout.table().numExperts();
        Tensor t = Tensor.zeros(profile.countsDtype(), ne);
        for (int e = 0; e < ne; e++) t.setLong(e, layout.groupRows(e));
        return t;
    }

    /** A per-row BOOL mask: true for rows [0, used), false after (D5). */
    static Tensor usedRows(long rows, long used) {
        Tensor m = Tensor.zeros(DType.BOOL, rows);
        for (long r = 0; r < used; r++) m.setLong(r, 1);
        return m;
    }
}
