package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.i32;
import static org.permcheck.oracle.Calls.longs;
import static org.permcheck.oracle.Calls.shape;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** sort_chunks_by_index (S1-S4, X7). */
class ChunkSortTest {

    private static Calls sort(Tensor inp, Tensor split, Tensor order) {
        return Calls.of(Op.SORT_CHUNKS).in("inp", inp).in("split_sizes", split).in("sorted_indices", order);
    }

    @Test
    void rule_S1_S2_teExampleWithAnEmptyChunkAndTailRows() {
        // TE 3.4 example: split [2,0,3], order [2,0,1], 5 rows -> map [3,4,0,1,2]; 2 extra tail rows stay
        Tensor inp = Calls.tokens(DType.F32, 7, 2);
        Tensor probs = Calls.f32(shape(7), 0, 1, 2, 3, 4, 5, 6);
        Expected x = sort(inp, i32(shape(3), 2, 0, 3), i32(shape(3), 2, 0, 1)).in("probs", probs).run();
        assertArrayEquals(new long[] {3, 4, 0, 1, 2, 5, 6}, longs(x.values().get("row_id_map")));
        Tensor out = x.values().get("output");
        int[] from = {2, 3, 4, 0, 1, 5, 6}; // output row r holds input row from[r]: chunk2, chunk0, chunk1 (empty), tail
        for (int r = 0; r < 7; r++) {
            assertTrue(out.rowEquals(r, inp, from[r]), "row " + r);
            assertTrue(x.values().get("permuted_probs").rowEquals(r, probs, from[r]), "probs row " + r);
        }
    }

    @Test
    void rule_S3_backwardGathersThroughTheMap() {
        Tensor g = Calls.tokens(DType.BF16, 7, 3);
        Tensor gp = Calls.f32(shape(7), 0, 1, 2, 3, 4, 5, 6);
        Expected b = Calls.of(Op.SORT_CHUNKS_BACKWARD).in("grad_output", g).in("row_id_map", i32(shape(7), 3, 4, 0, 1, 2, 5, 6))
                .in("grad_permuted_probs", gp).run();
        int[] src = {3, 4, 0, 1, 2, 5, 6}; // grad_inp[i] = g[map[i]]
        for (int i = 0; i < 7; i++) {
            assertTrue(b.values().get("grad_inp").rowEquals(i, g, src[i]), "row " + i);
            assertTrue(b.values().get("grad_probs").rowEquals(i, gp, src[i]));
        }
    }

    /**
     * S1, S2 against a second formulation (the PyTorch test's reference: concatenate the chunks in
     * sorted order, then the untouched tail), and S3, S4 as inverses, on seeded random cases.
     */
    @Test
    void rule_S1_S2_S3_S4_randomCasesAgainstConcatenation() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int k = 0; k < 2000; k++) {
            int s = 1 + rnd.nextInt(6);
            long[] split = new long[s];
            long total = 0;
            for (int j = 0; j < s; j++) { split[j] = rnd.nextInt(4); total += split[j]; } // zero sizes included
            int n = (int) total + rnd.nextInt(3);
            long[] perm = permutation(rnd, s);
            Tensor inp = Tensor.zeros(DType.F16, n, 2);
            for (long i = 0; i < inp.numel(); i++) inp.setBits(i, rnd.nextInt(0x10000)); // any bits, NaNs included
            Expected x = sort(inp, Tensor.ofInts(DType.I64, shape(s), split), Tensor.ofInts(DType.I32, shape(s), perm)).run();
            Tensor out = x.values().get("output");
            // second formulation: walk the chunks in sorted order
            long[] starts = new long[s];
            for (int j = 1; j < s; j++) starts[j] = starts[j - 1] + split[j - 1];
            int row = 0;
            for (long c : perm) {
                for (long q = 0; q < split[(int) c]; q++) assertTrue(out.rowEquals(row++, inp, starts[(int) c] + q), "case " + k + " row " + (row - 1));
            }
            for (; row < n; row++) assertTrue(out.rowEquals(row, inp, row), "case " + k + " tail row " + row);
            // S3: backward through the returned map undoes the forward
            Tensor back = Calls.of(Op.SORT_CHUNKS_BACKWARD).in("grad_output", out).in("row_id_map", x.values().get("row_id_map"))
                    .run().values().get("grad_inp");
            assertTrue(back.bitEquals(inp), "case " + k);
            // S4: the chunk sort with (split[perm], argsort(perm)) is the inverse
            long[] sortedSplit = new long[s];
            long[] inverse = new long[s];
            for (int p = 0; p < s; p++) { sortedSplit[p] = split[(int) perm[p]]; inverse[(int) perm[p]] = p; }
            Tensor again = sort(out, Tensor.ofInts(DType.I32, shape(s), sortedSplit), Tensor.ofInts(DType.I32, shape(s), inverse))
                    .run().values().get("output");
            assertTrue(again.bitEquals(inp), "case " + k);
        }
    }

    static long[] permutation(SplittableRandom rnd, int s) {
        long[] p = new long[s];
        for (int i = 0; i < s; i++) p[i] = i;
        for (int i = s - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            long t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }

    @Test
    void rule_X7_badSplitSizesAndOrders() {
        Tensor inp = Calls.tokens(DType.F32, 5, 1);
        sort(inp, i32(shape(3), 2, -1, 3), i32(shape(3), 2, 0, 1)).rejects("X7");     // negative size
        sort(inp, i32(shape(3), 2, 2, 3), i32(shape(3), 2, 0, 1)).rejects("X7");      // sum 7 > 5 rows
        sort(inp, i32(shape(3), 2, 0, 3), i32(shape(3), 2, 2, 1)).rejects("X7");      // not a permutation
        sort(inp, i32(shape(3), 2, 0, 3), i32(shape(3), 0, 1, 3)).rejects("X7");      // out of range
        sort(inp, i32(shape(3), 2, 0, 3), i32(shape(2), 0, 1)).rejects("X7");         // length mismatch
        sort(inp, i32(shape(0)), i32(shape(0))).rejects("X7");                         // no chunks
        sort(inp, i32(shape(1), 5), i32(shape(1), 0)).in("probs", Tensor.zeros(DType.F32, 4)).rejects("X1");
        sort(inp, Tensor.zeros(DType.F32, 1), i32(shape(1), 0)).rejects("X5");
        Calls.of(Op.SORT_CHUNKS_BACKWARD).in("grad_output", inp).in("row_id_map", i32(shape(5), 0, 1, 1, 3, 4)).rejects("X7");
        Calls.of(Op.SORT_CHUNKS_BACKWARD).in("grad_output", inp).in("row_id_map", i32(shape(4), 0, 1, 2, 3)).rejects("X1");
    }
}
