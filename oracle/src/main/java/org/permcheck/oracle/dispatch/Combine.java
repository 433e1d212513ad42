package org.permcheck.oracle.dispatch;

import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Preconditions;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.tensor.Tensor;

/** {@code token_combine} (docs/spec.md C1-C6): the weighted sum over each token's routed rows. */
public final class Combine {
    private Combine() {}

    public static Expected expected(Invocation inv) {
        Tensor inp = inv.input("inp");
        Tensor rowIdMap = inv.input("row_id_map");
        Optional<Tensor> mergingProbs = inv.optionalInput("merging_probs");
        Optional<Tensor> padOffsets = inv.optionalInput("pad_offsets");

        Preconditions.requireRank2("inp", inp);
        Preconditions.requireReduciblePayload("inp", inp); // C6, X5
        RowIdMap.Routes routes = RowIdMap.read(rowIdMap, padOffsets, inp.dim(0)); // C4, X6
        if (mergingProbs.isPresent()) {
            Preconditions.requireProbs("merging_probs", mergingProbs.get());
            Preconditions.requireShape("merging_probs", mergingProbs.get(), routes.numTokens(), routes.numExperts());
        }
        // C1, C2 (contraction per profile), C3, C5
        RowReduction.Result r = RowReduction.sum(inp, routes, mergingProbs.orElse(null),
                inv.profile().fusedMultiplyAdd(), inp.dtype());
        return new Expected(Map.of("output", r.values()), Map.of(),
                Map.of("output", r.reference(), "output.slack", r.slack()));
    }
}
