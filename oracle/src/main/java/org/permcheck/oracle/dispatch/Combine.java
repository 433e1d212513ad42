package org.permcheck.oracle.dispatch;

import org.permcheck.contract.Ports;
import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.tensor.Tensor;

/** {@code token_combine} (docs/spec.md C1-C6): the weighted sum over each token's routed rows. */
public final class Combine {
    private Combine() {}

    public static Expected expected(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Tensor rowIdMap = inv.input(Ports.ROW_ID_MAP);
        Optional<Tensor> mergingProbs = inv.optionalInput(Ports.MERGING_PROBS);
        RowIdMap.Routes routes = RowIdMap.read(rowIdMap, inv.optionalInput(Ports.PAD_OFFSETS), inp.dim(0)); // C4
        // C1, C2 (contraction per profile), C3, C5
        RowReduction.Result r = RowReduction.sum(inp, routes, mergingProbs.orElse(null),
                inv.profile().fusedMultiplyAdd(), inp.dtype());
        return new Expected(Map.of(Ports.OUTPUT, r.values()), Map.of(),
                Map.of(Ports.OUTPUT, r.reference(), "output.slack", r.slack()));
    }
}
