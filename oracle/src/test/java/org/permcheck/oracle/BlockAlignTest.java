package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.longs;
import static org.permcheck.oracle.Calls.shape;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.CallPreconditions;
import org.permcheck.contract.Expected;
import org.permcheck.contract.GroupOrder;
import org.permcheck.contract.Op;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Ports;
import org.permcheck.oracle.align.BlockAlign;
import org.permcheck.oracle.align.GroupMultiset;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * vLLM / SGLang moe_align_block_size (docs/spec.md K1-K6, X11-X13) on one worked example computed by hand:
 * T=4, K=2, E=4, block 4, topk_ids = [[1,0],[1,2],[3,1],[0,1]], so the flat slots f = t*2+j are
 * e0 {1, 6}, e1 {0, 2, 5, 7}, e2 {3}, e3 {4}; sentinel 8; every group rounds up to 4 rows.
 */
class BlockAlignTest {
    static final Tensor IDS = Calls.i32(shape(4, 2), 1, 0, 1, 2, 3, 1, 0, 1);

    static Calls align(long experts, long block) {
        return Calls.of(Op.BLOCK_ALIGN).in(Ports.TOPK_IDS, IDS).attr(Attrs.NUM_EXPERTS, experts).attr(Attrs.BLOCK_SIZE, block);
    }

    @Test
    void rule_K1_K2_K3_K4_K5_workedExample() {
        Expected x = Oracle.expected(align(4, 4).invocation());
        // K1: 8 + 4*(4-1) = 20 entries, sentinel 8; K2/K3: each group its slots (ascending here), pad at its tail
        assertArrayEquals(new long[] {1, 6, 8, 8, 0, 2, 5, 7, 3, 8, 8, 8, 4, 8, 8, 8, 8, 8, 8, 8}, longs(x.values().get(Ports.SORTED_TOKEN_IDS)));
        // K4: cdiv(20, 4) = 5 blocks, the used prefix 16/4 = 4 of them, the tail block 0
        assertArrayEquals(new long[] {0, 1, 2, 3, 0}, longs(x.values().get(Ports.EXPERT_IDS)));
        // K5: 4 + 4 + 4 + 4
        assertArrayEquals(new long[] {16}, longs(x.values().get(Ports.NUM_TOKENS_POST_PADDED)));
        for (String p : new String[] {Ports.SORTED_TOKEN_IDS, Ports.EXPERT_IDS, Ports.NUM_TOKENS_POST_PADDED}) {
            assertEquals(DType.I32, x.values().get(p).dtype(), p);
        }
        assertTrue(x.specified().isEmpty(), "without an expert_map every element is specified");
    }

    @Test
    void rule_K2_theGroupIsAMultiset() {
        BlockAlign view = BlockAlign.of(align(4, 4).invocation());
        assertEquals(GroupOrder.MULTISET, Op.BLOCK_ALIGN.groupOrder());
        assertEquals(GroupOrder.ORDERED, Op.DISPATCH.groupOrder());
        assertEquals(GroupMultiset.of(7, 5, 2, 0), view.group(1), "order-free");
        assertNotEquals(GroupMultiset.of(0, 2, 5, 5), view.group(1), "a slot twice is not the group");
        assertEquals(GroupMultiset.of(6, 1), view.group(0));
        assertEquals(1, view.group(1).occurrences(5));
        assertEquals(java.util.OptionalLong.of(7), view.group(1).firstSurplusOver(GroupMultiset.of(0, 2, 5)));
    }

