package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.longs;
import static org.permcheck.oracle.Calls.shape;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.Expected;
import org.permcheck.contract.GroupOrder;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.oracle.align.GroupMultiset;
import org.permcheck.oracle.inference.InferencePermute;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core's inference permute (docs/spec.md V1-V5, X30-X32) on one worked example computed by hand:
 * T=4, K=2, H=2, topk_ids = [[1,0],[2,1],[3,1],[0,-1]], local_expert_start 1, L = 2 (global 1, 2 are local 0, 1),
 * alignment 4. Local pairs: (t0,k0)->0, (t1,k0)->1, (t1,k1)->0, (t2,k1)->0; ids 0, 3 and -1 are skipped.
 * count = [3, 1], aligned [4, 4], inclusive offsets [4, 8], n_used 8; S = 4*min(2,2) + 4*2 = 16.
 */
class InferencePermuteTest {
    static final Tensor IDS = Calls.i32(shape(4, 2), 1, 0, 2, 1, 3, 1, 0, -1);
    /** probs[t,k] = (10t + k + 1)/64, every one distinct. */
    static final Tensor PROBS = Calls.f32(shape(4, 2), 1 / 64f, 2 / 64f, 11 / 64f, 12 / 64f, 21 / 64f, 22 / 64f, 31 / 64f, 32 / 64f);

