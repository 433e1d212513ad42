package org.permcheck.engine.fuzz;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The top-k id draw every index-form generator shares (block align, TE's index map, DeepEP's layout, Megatron's
 * inference permute, TE's EP ops): K experts per row, distinct by a partial Fisher-Yates draw (or independent
 * draws where duplicates are allowed), ZIPF taking the lower of two draws so that low experts fill and high ones
 * stay empty, and under VARYING routing, where the op takes it, a -1 (no expert) one slot in four. The order of
 * the rng calls is part of every seeded case: the committed generated vectors and every fuzz seed depend on it.
 */
final class TopkIds {
    private TopkIds() {}

    /** ids {@code [rows, k]} in {@code dtype}, from {@code experts} experts. */
    static Tensor draw(CaseSpec s, SplitMix64 rng, DType dtype, int rows, int experts, int k, boolean distinct, boolean minusOne) {
        Tensor ids = Tensor.zeros(dtype, rows, k);
        int[] pool = new int[experts];
        for (int t = 0; t < rows; t++) {
            for (int e = 0; e < experts; e++) pool[e] = e;
            for (int j = 0; j < k; j++) {
                int id;
                if (!distinct) {
                    id = rng.below(experts);
                    if (s.routing() == Routing.ZIPF) id = Math.min(id, rng.below(experts));
                } else {
                    int pick = j + rng.below(experts - j);
                    if (s.routing() == Routing.ZIPF) pick = Math.min(pick, j + rng.below(experts - j));
                    int tmp = pool[j];
                    pool[j] = pool[pick];
                    pool[pick] = tmp;
                    id = pool[j];
                }
                if (minusOne && s.routing() == Routing.VARYING && rng.below(4) == 0) id = -1;
                ids.setLong(t, j, id);
            }
        }
        return ids;
    }
}
