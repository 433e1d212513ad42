package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.longs;
import static org.permcheck.oracle.Calls.shape;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.oracle.ep.ExpertParallelSimulation;
import org.permcheck.oracle.ep.RaggedAllToAll;
import org.permcheck.oracle.ep.RaggedAllToAllParams;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** The expert-parallel helpers (A1-A6, X8). */
class ExpertParallelTest {
    /** M = [[1,2,3,4],[5,6,7,8]], 2 shards, L = 2: send_to = [[3,7],[11,15]]. */
    static final Tensor M = Tensor.ofInts(DType.I64, shape(2, 4), 1, 2, 3, 4, 5, 6, 7, 8);

    private static Expected params(Op op, long shard) {
        return Calls.of(op).in("all_shards_tokens_per_expert", M).attr("shard_id", shard).attr("num_shards", 2).run();
    }

    private static void assertParams(Expected x, long[] inOff, long[] send, long[] outOff, long[] recv) {
        assertArrayEquals(inOff, longs(x.values().get("input_offsets")), "input_offsets");
        assertArrayEquals(send, longs(x.values().get("send_sizes")), "send_sizes");
        assertArrayEquals(outOff, longs(x.values().get("output_offsets")), "output_offsets");
        assertArrayEquals(recv, longs(x.values().get("recv_sizes")), "recv_sizes");
        assertEquals(DType.I64, x.values().get("send_sizes").dtype(), "dtype of M");
    }

    @Test
    void rule_A1_forwardParamsByHand() {
        assertParams(params(Op.RAGGED_A2A_PARAMS, 0), new long[] {0, 3}, new long[] {3, 7}, new long[] {0, 0}, new long[] {3, 11});
        // shard 1 writes after shard 0's slice on each receiver (sender-side offsets)
        assertParams(params(Op.RAGGED_A2A_PARAMS, 1), new long[] {0, 11}, new long[] {11, 15}, new long[] {3, 7}, new long[] {7, 15});
    }

    @Test
    void rule_A2_reverseParamsByHand() {
        assertParams(params(Op.REVERSE_RAGGED_A2A_PARAMS, 0), new long[] {0, 3}, new long[] {3, 11}, new long[] {0, 0}, new long[] {3, 7});
        assertParams(params(Op.REVERSE_RAGGED_A2A_PARAMS, 1), new long[] {0, 7}, new long[] {7, 15}, new long[] {3, 11}, new long[] {11, 15});
    }

    /** The jax.lax.ragged_all_to_all docstring example (docs/sources.md#ragged-all-to-all): [1,2,2] / [3,4,0] -> [1,3,0,0] / [2,2,4,0]. */
    @Test
    void rule_A5_raggedAllToAllDocstringExample() {
        List<Tensor> operands = List.of(Calls.f32(shape(3), 1, 2, 2), Calls.f32(shape(3), 3, 4, 0));
        List<Tensor> outputs = List.of(Tensor.zeros(DType.F32, 4), Tensor.zeros(DType.F32, 4));
        List<RaggedAllToAllParams> p = List.of(
                new RaggedAllToAllParams(new long[] {0, 1}, new long[] {1, 2}, new long[] {0, 0}, new long[] {1, 1}),
                new RaggedAllToAllParams(new long[] {0, 1}, new long[] {1, 1}, new long[] {1, 2}, new long[] {2, 1}));
        List<Tensor> r = RaggedAllToAll.exchange(operands, outputs, p);
        assertTrue(r.get(0).bitEquals(Calls.f32(shape(4), 1, 3, 0, 0)));
        assertTrue(r.get(1).bitEquals(Calls.f32(shape(4), 2, 2, 4, 0)));
        // unwritten rows keep the output operand
        List<Tensor> sentinel = List.of(Tensor.filled(DType.F32, 0x7FC00001L, 4), Tensor.filled(DType.F32, 0x7FC00001L, 4));
        assertEquals(0x7FC00001L, RaggedAllToAll.exchange(operands, sentinel, p).get(0).bits(3));
        // send/recv disagreement is refused
        List<RaggedAllToAllParams> bad = List.of(p.get(0),
                new RaggedAllToAllParams(new long[] {0, 1}, new long[] {1, 1}, new long[] {1, 2}, new long[] {1, 1}));
        assertEquals("A5", assertThrows(PreconditionViolation.class, () -> RaggedAllToAll.exchange(operands, outputs, bad)).rule());
    }

    @Test
    void rule_A3_A4_localPermuteByHand() {
        // shard 0 of 2, experts 0,1 local: C = [[1,2],[2,1]]; received rows: src0 e0 (a) e1 (b,c); src1 e0 (d,e) e1 (f); slack g,h
        Tensor m = Tensor.ofInts(DType.I32, shape(2, 4), 1, 2, 9, 9, 2, 1, 9, 9);
        Tensor recv = Calls.tokens(DType.BF16, 8, 2); // rows a..h = 0..7
        Expected x = Calls.of(Op.LOCAL_PERMUTE_AFTER_A2A).in("inp", recv).in("all_shards_tokens_per_expert", m)
                .attr("shard_id", 0).attr("num_shards", 2).run();
        int[] from = {0, 3, 4, 1, 2, 5, 6, 7}; // a d e | b c f | g h
        for (int r = 0; r < 8; r++) assertTrue(x.values().get("output").rowEquals(r, recv, from[r]), "row " + r);
        assertArrayEquals(new long[] {3, 3}, longs(x.values().get("local_group_sizes")));
        assertArrayEquals(new long[] {1, 2, 2, 1}, longs(x.values().get("sorted_split_sizes")));
        assertArrayEquals(new long[] {0, 2, 1, 3}, longs(x.values().get("inverse_chunk_indices")));
        assertEquals(DType.I32, x.values().get("inverse_chunk_indices").dtype());
        // A4 undoes it
        Tensor back = Calls.of(Op.LOCAL_UNPERMUTE_BEFORE_A2A).in("inp", x.values().get("output"))
                .in("sorted_split_sizes", x.values().get("sorted_split_sizes")).in("inverse_chunk_indices", x.values().get("inverse_chunk_indices"))
                .run().values().get("output");
        assertTrue(back.bitEquals(recv));
    }

