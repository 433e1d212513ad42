package org.permcheck.oracle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.permcheck.contract.Profile;
import org.permcheck.tensor.Tensor;

/**
 * A second, independently written formulation of dispatch and combine, used only to cross-check
 * the oracle: list the (expert, token) pairs token-major, STABLE-sort them by expert (the PyTorch
 * test's {@code masked_select(routing_map.T)} / pure-JAX argsort view), and read every output off
 * the sorted list. Padding is a cursor rounded up to the align size whenever the expert changes.
 * It shares no code with org.permcheck.oracle.layout.
 */
final class SortedPairsReference {
    record Pair(int expert, int token) {}

    record Dispatched(Tensor output, Tensor permutedProbs, long[][] rowIdMapValid, long[] tokensPerExpert,
                      long[] padOffsets, long usedRows, long[] rowOfPair) {}

    private SortedPairsReference() {}

    static List<Pair> sortedPairs(Tensor routing) {
        List<Pair> pairs = new ArrayList<>();
        for (int t = 0; t < routing.dim(0); t++) {
            for (int e = 0; e < routing.dim(1); e++) if (routing.getLong(t, e) != 0) pairs.add(new Pair(e, t));
        }
        pairs.sort(Comparator.comparingInt(Pair::expert)); // List.sort is a stable merge sort
        return pairs;
    }

    /** @param align 0 = no padding */
    static Dispatched dispatch(Tensor inp, Tensor routing, Tensor probs, long numOut, long align, Profile profile) {
        int ne = (int) routing.dim(1);
        List<Pair> pairs = sortedPairs(routing);
        long[] rowOf = new long[pairs.size()];
        long[] count = new long[ne];
        long cursor = 0;
        int prev = -1;
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            if (align > 0 && p.expert() != prev && cursor % align != 0) cursor += align - cursor % align;
            prev = p.expert();
            rowOf[i] = cursor++;
            count[p.expert()]++;
        }
        long rows;
        long[] perExpert = count.clone();
        long[] padOffsets = null;
        if (align > 0) {
            long sumTarget = 0;
            padOffsets = new long[ne];
            long padSoFar = 0;
            for (int e = 0; e < ne; e++) {
                padOffsets[e] = padSoFar;
                long target = count[e] == 0 ? 0 : ((count[e] - 1) / align + 1) * align;
                padSoFar += target - count[e];
                perExpert[e] = target;
                sumTarget += target;
            }
            if (cursor > 0 && cursor % align != 0) cursor += align - cursor % align;
            if (cursor != sumTarget) throw new AssertionError("the cursor walk and the targets disagree");
            rows = profile.bufferLength() == Profile.BufferLength.EXACT ? sumTarget : ((numOut + ne * (align - 1)) / align) * align;
        } else {
            rows = numOut;
        }
        Tensor out = Tensor.zeros(inp.dtype(), rows, inp.dim(1));
        Tensor pp = probs == null ? null : Tensor.zeros(probs.dtype(), rows);
        long[][] map = new long[(int) routing.dim(0)][];
        List<List<long[]>> perToken = new ArrayList<>();
        for (int t = 0; t < routing.dim(0); t++) perToken.add(new ArrayList<>());
        long unpadded = 0;
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            boolean zero = probs != null && Float.floatToRawIntBits(Math.abs(probs.getF32(p.token(), p.expert()))) == 0;
            if (!zero) out.copyRowFrom(inp, p.token(), rowOf[i]);
            if (pp != null) pp.setBits(rowOf[i], 0, probs.bits(p.token(), p.expert()));
            perToken.get(p.token()).add(new long[] {unpadded++, p.expert()});
        }
        for (int t = 0; t < map.length; t++) {
            List<long[]> l = perToken.get(t);
            l.sort((a, b) -> Long.compare(b[0], a[0])); // descending destination
            long[] row = new long[2 * l.size() + 1];
            for (int i = 0; i < l.size(); i++) {
                row[i] = l.get(i)[0];
                row[l.size() + i] = l.get(i)[1];
            }
            row[2 * l.size()] = l.size();
            map[t] = row;
        }
        return new Dispatched(out, pp, map, perExpert, padOffsets, align > 0 ? rows : pairs.size(), rowOf);
    }

    /** Combine from the sorted list: each token's contributions in descending expert order. */
    static Tensor combine(Tensor permuted, Tensor routing, long[] rowOfPair, Tensor mergingProbs, boolean fused) {
        List<Pair> pairs = sortedPairs(routing);
        int nt = (int) routing.dim(0);
        Tensor out = Tensor.zeros(permuted.dtype(), nt, permuted.dim(1));
        for (int t = 0; t < nt; t++) {
            List<Integer> mine = new ArrayList<>();
            for (int i = 0; i < pairs.size(); i++) if (pairs.get(i).token() == t) mine.add(i);
            mine.sort((a, b) -> Integer.compare(pairs.get(b).expert(), pairs.get(a).expert()));
            for (int h = 0; h < permuted.dim(1); h++) {
                float acc = 0f;
                for (int i : mine) {
                    float x = permuted.getF32(rowOfPair[i], h);
                    float p = mergingProbs == null ? 1f : mergingProbs.getF32(t, pairs.get(i).expert());
                    acc = fused ? Math.fma(x, p, acc) : acc + x * p;
                }
                out.setF32(t, h, acc);
            }
        }
        return out;
    }
}
