package org.permcheck.spi.bench;

import org.permcheck.tensor.DType;

/**
 * The shape a benchmark is taken on: token_dispatch with {@code tokens} tokens routed top-{@code topk}
 * among {@code experts} experts, rows of {@code hidden} elements of {@code dtype}.
 *
 * @param tokens    T
 * @param experts   E
 * @param topk      experts per token (each token routed to exactly this many)
 * @param hidden    H, elements per row
 * @param dtype     payload dtype
 * @param probs     whether probs are passed (and permuted_probs produced)
 * @param alignSize padding alignment, or 0 for no padding
 * @param seed      seed of the routing map
 * @param warmups   untimed repetitions before measuring
 * @param repeats   timed repetitions; a row reports the median
 */
public record BenchRequest(long tokens, long experts, long topk, long hidden, DType dtype, boolean probs,
                           long alignSize, long seed, int warmups, int repeats) {
    public BenchRequest {
        if (tokens < 0 || experts <= 0 || topk <= 0 || topk > experts || hidden <= 0) {
            throw new IllegalArgumentException("bad bench shape: T=" + tokens + " E=" + experts + " topk=" + topk + " H=" + hidden);
        }
        if (alignSize < 0 || warmups < 0 || repeats <= 0) {
            throw new IllegalArgumentException("bad bench settings: align=" + alignSize + " warmups=" + warmups + " repeats=" + repeats);
        }
    }

    /** The request with a short description for tables: "T=16384 E=256 top-8 H=7168 bf16 probs align=128". */
    public String describe() {
        return "T=" + tokens + " E=" + experts + " top-" + topk + " H=" + hidden + " " + dtype.id()
                + (probs ? " probs" : "") + (alignSize > 0 ? " align=" + alignSize : "");
    }
}