    @Test
    void rule_K3_K4_K1_emptyExpertAndPadSortedIds() {
        // E=5: expert 4 is empty and gets no rows (K3); K1 8 + 5*3 = 23 entries, 6 blocks, the last two tail blocks 0 (K4)
        Expected x = Oracle.expected(align(5, 4).invocation());
        assertEquals(23, x.values().get(Ports.SORTED_TOKEN_IDS).numel());
        assertArrayEquals(new long[] {0, 1, 2, 3, 0, 0}, longs(x.values().get(Ports.EXPERT_IDS)));
        assertArrayEquals(new long[] {16}, longs(x.values().get(Ports.NUM_TOKENS_POST_PADDED)));
        // block 3: K1 8 + 4*2 = 16 entries
        Expected b3 = Oracle.expected(align(4, 3).invocation());
        assertEquals(16, b3.values().get(Ports.SORTED_TOKEN_IDS).numel());
        // groups 3, 6, 3, 3 rows: e0 {1,6,8}, e1 {0,2,5,7,8,8}, e2 {3,8,8}, e3 {4,8,8}; K5 15
        assertArrayEquals(new long[] {1, 6, 8, 0, 2, 5, 7, 8, 8, 3, 8, 8, 4, 8, 8, 8}, longs(b3.values().get(Ports.SORTED_TOKEN_IDS)));
        assertArrayEquals(new long[] {15}, longs(b3.values().get(Ports.NUM_TOKENS_POST_PADDED)));
        assertArrayEquals(new long[] {0, 1, 1, 2, 3, 0}, longs(b3.values().get(Ports.EXPERT_IDS)));
        // pad_sorted_ids rounds 16 up to 18 = 6 blocks of 3
        Expected padded = Oracle.expected(align(4, 3).attr(Attrs.PAD_SORTED_IDS, 1L).invocation());
        assertEquals(18, padded.values().get(Ports.SORTED_TOKEN_IDS).numel());
        assertEquals(6, padded.values().get(Ports.EXPERT_IDS).numel());
    }

    @Test
    void rule_K6_expertMapGivesLocalIdsAndLeavesTheTailUnspecified() {
        // rank 1 of 2: experts 2, 3 are local ids 0, 1; experts 0, 1 are not on this rank (-1)
        Expected x = Oracle.expected(align(4, 4).in(Ports.EXPERT_MAP, Calls.i32(shape(4), -1, -1, 0, 1)).invocation());
        long[] ids = longs(x.values().get(Ports.EXPERT_IDS));
        assertArrayEquals(new long[] {-1, -1, 0, 1}, java.util.Arrays.copyOf(ids, 4));
        Tensor mask = x.specified().get(Ports.EXPERT_IDS);
        assertArrayEquals(new long[] {1, 1, 1, 1, 0}, longs(mask), "the tail block is unspecified under K6");
        // the layout is the global one: sorted_token_ids as without the map (K6 maps expert_ids only)
        assertArrayEquals(longs(Oracle.expected(align(4, 4).invocation()).values().get(Ports.SORTED_TOKEN_IDS)), longs(x.values().get(Ports.SORTED_TOKEN_IDS)));
    }

    private static void assertViolates(String rule, Calls c) {
        PreconditionViolation v = assertThrows(PreconditionViolation.class, () -> Oracle.expected(c.invocation()));
        assertEquals(rule, v.rule());
        PreconditionViolation w = assertThrows(PreconditionViolation.class, () -> CallPreconditions.check(c.invocation()));
        assertEquals(rule, w.rule(), "backends refuse with the oracle's rule");
    }

    @Test
    void rule_X11_X12_X13_preconditions() {
        assertViolates("X11", align(4, 0));
        assertViolates("X11", align(4, 4).attr(Attrs.PAD_SORTED_IDS, 2L));
        assertViolates("X12", align(3, 4)); // id 3 is not an expert of E = 3
        assertViolates("X12", Calls.of(Op.BLOCK_ALIGN).in(Ports.TOPK_IDS, Calls.i32(shape(1, 2), 1, 1)).attr(Attrs.NUM_EXPERTS, 4L).attr(Attrs.BLOCK_SIZE, 4L));
        assertViolates("X12", Calls.of(Op.BLOCK_ALIGN).in(Ports.TOPK_IDS, Calls.i32(shape(1, 2), 0, -1)).attr(Attrs.NUM_EXPERTS, 4L).attr(Attrs.BLOCK_SIZE, 4L));
        assertViolates("X12", Calls.of(Op.BLOCK_ALIGN).in(Ports.TOPK_IDS, Calls.f32(shape(1, 1), 0f)).attr(Attrs.NUM_EXPERTS, 4L).attr(Attrs.BLOCK_SIZE, 4L));
        assertViolates("X13", align(4, 4).in(Ports.EXPERT_MAP, Calls.i32(shape(3), -1, 0, 1)));
        assertViolates("X13", align(4, 4).in(Ports.EXPERT_MAP, Calls.i32(shape(4), -1, 0, 0, 1)));
        assertViolates("X13", align(4, 4).in(Ports.EXPERT_MAP, Calls.i32(shape(4), -2, 0, 1, 2)));
        assertFalse(Op.BLOCK_ALIGN.profileSpecific());
    }
}
