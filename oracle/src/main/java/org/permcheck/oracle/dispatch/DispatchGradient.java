package org.permcheck.oracle.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Preconditions;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.tensor.Tensor;

/** {@code token_dispatch_backward} (docs/spec.md G1, G2): the VJP of dispatch (TE section 9). */
public final class DispatchGradient {
    private DispatchGradient() {}

    public static Expected expected(Invocation inv) {
        Tensor grad = inv.input("grad_output");
        Tensor rowIdMap = inv.input("row_id_map");
        Optional<Tensor> gradProbs = inv.optionalInput("grad_permuted_probs");
        Optional<Tensor> padOffsets = inv.optionalInput("pad_offsets");

        Preconditions.requireRank2("grad_output", grad);
        Preconditions.requireReduciblePayload("grad_output", grad); // X5
        RowIdMap.Routes routes = RowIdMap.read(rowIdMap, padOffsets, grad.dim(0)); // X6
        gradProbs.ifPresent(g -> {
            Preconditions.requireProbs("grad_permuted_probs", g);
            Preconditions.requireShape("grad_permuted_probs", g, grad.dim(0)); // X1
        });

        // G1: the unweighted combine of the cotangent; no multiply, so the contraction does not matter
        RowReduction.Result r = RowReduction.sum(grad, routes, null, false, grad.dtype());
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put("grad_inp", r.values());
        gradProbs.ifPresent(g -> values.put("grad_probs", gradProbs(g, routes)));
        return new Expected(values, Map.of(), Map.of("grad_inp", r.reference(), "grad_inp.slack", r.slack()));
    }

    /** G2: grad_probs[t,e] = grad_permuted_probs[src(t,e)] for routed pairs, +0.0 elsewhere. */
    static Tensor gradProbs(Tensor gradPermutedProbs, RowIdMap.Routes routes) {
        Tensor out = Tensor.zeros(gradPermutedProbs.dtype(), routes.numTokens(), routes.numExperts());
        for (int t = 0; t < routes.numTokens(); t++) {
            for (int i = 0; i < routes.count(t); i++) {
                out.setBits(t, routes.expert(t, i), gradPermutedProbs.bits(routes.source(t, i), 0));
            }
        }
        return out;
    }
}
