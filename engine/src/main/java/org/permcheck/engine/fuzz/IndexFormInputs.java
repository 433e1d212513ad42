package org.permcheck.engine.fuzz;

import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Ports;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * The index form of a generated dispatch (docs/spec.md I1-I4; docs/generator.md, "Index form"): the
 * routing map's assignment written as {@code topk_ids[T,k]} with {@code k = max n(t) + 1}, so every
 * token has at least one -1 slot (I4) and tokens routed nowhere have only -1s; each row's slots in a
 * random order (the experts unsorted, the -1s among them, as EP masking leaves them: I2, I3), and
 * {@code topk_weights[t,j]} the probability of the expert slot j names. The weight of a -1 slot is
 * NaN when the spec asks for zero probabilities (never read, I4), else a drawn probability. In profile
 * maxtext (X20) there is no spare slot: {@code k = n(t)}, the same for every token (the routings that give
 * every token the same count; CaseGenerator refuses the others).
 */
final class IndexFormInputs {
    private IndexFormInputs() {}

    /** {@code table}: the assignment of the routing map the mask form would have had (the oracle's table, n(t) its routed counts). */
    static void put(SplitMix64 rng, CaseSpec s, AssignmentTable table, Tensor probs, Map<String, Tensor> in, Map<String, Long> attrs) {
        int tokens = table.numTokens(), experts = table.numExperts();
        int width = 0;
        for (int t = 0; t < tokens; t++) width = Math.max(width, table.routedCount(t));
        if (!s.profile().argsortOutputs()) width += 1; // maxtext: every slot names an expert (X20), k = n(t) for every t
        Tensor ids = Tensor.zeros(s.routingDtype() == DType.I64 ? DType.I64 : DType.I32, tokens, width);
        Tensor weights = probs == null ? null : Tensor.zeros(probs.dtype(), tokens, width);
        int[] slot = new int[width];
        for (int t = 0; t < tokens; t++) {
            int n = 0;
            for (int e = 0; e < experts; e++) if (table.routed(t, e)) slot[n++] = e;
            for (int j = n; j < width; j++) slot[j] = -1;
            rng.shuffle(slot); // slot order is the router's, not sorted
            for (int j = 0; j < width; j++) {
                ids.setLong(t, j, slot[j]);
                if (weights == null) continue;
                long bits = slot[j] >= 0 ? probs.bits(t, slot[j])
                        : s.zeroProbs() ? FloatFormats.fromF32(weights.dtype(), Float.NaN) : Values.probability(rng, weights.dtype(), false, true);
                weights.setBits(t, j, bits);
            }
        }
        in.put(Ports.TOPK_IDS, ids);
        if (weights != null) in.put(Ports.TOPK_WEIGHTS, weights);
        attrs.put(Attrs.NUM_EXPERTS, (long) experts);
    }
}
