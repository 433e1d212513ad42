package org.permcheck.engine.ep;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.permcheck.oracle.ep.RankChain;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The seeded cases of the ep tier for one world size S: uneven tokens per rank, zero-token ranks
 * (Megatron-Bridge #5270), experts no token picks, every expert picked, one rank holding everything.
 * Payloads and gradients are multiples of 1/8 in [-16, 16] and probs multiples of 1/4 in (0, 1]:
 * every sum A8 and A9 take is exact in f32, so any order of a port's reduction gives the oracle's bits.
 */
public final class EpCases {
    private EpCases() {}

    /** The shapes, in order: each one case per world size (docs/checks.md, the ep tier). */
    public static final List<String> SHAPES = List.of("uneven", "zero-token-rank", "empty-experts", "all-experts", "one-rank-holds-all", "random");

    public static List<EpCase> forWorldSize(int s, long seed) {
        List<EpCase> out = new ArrayList<>();
        for (int i = 0; i < SHAPES.size(); i++) out.add(build(SHAPES.get(i), s, seed * 1000 + s * 100L + i));
        return out;
    }

    static EpCase build(String shape, int s, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int nl = 1 + rnd.nextInt(3);
        int ne = nl * s;
        int h = 1 + rnd.nextInt(6);
        int[] tokens = new int[s];
        for (int r = 0; r < s; r++) tokens[r] = 1 + rnd.nextInt(7);
        switch (shape) {
            case "zero-token-rank" -> { tokens[s - 1] = 0; if (s > 2) tokens[1] = 0; }
            case "one-rank-holds-all" -> { for (int r = 1; r < s; r++) tokens[r] = 0; tokens[0] = 3 + rnd.nextInt(6); }
            case "uneven" -> { tokens[0] = 1; tokens[s - 1] = 9; }
            default -> { }
        }
        List<Tensor> inp = new ArrayList<>(), map = new ArrayList<>(), probs = new ArrayList<>();
        for (int r = 0; r < s; r++) {
            Tensor x = Tensor.zeros(DType.F32, tokens[r], h);
            for (long t = 0; t < tokens[r]; t++) for (int c = 0; c < h; c++) x.setF32(t, c, grid(rnd));
            Tensor m = Tensor.zeros(DType.BOOL, tokens[r], ne);
            Tensor p = Tensor.zeros(DType.F32, tokens[r], ne);
            for (long t = 0; t < tokens[r]; t++) {
                for (int e = 0; e < ne; e++) {
                    boolean routed = switch (shape) {
                        case "all-experts" -> true;
                        case "empty-experts" -> e % 2 == 1 && rnd.nextInt(2) == 0; // even experts get nothing
                        default -> rnd.nextInt(3) == 0;
                    };
                    if (routed) {
                        m.setLong(t, e, 1);
                        p.setF32(t, e, (1 + rnd.nextInt(4)) / 4f);
                    }
                }
            }
            inp.add(x);
            map.add(m);
            probs.add(p);
        }
        long[][] counts = RankChain.counts(map);
        List<Tensor> grads = new ArrayList<>();
        for (int r = 0; r < s; r++) {
            Tensor g = Tensor.zeros(DType.F32, RankChain.bufferRows(counts, r), h);
            for (long i = 0; i < g.dim(0); i++) for (int c = 0; c < h; c++) g.setF32(i, c, grid(rnd));
            grads.add(g);
        }
        return new EpCase("ep/s" + s + "-" + shape, seed, shape, inp, map, probs, grads);
    }

    /** A multiple of 1/8 in [-16, 16]. */
    private static float grid(SplittableRandom rnd) {
        return (rnd.nextInt(257) - 128) / 8f;
    }
}