    /**
     * A6 on seeded random cases: S ranks (some with no tokens, experts with no tokens), every
     * rank's expert groups equal the global dispatch of all tokens in rank order.
     */
    @Test
    void rule_A6_perExpertContentsEqualOneGlobalDispatch() {
        SplittableRandom rnd = new SplittableRandom(6);
        for (int k = 0; k < 300; k++) {
            int ns = 1 + rnd.nextInt(4);
            int nl = 1 + rnd.nextInt(3);
            int ne = ns * nl;
            int h = 1 + rnd.nextInt(3);
            List<Tensor> inputs = new ArrayList<>();
            List<Tensor> maps = new ArrayList<>();
            int total = 0;
            for (int r = 0; r < ns; r++) {
                int t = rnd.nextInt(5);
                total += t;
                Tensor x = Tensor.zeros(DType.BF16, t, h);
                for (long i = 0; i < x.numel(); i++) x.setBits(i, rnd.nextInt(0x10000));
                Tensor m = Tensor.zeros(DType.I32, t, ne);
                for (long i = 0; i < m.numel(); i++) m.setLong(i, rnd.nextInt(3) == 0 ? 1 : 0);
                inputs.add(x);
                maps.add(m);
            }
            long slack = rnd.nextInt(3);
            List<ExpertParallelSimulation.RankResult> ranks = ExpertParallelSimulation.run(inputs, maps, slack, 0x7FC1);
            // the global dispatch: tokens concatenated in rank order
            Tensor gx = Tensor.zeros(DType.BF16, total, h);
            Tensor gm = Tensor.zeros(DType.I32, total, ne);
            int row = 0;
            for (int r = 0; r < ns; r++) {
                for (int t = 0; t < inputs.get(r).dim(0); t++, row++) {
                    gx.copyRowFrom(inputs.get(r), t, row);
                    gm.copyRowFrom(maps.get(r), t, row);
                }
            }
            long used = 0;
            for (long i = 0; i < gm.numel(); i++) used += gm.getLong(i);
            if (used == 0) continue; // a global dispatch needs num_out_tokens > 0 (X3)
            Expected global = Calls.of(Op.DISPATCH).in("inp", gx).in("routing_map", gm).attr("num_out_tokens", used).run();
            Tensor gout = global.values().get("output");
            long[] counts = longs(global.values().get("tokens_per_expert"));
            long gstart = 0;
            for (int s = 0; s < ns; s++) {
                ExpertParallelSimulation.RankResult rr = ranks.get(s);
                long lstart = 0;
                for (int l = 0; l < nl; l++) {
                    int e = s * nl + l;
                    assertEquals(counts[e], rr.localGroupSizes()[l], "case " + k + " expert " + e);
                    for (long q = 0; q < counts[e]; q++) {
                        assertTrue(rr.expertBuffer().rowEquals(lstart + q, gout, gstart + q), "case " + k + " expert " + e + " row " + q);
                    }
                    lstart += counts[e];
                    gstart += counts[e];
                }
                // the slack rows keep the receive buffer's fill (A5), in place (S1 tail)
                for (long q = lstart; q < rr.expertBuffer().dim(0); q++) assertEquals(0x7FC1, rr.expertBuffer().bits(q, 0));
            }
        }
    }

    @Test
    void rule_X8_expertParallelPreconditions() {
        Calls.of(Op.RAGGED_A2A_PARAMS).in("all_shards_tokens_per_expert", M).attr("shard_id", 2).attr("num_shards", 2).rejects("X8");
        Calls.of(Op.RAGGED_A2A_PARAMS).in("all_shards_tokens_per_expert", M).attr("shard_id", 0).attr("num_shards", 3).rejects("X8");
        Calls.of(Op.RAGGED_A2A_PARAMS).in("all_shards_tokens_per_expert", Tensor.zeros(DType.I32, 2, 3)).attr("shard_id", 0).attr("num_shards", 2).rejects("X8");
        Calls.of(Op.RAGGED_A2A_PARAMS).in("all_shards_tokens_per_expert", Tensor.ofInts(DType.I32, shape(1, 2), 1, -1)).attr("shard_id", 0).attr("num_shards", 1).rejects("X8");
        Calls.of(Op.RAGGED_A2A_PARAMS).in("all_shards_tokens_per_expert", M).attr("num_shards", 2).rejects("X8");
        Calls.of(Op.LOCAL_PERMUTE_AFTER_A2A).in("inp", Tensor.zeros(DType.F32, 3, 1)).in("all_shards_tokens_per_expert", M)
                .attr("shard_id", 0).attr("num_shards", 2).rejects("X8"); // shard 0 receives 1+2+5+6 = 14 rows > 3
    }
}
