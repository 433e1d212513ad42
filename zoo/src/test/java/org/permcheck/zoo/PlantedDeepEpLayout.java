package org.permcheck.zoo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * DeepEP's get_dispatch_layout (docs/spec.md L1-L3) written from the spec (per token a hit counter per rank; a rank
 * with a hit gets the token once; every slot in [0,E) counts for its expert), with the layout bugs of {@link Bug}
 * planted: a rank counted once per expert instead of once per token (L1, DeepEP issue #58), a -1 slot sent to rank 0
 * by a missing range test (C's -1 / E_l = 0, L2), and int64 ids read through an int32 view (L3, DeepEP PR #422).
 */
final class PlantedDeepEpLayout {
    private PlantedDeepEpLayout() {}

    static Map<String, Tensor> run(Invocation inv, Bug bug) {
        Tensor ids = inv.input(Ports.TOPK_IDX);
        int experts = (int) inv.attr(Attrs.NUM_EXPERTS), ranks = (int) inv.attr(Attrs.NUM_RANKS), local = experts / ranks;
        int tokens = (int) ids.dim(0), topK = (int) ids.dim(1);
        Tensor perRank = Tensor.zeros(DType.I32, ranks), perExpert = Tensor.zeros(DType.I32, experts);
        Tensor inRank = Tensor.zeros(DType.BOOL, tokens, ranks);
        for (int t = 0; t < tokens; t++) {
            int[] hits = new int[ranks];
            for (int k = 0; k < topK; k++) {
                long e = id(ids, t, k, bug);
                if (0 <= e && e < experts) {
                    perExpert.setLong(e, perExpert.getLong(e) + 1);
                    hits[(int) (e / local)]++;
                } else if (bug == Bug.LAYOUT_MINUS_ONE_ON_RANK_0 && e == -1 && local > 1) {
                    hits[(int) (e / local)]++; // BUG (L2): no range test, -1 / E_l truncates to rank 0 (for E_l > 1)
                }
            }
            for (int r = 0; r < ranks; r++) {
                if (hits[r] == 0) continue;
                inRank.setLong(t, r, 1);
                perRank.setLong(r, perRank.getLong(r) + (bug == Bug.LAYOUT_RANK_PER_EXPERT ? hits[r] : 1)); // BUG (L1): once per expert
            }
        }
        Map<String, Tensor> o = new LinkedHashMap<>();
        o.put(Ports.NUM_TOKENS_PER_RANK, perRank);
        o.put(Ports.NUM_TOKENS_PER_EXPERT, perExpert);
        o.put(Ports.IS_TOKEN_IN_RANK, inRank);
        return o;
    }

    /** Slot (t, k); the int32-view bug reads 32-bit word t*K+k of an int64 buffer (low word of even, high of odd). */
    static long id(Tensor ids, int t, int k, Bug bug) {
        if (bug != Bug.LAYOUT_INT64_READ_AS_INT32 || ids.dtype() != DType.I64) return ids.getLong(t, k);
        long word = (long) t * ids.dim(1) + k; // BUG (L3): the element index used as a word index
        long v = ids.getLong(word / 2 / ids.dim(1), word / 2 % ids.dim(1));
        return word % 2 == 0 ? (int) v : (int) (v >> 32);
    }
}
