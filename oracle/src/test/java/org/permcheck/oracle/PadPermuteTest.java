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
 * torchao's padded permute and torchtitan's unpermute (docs/spec.md W1-W6, X27-X29) on examples computed by hand.
 *
 * <p>Example A: R=2, E_l=2, A=4, counts [2,0 | 1,3] (T=6). Chunk starts (exclusive prefix sum, rank-major)
 * 0,2,2,3; totals e0 = 2+1 = 3, e1 = 0+3 = 3; padded sizes align_up(max(3,4),4) = 4, 4; offsets 4, 8;
 * max_len = round_up(6 + 2*4, 4) = 16; permuted_indices = [0,1,2,-1, 3,4,5,-1, -1 x 8].
 *
 * <p>Example B (an empty expert): R=2, E_l=3, A=2, counts [1,0,2 | 0,0,1] (T=4). Starts 0,1,1,3,3,3; totals 1, 0, 3;
 * sizes 2, 2 (empty, clamped to A), 4; offsets 2, 4, 8; max_len = round_up(4 + 6, 2) = 10;
 * permuted_indices = [0,-1, -1,-1, 1,2,3,-1, -1,-1].
 */
class PadPermuteTest {
    static Calls permute(int tokens, long[] counts, long ranks, long local, long align) {
        return Calls.of(Op.TORCHAO_PERMUTE_AND_PAD).in(Ports.INP, Calls.tokens(DType.F32, tokens, 4))
                .in(Ports.NUM_TOKENS_PER_EXPERT, Tensor.ofInts(DType.I64, shape(counts.length), counts))
                .attr(Attrs.EP_DEGREE, ranks).attr(Attrs.NUM_LOCAL_EXPERTS, local).attr(Attrs.ALIGNMENT, align);
    }

    /** Calls.tokens: row t's first element is 10*t + 1; a zero row reads 0. */
    static long[] firstColumn(Tensor out) {
        long[] v = new long[(int) out.dim(0)];
        for (int r = 0; r < v.length; r++) v[r] = (long) out.getF32(r, 0);
        return v;
    }

    @Test
    void rule_W1_W2_W3_W5_expertMajorPaddedGroups() {
        Expected x = permute(6, new long[] {2, 0, 1, 3}, 2, 2, 4).run();
        assertArrayEquals(new long[] {0, 1, 2, -1, 3, 4, 5, -1, -1, -1, -1, -1, -1, -1, -1, -1}, longs(x.values().get(Ports.PERMUTED_INDICES)));
        assertArrayEquals(new long[] {4, 4}, longs(x.values().get(Ports.NUM_TOKENS_PER_EXPERT_PADDED)));
        assertArrayEquals(new long[] {4, 8}, longs(x.values().get(Ports.GROUP_OFFSETS)));
        assertEquals(DType.I32, x.values().get(Ports.PERMUTED_INDICES).dtype());
        assertEquals(DType.I32, x.values().get(Ports.GROUP_OFFSETS).dtype());
        // W4, W5: pads and the tail are the zero row
        assertArrayEquals(new long[] {1, 11, 21, 0, 31, 41, 51, 0, 0, 0, 0, 0, 0, 0, 0, 0}, firstColumn(x.values().get(Ports.OUTPUT)));
        assertTrue(x.specified().isEmpty());
    }

    @Test
    void rule_W2_W4_anEmptyExpertStillGetsAlignmentRows() {
        Expected x = permute(4, new long[] {1, 0, 2, 0, 0, 1}, 2, 3, 2).run();
        assertArrayEquals(new long[] {0, -1, -1, -1, 1, 2, 3, -1, -1, -1}, longs(x.values().get(Ports.PERMUTED_INDICES)));
        assertArrayEquals(new long[] {2, 2, 4}, longs(x.values().get(Ports.NUM_TOKENS_PER_EXPERT_PADDED)));
        assertArrayEquals(new long[] {2, 4, 8}, longs(x.values().get(Ports.GROUP_OFFSETS)));
    }

    @Test
    void rule_W1_alignmentOneOneRankIsTheIdentityPlusATail() {
        // R=1, A=1, counts [2,1] (T=3): sizes 2, 1; offsets 2, 3; max_len = 3 + 2 = 5: [0,1,2,-1,-1]
        Expected x = permute(3, new long[] {2, 1}, 1, 2, 1).run();
        assertArrayEquals(new long[] {0, 1, 2, -1, -1}, longs(x.values().get(Ports.PERMUTED_INDICES)));
        assertArrayEquals(new long[] {2, 3}, longs(x.values().get(Ports.GROUP_OFFSETS)));
    }

    @Test
    void rule_W6_unpermuteScattersBackAndDropsThePads() {
        // example A's permuted_indices; inp row p's first element is 10*p + 1, so output row i holds 10*p + 1 for
        // the p with permuted_indices[p] = i: i=0..5 <- p = 0,1,2,4,5,6
        Tensor idx = Tensor.i32(shape(16), 0, 1, 2, -1, 3, 4, 5, -1, -1, -1, -1, -1, -1, -1, -1, -1);
        Expected x = Calls.of(Op.TORCHAO_UNPERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 16, 4)).in(Ports.PERMUTED_INDICES, idx)
                .attr(Attrs.NUM_TOKENS, 6).run();
        assertArrayEquals(new long[] {1, 11, 21, 41, 51, 61}, firstColumn(x.values().get(Ports.OUTPUT)));
    }

    @Test
    void rule_X27_X28_X29_preconditions() {
        permute(6, new long[] {2, 0, 1, 3}, 2, 2, 0).rejects("X27"); // alignment 0: torchao divides by it
        permute(6, new long[] {2, 0, 1, 3}, 0, 2, 4).rejects("X27");
        permute(6, new long[] {2, 0, 1, 3}, 2, 3, 4).rejects("X28"); // 4 counts, R*E_l = 6
        permute(5, new long[] {2, 0, 1, 3}, 2, 2, 4).rejects("X28"); // they add up to 6, inp has 5 rows
        permute(6, new long[] {3, -1, 1, 3}, 2, 2, 4).rejects("X28");
        Tensor idx = Tensor.i32(shape(4), 0, 0, 1, -1);
        Calls.of(Op.TORCHAO_UNPERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 4, 4)).in(Ports.PERMUTED_INDICES, idx).attr(Attrs.NUM_TOKENS, 2).rejects("X29");
        Tensor missing = Tensor.i32(shape(4), 0, -1, 2, -1);
        Calls.of(Op.TORCHAO_UNPERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 4, 4)).in(Ports.PERMUTED_INDICES, missing).attr(Attrs.NUM_TOKENS, 3).rejects("X29");
        CallPreconditions.check(permute(6, new long[] {2, 0, 1, 3}, 2, 2, 4).invocation());
    }
}