    static Calls permute() {
        return Calls.of(Op.MCORE_INFERENCE_PERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 4, 2)).in(Ports.TOPK_IDS, IDS).in(Ports.PROBS, PROBS)
                .attr(Attrs.LOCAL_EXPERT_START, 1).attr(Attrs.NUM_LOCAL_EXPERTS, 2).attr(Attrs.ALIGNMENT, 4);
    }

    @Test
    void rule_V1_V2_V3_V4_V5_workedExample() {
        Expected x = permute().run();
        // V3, V4: expert 0's group tokens 0, 1, 2 (ascending, one order of many) and one -1 pad; expert 1's token 1, three pads;
        // rows 8..15 past n_used -1 in the oracle but unspecified (masked)
        assertArrayEquals(new long[] {0, 1, 2, -1, 1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, longs(x.values().get(Ports.PERMUTATION_MAP)));
        assertArrayEquals(new long[] {4, 8}, longs(x.values().get(Ports.INCLUSIVE_OFFSETS))); // V2
        Tensor out = x.values().get(Ports.OUTPUT), probs = x.values().get(Ports.PERMUTED_PROBS);
        assertEquals(16, out.dim(0)); // V1
        assertEquals(2, out.dim(1));
        // V5: row 4 is token 1 (inp row 1 = [11, 12]) with probs[1,0]; row 1 token 1 with probs[1,1]
        assertEquals(11f, out.getF32(4, 0));
        assertEquals(12f, out.getF32(4, 1));
        assertEquals(11 / 64f, probs.getF32(4));
        assertEquals(12 / 64f, probs.getF32(1));
        assertEquals(22 / 64f, probs.getF32(2));
        assertEquals(DType.I32, x.values().get(Ports.PERMUTATION_MAP).dtype());
        assertEquals(DType.I32, x.values().get(Ports.INCLUSIVE_OFFSETS).dtype());
        // the masks: map rows [0, 8) specified, data rows only on the 4 head rows
        Tensor mapMask = x.specified().get(Ports.PERMUTATION_MAP), rowMask = x.specified().get(Ports.OUTPUT);
        for (int r = 0; r < 16; r++) assertEquals(r < 8 ? 1 : 0, mapMask.getLong(r), "map row " + r);
        assertArrayEquals(new long[] {1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, longs(rowMask));
    }

    @Test
    void rule_V3_theGroupIsAMultisetOfTokens() {
        InferencePermute view = InferencePermute.of(permute().invocation());
        assertEquals(GroupOrder.MULTISET, Op.MCORE_INFERENCE_PERMUTE.groupOrder());
        assertEquals(GroupMultiset.of(2, 0, 1), view.group(0), "order-free");
        assertEquals(GroupMultiset.of(1), view.group(1));
        assertEquals(1, view.slot(1, 0), "token 1's pair to local expert 0 is k = 1 (global id 1)");
        assertFalse(view.routed(3, 0), "token 3 routes to no local expert");
    }

    @Test
    void rule_V1_V2_validTokensAndRowAlignment() {
        // valid_tokens 2: only t0, t1 read, count [2, 1], alignment 1: offsets [2, 3]; S = ceil((4*2 + 1*2)/8)*8 = 16
        Expected x = permute().attr(Attrs.ALIGNMENT, 1).attr(Attrs.VALID_TOKENS, 2).attr(Attrs.ROW_ALIGNMENT, 8).run();
        assertArrayEquals(new long[] {2, 3}, longs(x.values().get(Ports.INCLUSIVE_OFFSETS)));
        assertEquals(16, x.values().get(Ports.PERMUTATION_MAP).numel());
        assertArrayEquals(new long[] {0, 1, 1}, java.util.Arrays.copyOf(longs(x.values().get(Ports.PERMUTATION_MAP)), 3));
        // K above L: K = 2, L = 1 (start 2: only global 2 is local): S = 4*min(2,1) + 1*1 = 5, token 1 alone
        Expected y = permute().attr(Attrs.LOCAL_EXPERT_START, 2).attr(Attrs.NUM_LOCAL_EXPERTS, 1).attr(Attrs.ALIGNMENT, 1).run();
        assertArrayEquals(new long[] {1, -1, -1, -1, -1}, longs(y.values().get(Ports.PERMUTATION_MAP)));
        assertArrayEquals(new long[] {1}, longs(y.values().get(Ports.INCLUSIVE_OFFSETS)));
        // valid_tokens 0: nothing read, every group empty, the map wholly unspecified
        Expected z = permute().attr(Attrs.VALID_TOKENS, 0).run();
        assertArrayEquals(new long[] {0, 0}, longs(z.values().get(Ports.INCLUSIVE_OFFSETS)));
        assertTrue(longs(z.specified().get(Ports.PERMUTATION_MAP)).length == 16);
        for (long m : longs(z.specified().get(Ports.PERMUTATION_MAP))) assertEquals(0, m);
    }

    @Test
    void rule_V6_unpermuteWorkedExample() {
        // the worked example's permute answer back (rows past n_used = 8 set to token 0: never read); inp row r = 10r + c + 1
        Tensor map = Calls.i32(shape(16), 0, 1, 2, -1, 1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0);
        Tensor probs = Calls.f32(shape(16), 1 / 64f, 12 / 64f, 22 / 64f, 0, 11 / 64f, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
        Calls u = Calls.of(Op.MCORE_INFERENCE_UNPERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 16, 2)).in(Ports.PERMUTED_PROBS, probs)
                .in(Ports.PERMUTATION_MAP, map).in(Ports.INCLUSIVE_OFFSETS, Calls.i32(shape(2), 4, 8)).attr(Attrs.NUM_TOKENS, 4);
        Expected x = u.run();
        Tensor out = x.values().get(Ports.OUTPUT);
        assertEquals(DType.F32, out.dtype());
        // token 0: row 0 [1, 2] * 1/64; token 1: row 1 [11, 12] * 12/64 + row 4 [41, 42] * 11/64; token 2: row 2 * 22/64; token 3: +0.0
        assertEquals(1 / 64f, out.getF32(0, 0));
        assertEquals((11 * 12 + 41 * 11) / 64f, out.getF32(1, 0));
        assertEquals((12 * 12 + 42 * 11) / 64f, out.getF32(1, 1));
        assertEquals(21 * 22 / 64f, out.getF32(2, 0));
        assertEquals(0, Float.floatToRawIntBits(out.getF32(3, 0)));
        // the band: (n + 2) * 2^-24 * sum |term| for token 1 (n = 2)
        assertEquals(4 * 0x1p-24 * (11 * 12 + 41 * 11) / 64.0, x.reference().get(Ports.OUTPUT + ".slack").getF64(1, 0), 1e-18);
        // valid_tokens 2: rows 2, 3 unspecified, and a map entry 2 in the used rows is then X32
        u.attr(Attrs.VALID_TOKENS, 2).rejects("X32");
        u.attr(Attrs.VALID_TOKENS, 5).rejects("X30");
        u.in(Ports.INCLUSIVE_OFFSETS, Calls.i32(shape(2), 4, 17)).attr(Attrs.VALID_TOKENS, 4).rejects("X32");
    }

    @Test
    void rule_X30_X31_X32_preconditions() {
        permute().attr(Attrs.ALIGNMENT, 0).rejects("X30");
        permute().attr(Attrs.ROW_ALIGNMENT, 0).rejects("X30");
        permute().attr(Attrs.VALID_TOKENS, 5).rejects("X30");
        permute().attr(Attrs.NUM_LOCAL_EXPERTS, 0).rejects("X30");
        Calls.of(Op.MCORE_INFERENCE_PERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 4, 2)).in(Ports.TOPK_IDS, IDS).in(Ports.PROBS, PROBS)
                .attr(Attrs.NUM_LOCAL_EXPERTS, 2).rejects("X30"); // no local_expert_start
        // global 1 twice in row 0 (local): X31; global 0 twice (not local) is skipped, allowed
        permute().in(Ports.TOPK_IDS, Calls.i32(shape(4, 2), 1, 1, 2, 1, 3, 1, 0, -1)).rejects("X31");
        permute().in(Ports.TOPK_IDS, Calls.i32(shape(4, 2), 0, 0, 2, 1, 3, 1, 0, -1)).run();
        // ... and past valid_tokens nothing is read
        permute().in(Ports.TOPK_IDS, Calls.i32(shape(4, 2), 1, 0, 2, 1, 3, 1, 1, 1)).attr(Attrs.VALID_TOKENS, 3).run();
        permute().in(Ports.PROBS, Calls.f32(shape(4, 1), 1, 2, 3, 4)).rejects("X32");
        permute().in(Ports.TOPK_IDS, Calls.i32(shape(3, 2), 1, 0, 2, 1, 3, 1)).rejects("X31");
    }
}
