package org.permcheck.oracle.dispatch;

import org.permcheck.contract.Ports;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.tensor.Tensor;

/** {@code token_dispatch_backward} (docs/spec.md G1, G2): the VJP of dispatch (TE section 9). */
public final class DispatchGradient {
    private DispatchGradient() {}

    public static Expected expected(Invocation inv) {
        Tensor grad = inv.input(Ports.GRAD_OUTPUT);
        Tensor rowIdMap = inv.input(Ports.ROW_ID_MAP);
        Optional<Tensor> gradProbs = inv.optionalInput(Ports.GRAD_PERMUTED_PROBS);
        RowIdMap.Routes routes = RowIdMap.read(rowIdMap, inv.optionalInput(Ports.PAD_OFFSETS), grad.dim(0));

        // G1: the unweighted combine of the cotangent; no multiply, so the contraction does not matter
        RowReduction.Result r = RowReduction.sum(grad, routes, null, false, grad.dtype());
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put(Ports.GRAD_INP, r.values());
        gradProbs.ifPresent(g -> values.put(Ports.GRAD_PROBS, gradProbs(g, routes)));
        return new Expected(values, Map.of(), Map.of(Ports.GRAD_INP, r.reference(), "grad_inp.slack", r.slack()));
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
