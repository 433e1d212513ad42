package org.permcheck.oracle.megatron;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.MegatronPreconditions;
import org.permcheck.contract.Ports;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core {@code permute} (docs/spec.md Q1-Q4): the rows of the assignment table in (expert,
 * token) order, {@code sorted_indices} the token of every row, instead of TE's row_id_map.
 */
public final class MegatronPermute {
    private MegatronPermute() {}

    public static Expected expected(Invocation inv) {
        long rows = MegatronPreconditions.permute(inv); // X1, X2, X5, X15-X17
        Tensor inp = inv.input(Ports.INP);
        Optional<Tensor> probs = inv.optionalInput(Ports.PROBS);
        AssignmentTable table = AssignmentTable.of(inv.input(Ports.ROUTING_MAP));
        PermutedRows layout;
        if (inv.optionalAttr(Attrs.DROP_AND_PAD).orElse(0L) == 1) {
            int capacity = (int) (rows / table.numExperts());
            long policy = inv.optionalAttr(Attrs.DROP_POLICY).orElse(MegatronPreconditions.POSITION);
            layout = PermutedRows.capacity(table, DropPolicy.kept(table, probs.orElse(null), capacity, policy), capacity); // Q3, Q4
        } else {
            layout = PermutedRows.dropless(table, rows); // Q1
        }
        Map<String, Tensor> values = new LinkedHashMap<>();
        Map<String, Tensor> specified = new LinkedHashMap<>();
        values.put(Ports.OUTPUT, rowCopies(inp, layout));
        probs.ifPresent(p -> values.put(Ports.PERMUTED_PROBS, probCopies(p, layout)));
        values.put(Ports.SORTED_INDICES, sortedIndices(layout));
        Tensor mask = specifiedRows(layout);
        if (mask != null) {
            for (String port : values.keySet()) specified.put(port, mask);
        }
        return new Expected(values, specified, Map.of());
    }

    /** Q1: {@code sorted_indices[r]} = the token of row r, int64 (-1 placeholder on unspecified rows). */
    static Tensor sortedIndices(PermutedRows layout) {
        Tensor s = Tensor.zeros(DType.I64, layout.rows());
        for (int r = 0; r < layout.rows(); r++) s.setLong(r, layout.token()[r]);
        return s;
    }

    /** Q2: {@code output[r] = inp[sorted_indices[r]]}, a bit copy; a zero probability does not zero it (no D3). */
    static Tensor rowCopies(Tensor inp, PermutedRows layout) {
        Tensor out = Tensor.zeros(inp.dtype(), layout.rows(), inp.dim(1));
        for (int r = 0; r < layout.rows(); r++) if (layout.specified(r)) out.copyRowFrom(inp, layout.token()[r], r);
        return out;
    }

    /** Q2: {@code permuted_probs[r] = probs[token(r), expert(r)]}, a bit copy, padding rows (Q3) included. */
    static Tensor probCopies(Tensor probs, PermutedRows layout) {
        Tensor out = Tensor.zeros(probs.dtype(), layout.rows());
        for (int r = 0; r < layout.rows(); r++) {
            if (layout.specified(r)) out.setBits(r, 0, probs.bits(layout.token()[r], layout.expert()[r]));
        }
        return out;
    }

    /** Q1: the per-row mask, false on rows [N_used, N) of a dropless call; null when every row is specified. */
    static Tensor specifiedRows(PermutedRows layout) {
        boolean all = true;
        for (int r = 0; r < layout.rows(); r++) all &= layout.specified(r);
        if (all) return null;
        Tensor m = Tensor.zeros(DType.BOOL, layout.rows());
        for (int r = 0; r < layout.rows(); r++) if (layout.specified(r)) m.setLong(r, 1);
        return m;
    }
}
