package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.oracle.ep.ExpertParallelSimulation;
import org.permcheck.oracle.ep.RankChain;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** A7–A9 (RankChain): a worked example by hand, and A7 against the simulated exchange of A1/A5/A3 (A6). */
class RankChainTest {
    private static Tensor rows(float... v) {
        Tensor t = Tensor.zeros(DType.F32, v.length, 1);
        for (int i = 0; i < v.length; i++) t.setF32(i, 0, v[i]);
        return t;
    }

    private static Tensor mat(DType d, int rows, int cols, float... v) {
        Tensor t = Tensor.zeros(d, rows, cols);
        for (int i = 0; i < v.length; i++) {
            if (d == DType.F32) t.setF32(i, v[i]);
            else t.setLong(i, (long) v[i]);
        }
        return t;
    }

    private static float[] col(Tensor t) {
        float[] f = new float[(int) t.dim(0)];
        for (int i = 0; i < f.length; i++) f[i] = t.getF32(i, 0);
        return f;
    }

    /**
     * S = 2, E = 2 (L = 1), H = 1. Rank 0: tokens 1 (to e1, prob 1/2) and 2 (to e0 prob 1/4, e1 prob 1);
     * rank 1: token 3 (to e0, prob 3/4). By hand: expert 0 (rank 0's buffer) holds (rank 0, t1) = 2 then
     * (rank 1, t0) = 3; expert 1 (rank 1's) holds (rank 0, t0) = 1 then (rank 0, t1) = 2. Combined: 1/2·1,
     * (1/4+1)·2, 3/4·3. Gradient buffers [10, 20] and [30, 40] go home: rank 0 t0 gets 30 (e1 row 0),
     * t1 gets 10 + 40, rank 1 t0 gets 20.
     */
    @Test
    void rules_A7_A8_A9_workedExample() {
        List<Tensor> inp = List.of(rows(1, 2), rows(3));
        List<Tensor> map = List.of(mat(DType.BOOL, 2, 2, 0, 1, 1, 1), mat(DType.BOOL, 1, 2, 1, 0));
        List<Tensor> probs = List.of(mat(DType.F32, 2, 2, 0, 0.5f, 0.25f, 1), mat(DType.F32, 1, 2, 0.75f, 0));
        List<Tensor> grads = List.of(rows(10, 20), rows(30, 40));
        List<RankChain.RankExpected> e = RankChain.expected(inp, map, probs, grads);
        assertArrayEquals(new float[] {2, 3}, col(e.get(0).expertBuffer()));
        assertArrayEquals(new float[] {1, 2}, col(e.get(1).expertBuffer()));
        assertEquals(2, e.get(0).localGroupSizes().getLong(0));
        assertEquals(2, e.get(1).localGroupSizes().getLong(0));
        assertArrayEquals(new float[] {0.5f, 2.5f}, col(e.get(0).combined()));
        assertArrayEquals(new float[] {2.25f}, col(e.get(1).combined()));
        assertArrayEquals(new float[] {30, 50}, col(e.get(0).gradInp()));
        assertArrayEquals(new float[] {20}, col(e.get(1).gradInp()));
    }

    /** A7 from the global view equals A6's simulation through A1, A5 and A3 on seeded cases, zero-token ranks included. */
    @Test
    void rule_A7_globalViewEqualsTheSimulatedExchange() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int k = 0; k < 200; k++) {
            int ns = 1 + rnd.nextInt(4), nl = 1 + rnd.nextInt(3), ne = ns * nl, h = 1 + rnd.nextInt(3);
            List<Tensor> inp = new ArrayList<>(), map = new ArrayList<>(), probs = new ArrayList<>(), grads = new ArrayList<>();
            for (int r = 0; r < ns; r++) {
                int t = rnd.nextInt(5);
                Tensor x = Tensor.zeros(DType.F32, t, h);
                for (long i = 0; i < x.numel(); i++) x.setF32(i, rnd.nextInt(100));
                Tensor m = Tensor.zeros(DType.BOOL, t, ne);
                for (long i = 0; i < m.numel(); i++) m.setLong(i, rnd.nextInt(3) == 0 ? 1 : 0);
                inp.add(x);
                map.add(m);
                probs.add(Tensor.zeros(DType.F32, t, ne));
            }
            long[][] counts = RankChain.counts(map);
            for (int r = 0; r < ns; r++) grads.add(Tensor.zeros(DType.F32, RankChain.bufferRows(counts, r), h));
            List<RankChain.RankExpected> want = RankChain.expected(inp, map, probs, grads);
            List<ExpertParallelSimulation.RankResult> sim = ExpertParallelSimulation.run(inp, map, 0, 0);
            for (int r = 0; r < ns; r++) {
                assertTrue(want.get(r).expertBuffer().bitEquals(sim.get(r).expertBuffer()), "case " + k + " rank " + r);
                for (int l = 0; l < nl; l++) assertEquals(sim.get(r).localGroupSizes()[l], want.get(r).localGroupSizes().getLong(l));
            }
        }
    }

    @Test
    void rule_X38_expertsNotAMultipleOfTheWorldSize() {
        List<Tensor> inp = List.of(rows(1), rows(2));
        List<Tensor> map = List.of(mat(DType.BOOL, 1, 3, 1, 0, 0), mat(DType.BOOL, 1, 3, 0, 1, 0));
        List<Tensor> probs = List.of(Tensor.zeros(DType.F32, 1, 3), Tensor.zeros(DType.F32, 1, 3));
        PreconditionViolation v = assertThrows(PreconditionViolation.class, () -> RankChain.expected(inp, map, probs, List.of()));
        assertEquals("X38", v.rule());
    }
}
