package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.longs;
import static org.permcheck.oracle.Calls.shape;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.CallPreconditions;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * DeepEP's get_dispatch_layout (docs/spec.md L1-L3, X33, X34) on one example computed by hand: E = 6 experts on
 * R = 3 ranks (E_l = 2: rank 0 owns experts 0,1; rank 1 owns 2,3; rank 2 owns 4,5), T = 4, K = 3,
 * topk_idx = [[0,1,4],[-1,3,-1],[5,2,3],[-1,-1,-1]]. Token 0 reaches ranks {0,2} (two experts on rank 0), token 1
 * rank {1}, token 2 ranks {1,2} (two experts on rank 1), token 3 nowhere. So num_tokens_per_rank = [1,2,2] (5 in
 * all: each token once per rank), num_tokens_per_expert = [1,1,1,2,1,1] (7 assignments, -1 counted nowhere).
 */
class DeepEpLayoutTest {
    static final long[] IDS = {0, 1, 4, -1, 3, -1, 5, 2, 3, -1, -1, -1};

    static Calls layout(Tensor ids, long experts, long ranks) {
        return Calls.of(Op.DEEPEP_DISPATCH_LAYOUT).in(Ports.TOPK_IDX, ids).attr(Attrs.NUM_EXPERTS, experts).attr(Attrs.NUM_RANKS, ranks);
    }

    static Tensor ids() { return Tensor.ofInts(DType.I64, shape(4, 3), IDS); }

    @Test
    void rule_L1_L2_L3_handExample() {
        Expected x = layout(ids(), 6, 3).run();
        assertArrayEquals(new long[] {1, 2, 2}, longs(x.values().get(Ports.NUM_TOKENS_PER_RANK)));
        assertArrayEquals(new long[] {1, 1, 1, 2, 1, 1}, longs(x.values().get(Ports.NUM_TOKENS_PER_EXPERT)));
        assertArrayEquals(new long[] {1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0}, longs(x.values().get(Ports.IS_TOKEN_IN_RANK)));
        assertEquals(DType.I32, x.values().get(Ports.NUM_TOKENS_PER_RANK).dtype());
        assertEquals(DType.I32, x.values().get(Ports.NUM_TOKENS_PER_EXPERT).dtype());
        assertEquals(DType.BOOL, x.values().get(Ports.IS_TOKEN_IN_RANK).dtype());
        assertArrayEquals(new long[] {4, 3}, x.values().get(Ports.IS_TOKEN_IN_RANK).shape());
        assertTrue(x.specified().isEmpty());
        // int32 ids (topk_idx_t of a build with int32) give the same layout
        assertArrayEquals(new long[] {1, 2, 2}, longs(layout(Tensor.ofInts(DType.I32, shape(4, 3), IDS), 6, 3).run().values().get(Ports.NUM_TOKENS_PER_RANK)));
    }

    @Test
    void rule_L1_L2_oneRankAndOneExpertPerRank() {
        // R = 1: every token with any selection counts once (3 of the 4); R = E = 6: per rank = per expert
        assertArrayEquals(new long[] {3}, longs(layout(ids(), 6, 1).run().values().get(Ports.NUM_TOKENS_PER_RANK)));
        assertArrayEquals(new long[] {1, 1, 1, 2, 1, 1}, longs(layout(ids(), 6, 6).run().values().get(Ports.NUM_TOKENS_PER_RANK)));
    }

    @Test
    void rule_L1_L3_noTokens() {
        Expected x = layout(Tensor.zeros(DType.I64, 0, 2), 4, 2).run();
        assertArrayEquals(new long[] {0, 0}, longs(x.values().get(Ports.NUM_TOKENS_PER_RANK)));
        assertArrayEquals(new long[] {0, 0, 0, 0}, longs(x.values().get(Ports.NUM_TOKENS_PER_EXPERT)));
        assertEquals(0, x.values().get(Ports.IS_TOKEN_IN_RANK).numel());
    }

    @Test
    void rule_X33_X34_preconditions() {
        layout(ids(), 6, 4).rejects("X33"); // 6 % 4 != 0
        layout(ids(), 6, 0).rejects("X33");
        layout(ids(), 0, 1).rejects("X33");
        layout(ids(), 5, 1).rejects("X34"); // id 5 is not in [0,5)
        layout(Tensor.ofInts(DType.I64, shape(1, 2), 2, 2), 6, 3).rejects("X34"); // expert 2 twice
        layout(Tensor.ofInts(DType.I64, shape(1, 2), -2, 0), 6, 3).rejects("X34");
        layout(Tensor.ofInts(DType.U16, shape(1, 2), 1, 0), 6, 3).rejects("X34");
        layout(Tensor.ofInts(DType.I64, shape(2), 1, 0), 6, 3).rejects("X34");
        CallPreconditions.check(layout(ids(), 6, 3).invocation());
    }
}
