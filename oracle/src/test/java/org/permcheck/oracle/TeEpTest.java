package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.permcheck.oracle.Calls.longs;
import static org.permcheck.oracle.Calls.shape;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * TE's ep_dispatch / ep_combine in the world view (docs/spec.md Y1-Y4, X35-X37) on one example computed by hand:
 * S = 2 ranks of T = 2 tokens (g = s*2 + t), E = 4 (L = 2: rank 0 owns experts 0,1; rank 1 owns 2,3), K = 2,
 * alignment 2, recv_capacity 6; topk_idx g0 [0,3], g1 [1,0], g2 [0,2], g3 [3,1]. Counts: e0 {g0,g1,g2} 3, e1 {g1,g3} 2,
 * e2 {g2} 1, e3 {g0,g3} 2. Rank 0: e0 rows 0-2, pad row 3, e1 rows 4-5: total 6 = C (the bound). Rank 1 (rows 6-11):
 * e2 row 6, pad row 7, e3 rows 8-9, rows 10, 11 past the total (unspecified). tokens[g] has first column 10g+1.
 */
class TeEpTest {
    static final Tensor IDS = Tensor.ofInts(DType.I64, shape(4, 2), 0, 3, 1, 0, 0, 2, 3, 1);
    static final Tensor W = Calls.f32(shape(4, 2), 0.5f, 0.25f, 0.75f, 0.125f, 1f, 2f, 0.0625f, 4f);

    static Calls dispatch(long capacity) {
        return Calls.of(Op.TE_EP_DISPATCH).in(Ports.TOKENS, Calls.tokens(DType.F32, 4, 4)).in(Ports.TOPK_IDX, IDS).in(Ports.TOPK_WEIGHTS, W)
                .attr(Attrs.NUM_RANKS, 2).attr(Attrs.NUM_EXPERTS, 4).attr(Attrs.ALIGNMENT, 2).attr(Attrs.RECV_CAPACITY, capacity);
    }

    static long[] firstColumn(Tensor t) {
        long[] v = new long[(int) t.dim(0)];
        for (int r = 0; r < v.length; r++) v[r] = (long) t.getF32(r, 0);
        return v;
    }

    @Test
    void rule_Y1_Y2_Y3_handExample() {
        Expected x = dispatch(6).run();
        // canonical rows: e0 g0,g1,g2 | pad | e1 g1,g3 || e2 g2 | pad | e3 g0,g3 | unspecified x2
        assertArrayEquals(new long[] {1, 11, 21, 0, 11, 31, 21, 0, 1, 31, 0, 0}, firstColumn(x.values().get(Ports.RECV_TOKENS)));
        Tensor w = x.values().get(Ports.RECV_TOPK_WEIGHTS);
        float[] want = {0.5f, 0.125f, 1f, 0f, 0.75f, 4f, 2f, 0f, 0.25f, 0.0625f, 0f, 0f};
        for (int r = 0; r < want.length; r++) assertEquals(want[r], w.getF32(r, 0), "weight of row " + r);
        assertArrayEquals(new long[] {3, 2, 1, 2}, longs(x.values().get(Ports.RECV_TOKENS_PER_EXPERT)));
        assertEquals(DType.I64, x.values().get(Ports.RECV_TOKENS_PER_EXPERT).dtype());
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, longs(x.specified().get(Ports.RECV_TOKENS)));
    }

    @Test
    void rule_Y4_combineSumsTheSlotsUnweighted() {
        Tensor recv = dispatch(6).run().values().get(Ports.RECV_TOKENS);
        Expected y = Calls.of(Op.TE_EP_COMBINE).in(Ports.EXPERT_OUT, recv).in(Ports.TOPK_IDX, IDS)
                .attr(Attrs.NUM_RANKS, 2).attr(Attrs.NUM_EXPERTS, 4).attr(Attrs.ALIGNMENT, 2).attr(Attrs.RECV_CAPACITY, 6).run();
        // every token is back K = 2 times, no weight: 2 * (10g + 1)
        assertArrayEquals(new long[] {2, 22, 42, 62}, firstColumn(y.values().get(Ports.RESULT)));
        assertEquals(62.0, y.reference().get(Ports.RESULT).getF64(3, 0));
    }

    @Test
    void rule_X35_X36_X37_preconditions() {
        dispatch(5).rejects("X37"); // rank 0 needs 6 padded rows
        dispatch(6).attr(Attrs.ALIGNMENT, 3).rejects("X35");
        dispatch(6).attr(Attrs.NUM_RANKS, 3).rejects("X35");
        dispatch(6).in(Ports.TOPK_IDX, Tensor.ofInts(DType.I64, shape(4, 2), 0, 3, 1, 0, 0, 2, 3, -1)).rejects("X36");
        dispatch(6).in(Ports.TOPK_IDX, Tensor.ofInts(DType.I64, shape(4, 2), 0, 0, 1, 0, 0, 2, 3, 1)).rejects("X36");
        dispatch(6).in(Ports.TOPK_IDX, Tensor.ofInts(DType.I32, shape(4, 2), 0, 3, 1, 0, 0, 2, 3, 1)).rejects("X36");
        // without alignment rank 0 needs 5 rows: capacity 5 is enough
        assertEquals(10, dispatch(5).attr(Attrs.ALIGNMENT, 0).run().values().get(Ports.RECV_TOKENS).dim(0));
    }
}
