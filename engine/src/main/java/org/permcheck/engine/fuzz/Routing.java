package org.permcheck.engine.fuzz;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Routing distributions (docs/generator.md, "Routing"). Each builds routing_map int32[T,E] token
 * by token, drawing from the case's SplitMix64 in a fixed order.
 */
public enum Routing {
    /** k distinct experts per token, uniformly (partial Fisher-Yates). */
    UNIFORM("uniform"),
    /** k distinct experts per token, skewed to low expert ids (nested draw, linear probing). */
    ZIPF("zipf"),
    /** every token to one expert drawn once. */
    ONE_EXPERT("one_expert"),
    /** uniform top-k that never uses expert 0. */
    EMPTY_FIRST("empty_first"),
    /** uniform top-k that never uses expert E-1. */
    EMPTY_LAST("empty_last"),
    /** uniform top-k that never uses expert E/2. */
    EMPTY_MIDDLE("empty_middle"),
    /** a quarter of the tokens routed to no expert, the rest uniform top-k. */
    NOWHERE("nowhere"),
    /** each token to a uniformly drawn number 0..k of experts. */
    VARYING("varying"),
    /** every token to every expert (k = E). */
    ALL("all");

    private final String id;

    Routing(String id) { this.id = id; }

    public String id() { return id; }

    public static Routing byId(String id) {
        for (Routing r : values()) if (r.id.equals(id)) return r;
        throw new IllegalArgumentException("unknown routing '" + id + "'");
    }

    /** Builds routing_map int32[T,E] with k = min(topK, E) (docs/generator.md). */
    public Tensor generate(SplitMix64 rng, int tokens, int experts, int topK) {
        Tensor map = Tensor.zeros(DType.I32, tokens, experts);
        int k = Math.min(topK, experts);
        int fixed = this == ONE_EXPERT ? rng.below(experts) : -1;
        int excluded = this == EMPTY_FIRST ? 0 : this == EMPTY_LAST ? experts - 1 : this == EMPTY_MIDDLE ? experts / 2 : -1;
        for (int t = 0; t < tokens; t++) {
            switch (this) {
                case UNIFORM: distinct(rng, map, t, experts, k, -1); break;
                case ZIPF: skewed(rng, map, t, experts, k); break;
                case ONE_EXPERT: map.setLong(t, fixed, 1); break;
                case EMPTY_FIRST: case EMPTY_LAST: case EMPTY_MIDDLE:
                    distinct(rng, map, t, experts, Math.min(k, experts - 1), excluded);
                    break;
                case NOWHERE:
                    if (rng.below(4) != 0) distinct(rng, map, t, experts, k, -1);
                    break;
                case VARYING: distinct(rng, map, t, experts, rng.below(k + 1), -1); break;
                case ALL: for (int e = 0; e < experts; e++) map.setLong(t, e, 1); break;
                default: throw new IllegalStateException();
            }
        }
        return map;
    }

    /**
     * n distinct experts out of [0,E) without {@code excluded}: the candidates in ascending order,
     * then for i = 0..n-1: j = i + below(len - i), swap a[i] and a[j], route to a[i].
     */
    private static void distinct(SplitMix64 rng, Tensor map, int t, int experts, int n, int excluded) {
        int[] a = new int[excluded >= 0 ? experts - 1 : experts];
        int len = 0;
        for (int e = 0; e < experts; e++) if (e != excluded) a[len++] = e;
        for (int i = 0; i < n; i++) {
            int j = i + rng.below(len - i);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
            map.setLong(t, a[i], 1);
        }
    }

    /** n distinct skewed experts: e = below(below(E) + 1); while taken, e = (e + 1) mod E. */
    private static void skewed(SplitMix64 rng, Tensor map, int t, int experts, int n) {
        for (int i = 0; i < n; i++) {
            int e = rng.below(rng.below(experts) + 1);
            while (map.bits(t, e) != 0) e = (e + 1) % experts;
            map.setLong(t, e, 1);
        }
    }
}
