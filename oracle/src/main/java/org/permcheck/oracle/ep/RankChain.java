package org.permcheck.oracle.ep;

import java.util.ArrayList;
import java.util.List;

import org.permcheck.contract.Preconditions;
import org.permcheck.contract.Rule;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * A7–A9: what each of S real ranks must answer for the expert-parallel chain (docs/spec.md group A),
 * computed from the global view only (one dispatch of all tokens in rank order), never through the
 * simulated exchange of A5: a backend whose collective misplaces a slice cannot agree with it.
 * Rank r holds {@code inp_r [T_r,H]}, {@code routing_map_r [T_r,E]} (bool), {@code probs_r [T_r,E]};
 * rank s owns experts {@code s·L .. s·L+L-1}, {@code L = E/S}.
 */
public final class RankChain {
    private RankChain() {}

    /** One rank's expected answer. */
    public record RankExpected(Tensor expertBuffer, Tensor localGroupSizes, Tensor combined, Tensor gradInp) {}

    /** X38: S ≥ 1 ranks, one E and one H for all, E a multiple of S, shapes that agree. */
    public static void checkPreconditions(List<Tensor> inps, List<Tensor> routingMaps, List<Tensor> probs) {
        int ns = inps.size();
        if (ns < 1 || routingMaps.size() != ns || probs.size() != ns) throw Preconditions.violation(Rule.X38, "need one inp, routing_map and probs per rank, got " + inps.size() + ", " + routingMaps.size() + ", " + probs.size());
        long ne = routingMaps.get(0).dim(1);
        long h = inps.get(0).dim(1);
        if (ne < 1 || ne % ns != 0) throw Preconditions.violation(Rule.X38, "num_experts " + ne + " is not a positive multiple of the world size " + ns);
        for (int r = 0; r < ns; r++) {
            Tensor x = inps.get(r), m = routingMaps.get(r), p = probs.get(r);
            if (x.rank() != 2 || m.rank() != 2 || p.rank() != 2 || x.dim(1) != h || m.dim(1) != ne || !p.sameShape(m.shape()) || m.dim(0) != x.dim(0)) {
                throw Preconditions.violation(Rule.X38, "rank " + r + ": inp " + x.shapeString() + ", routing_map " + m.shapeString() + ", probs " + p.shapeString()
                        + " do not agree with H = " + h + ", E = " + ne);
            }
        }
    }

    /** A7: {@code all_shards_tokens_per_expert M[r][e]}, the tokens of rank r routed to expert e (the all-gathered counts). */
    public static long[][] counts(List<Tensor> routingMaps) {
        long[][] m = new long[routingMaps.size()][];
        for (int r = 0; r < m.length; r++) {
            Tensor map = routingMaps.get(r);
            m[r] = new long[(int) map.dim(1)];
            for (long t = 0; t < map.dim(0); t++) {
                for (int e = 0; e < m[r].length; e++) if (map.getLong(t, e) != 0) m[r][e]++;
            }
        }
        return m;
    }

    /** A7: rows of rank s's expert buffer, {@code Σ_i Σ_l M[i][s·L+l]}. */
    public static long bufferRows(long[][] m, int s) {
        int l = m[0].length / m.length;
        long rows = 0;
        for (long[] row : m) for (int e = s * l; e < (s + 1) * l; e++) rows += row[e];
        return rows;
    }

    /**
     * A7 (expert buffer), A8 (round trip), A9 (backward). {@code gradBuffers.get(s)} is the gradient of
     * rank s's expert buffer {@code [bufferRows(s), H]}.
     */
    public static List<RankExpected> expected(List<Tensor> inps, List<Tensor> routingMaps, List<Tensor> probs, List<Tensor> gradBuffers) {
        checkPreconditions(inps, routingMaps, probs);
        int ns = inps.size();
        int ne = (int) routingMaps.get(0).dim(1);
        int nl = ne / ns;
        long h = inps.get(0).dim(1);
        long[][] m = counts(routingMaps);
        List<Tensor> buffers = new ArrayList<>();
        List<Tensor> groups = new ArrayList<>();
        List<Tensor> grads = new ArrayList<>();
        List<Tensor> combined = new ArrayList<>();
        for (int s = 0; s < ns; s++) {
            buffers.add(Tensor.zeros(inps.get(0).dtype(), bufferRows(m, s), h));
            Tensor g = Tensor.zeros(DType.I32, nl);
            for (int l = 0; l < nl; l++) {
                long c = 0;
                for (long[] row : m) c += row[s * nl + l];
                g.setLong(l, c);
            }
            groups.add(g);
        }
        for (int r = 0; r < ns; r++) {
            grads.add(Tensor.zeros(inps.get(r).dtype(), inps.get(r).dim(0), h));
            combined.add(Tensor.zeros(inps.get(r).dtype(), inps.get(r).dim(0), h));
        }
        // A7: the owner's buffer, expert-major, each group in (source rank, token) order
        for (int s = 0; s < ns; s++) {
            long row = 0;
            for (int e = s * nl; e < (s + 1) * nl; e++) {
                for (int r = 0; r < ns; r++) {
                    Tensor map = routingMaps.get(r);
                    for (long t = 0; t < map.dim(0); t++) {
                        if (map.getLong(t, e) == 0) continue;
                        buffers.get(s).copyRowFrom(inps.get(r), t, row);
                        addRow(grads.get(r), t, gradBuffers.get(s), row, 1f);          // A9: the row's gradient goes home
                        addRow(combined.get(r), t, buffers.get(s), row, probs.get(r).getF32(t, e)); // A8: weighted by its prob
                        row++;
                    }
                }
            }
        }
        List<RankExpected> out = new ArrayList<>();
        for (int r = 0; r < ns; r++) out.add(new RankExpected(buffers.get(r), groups.get(r), combined.get(r), grads.get(r)));
        return out;
    }

    /** {@code dst[dr] += w · src[sr]} in f32 (A8, A9: the inputs lie on a grid where every such sum is exact, so any order gives these bits). */
    private static void addRow(Tensor dst, long dr, Tensor src, long sr, float w) {
        for (long c = 0; c < dst.dim(1); c++) dst.setF32(dr, c, dst.getF32(dr, c) + w * src.getF32(sr, c));
    }
}
