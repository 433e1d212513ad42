package org.permcheck.engine.cpu;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.DeepEpLayoutPreconditions;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * DeepEP's get_dispatch_layout (docs/spec.md L1-L3) shaped like its kernel: one pass over the slots counts each
 * expert in range (L3, a -1 or any id outside {@code [0,E)} is skipped by the range test); a second pass per
 * token keeps a counter per rank, {@code id / E_l}, and a rank whose counter is above 0 gets the token once
 * (L2, L1), however many of its experts the token names.
 */
final class CpuDeepEpLayout {
    private CpuDeepEpLayout() {}

    static Outputs run(Invocation inv) {
        int local = (int) DeepEpLayoutPreconditions.check(inv); // X33, X34 (already checked by CpuBackend)
        Tensor ids = inv.input(Ports.TOPK_IDX);
        int experts = (int) inv.attr(Attrs.NUM_EXPERTS), ranks = (int) inv.attr(Attrs.NUM_RANKS);
        int tokens = (int) ids.dim(0), topK = (int) ids.dim(1);
        long[] perExpert = new long[experts];
        for (int t = 0; t < tokens; t++) {
            for (int k = 0; k < topK; k++) {
                long e = ids.getLong(t, k);
                if (0 <= e && e < experts) perExpert[(int) e]++;
            }
        }
        long[] perRank = new long[ranks];
        Tensor inRank = Tensor.zeros(DType.BOOL, tokens, ranks);
        for (int t = 0; t < tokens; t++) {
            int[] hits = new int[ranks];
            for (int k = 0; k < topK; k++) {
                long e = ids.getLong(t, k);
                if (0 <= e && e < experts) hits[(int) (e / local)]++;
            }
            for (int r = 0; r < ranks; r++) {
                if (hits[r] > 0) {
                    inRank.setLong(t, r, 1);
                    perRank[r]++;
                }
            }
        }
        Map<String, Tensor> o = new LinkedHashMap<>();
        o.put(Ports.NUM_TOKENS_PER_RANK, Tensor.i32(Tensor.shape(ranks), perRank));
        o.put(Ports.NUM_TOKENS_PER_EXPERT, Tensor.i32(Tensor.shape(experts), perExpert));
        o.put(Ports.IS_TOKEN_IN_RANK, inRank);
        return new Outputs(o);
    }
}
