package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.f32;
import static org.permcheck.oracle.Calls.longs;
import static org.permcheck.oracle.Calls.shape;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Profile;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.tensor.DType;

/**
 * The published layout view ({@link Oracle#layout}) on the worked example of {@link WorkedExampleTest}
 * (T=5, E=3, count [3,2,2]; A=4: target [4,4,4], pad_offsets [0,1,3]); every expected value is the
 * hand computation written in that class's javadoc.
 */
class LayoutViewTest {
    static GroupLayout view(Profile profile, Long align, long numOut) {
        Calls c = Calls.of(Op.DISPATCH).profile(profile).in("inp", WorkedExampleTest.INP)
                .in("routing_map", WorkedExampleTest.ROUTING).attr("num_out_tokens", numOut);
        if (align != null) c.attr("align_size", align);
        return Oracle.layout(c.invocation()).orElseThrow();
    }

    /** row -> token, expert by hand: unpadded rows 0-2 are e0, 3-4 e1, 5-6 e2 (D1); the tail rows 7-9 are unused (D5). */
    @Test
    void rule_D1_D5_unpaddedViewByHand() {
        GroupLayout l = view(Profile.TE_JAX, null, 10);
        int[] experts = {0, 0, 0, 1, 1, 2, 2, -1, -1, -1};
        assertEquals(10, l.bufferRows());
        assertEquals(7, l.used());
        assertEquals(7, l.sumTarget());
        assertFalse(l.padded());
        for (int r = 0; r < 10; r++) {
            int tok = r < 7 ? WorkedExampleTest.UNPADDED_TOKENS[r] : -1;
            assertEquals(tok, l.token(r), "token of row " + r);
            assertEquals(experts[r], l.expert(r), "expert of row " + r);
            if (tok >= 0) assertEquals(r, l.row(tok, experts[r]), "row(t,e) inverts row " + r);
        }
        assertArrayEquals(new int[] {2, 2, 1, 2, 0}, new int[] {l.n(0), l.n(1), l.n(2), l.n(3), l.n(4)}, "n(t), M4");
        assertEquals(Optional.empty(), l.padOffsets(), "P4: absent unpadded");
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, longs(l.specifiedRows().orElseThrow()), "D5");
    }

    /** P1-P4 by hand; the inverse is a bijection from the 7 routed pairs onto the used rows, pads map to -1. */
    @Test
    void rule_P1_P2_P3_P4_paddedViewByHand() {
        GroupLayout jax = view(Profile.TE_JAX, 4L, 7);
        assertEquals(16, jax.bufferRows(), "P3 worst case: ceil((7 + 3*3)/4)*4");
        assertEquals(12, jax.sumTarget());
        assertArrayEquals(new long[] {0, 1, 3}, longs(jax.padOffsets().orElseThrow()), "P4");
        assertEquals(Optional.empty(), jax.specifiedRows(), "padded: every row specified");
        GroupLayout torch = view(Profile.TORCH_MASK_PAD, 4L, 7);
        assertEquals(12, torch.bufferRows(), "P3 exact: Σtarget");
        boolean[] hit = new boolean[16];
        int mapped = 0;
        for (int r = 0; r < 16; r++) {
            int tok = r < 12 ? WorkedExampleTest.PADDED_TOKENS[r] : -1;
            assertEquals(tok, jax.token(r), "token of row " + r);
            if (tok < 0) {
                assertEquals(-1, jax.expert(r), "pad/tail row " + r);
                continue;
            }
            assertEquals(r / 4, jax.expert(r), "groups start at 0, 4, 8");
            long back = jax.row(tok, jax.expert(r));
            assertEquals(r, back);
            assertFalse(hit[(int) back], "row hit twice");
            hit[(int) back] = true;
            mapped++;
        }
        assertEquals(7, mapped, "one row per routed pair");
    }

    @Test
    void rule_P4_alignedTorchHasNoPadOffsets() {
        // A=1: every count is a multiple, so torch-mask-pad returns no pad_offsets and te-jax zeros
        assertTrue(view(Profile.TORCH_MASK_PAD, 1L, 7).alreadyAligned());
        assertEquals(Optional.empty(), view(Profile.TORCH_MASK_PAD, 1L, 7).padOffsets());
        assertArrayEquals(new long[] {0, 0, 0}, longs(view(Profile.TE_JAX, 1L, 7).padOffsets().orElseThrow()));
    }

    @Test
    void rule_D3_zeroProbPairs() {
        GroupLayout l = view(Profile.TE_JAX, null, 7);
        // probs zero at the routed (1,2) with -0.0 and at the unrouted (0,2): only the routed one counts
        float[] p = {0.5f, 0.5f, 0f, 0.5f, 0f, -0f, 0f, 0f, 1f, 0.5f, 0.5f, 0f, 0f, 0f, 0f};
        var probs = f32(shape(5, 3), p);
        assertTrue(l.zeroProb(probs, 1, 2));
        assertFalse(l.zeroProb(probs, 0, 2), "not routed");
        assertFalse(l.zeroProb(probs, 0, 0));
        assertTrue(l.anyZeroProb(probs));
        p[5] = 0.5f;
        assertFalse(l.anyZeroProb(f32(shape(5, 3), p)));
    }

    @Test
    void rule_X3_sameMessageAsExpected() {
        Calls c = Calls.of(Op.DISPATCH).profile(Profile.TE_JAX).in("inp", WorkedExampleTest.INP)
                .in("routing_map", WorkedExampleTest.ROUTING).attr("num_out_tokens", 6L);
        PreconditionViolation a = assertThrows(PreconditionViolation.class, () -> Oracle.layout(c.invocation()));
        PreconditionViolation b = assertThrows(PreconditionViolation.class, () -> Oracle.expected(c.invocation()));
        assertEquals(b.getMessage(), a.getMessage());
        assertTrue(a.getMessage().contains("X3"), a.getMessage());
    }

    /** Routes' inverse on the dispatch row_id_map: source row r -> (token, expert) as the unpadded view says. */
    @Test
    void rule_M2_M3_routesInverse() {
        GroupLayout l = view(Profile.TE_JAX, null, 9);
        RowIdMap.Routes routes = RowIdMap.read(RowIdMap.build(l.table()), Optional.empty(), 9);
        for (int r = 0; r < 9; r++) {
            assertEquals(l.token(r), routes.sourceToken(r), "token of source row " + r);
            assertEquals(l.expert(r), routes.sourceExpert(r), "expert of source row " + r);
        }
    }

    /**
     * {@link Oracle#routes} of a combine fed the A=4 te-jax dispatch's row_id_map and pad_offsets: the
     * source rows are the padded rows (PADDED_TOKENS by hand), the 4 tail rows and rows outside the
     * 16-row buffer name no token; n(t) and routed(t,e) as the routing map says; dispatch has no routes.
     */
    @Test
    void rule_C4_routesOfAPaddedCombine() {
        Expected d = WorkedExampleTest.dispatch(Profile.TE_JAX, 4L, 7);
        Invocation combine = Calls.of(Op.COMBINE).in("inp", Calls.tokens(DType.F32, 16, 2))
                .in("row_id_map", d.values().get("row_id_map")).in("pad_offsets", d.values().get("pad_offsets")).invocation();
        RowIdMap.Routes r = Oracle.routes(combine).orElseThrow();
        for (int row = -1; row <= 16; row++) {
            int tok = row >= 0 && row < 12 ? WorkedExampleTest.PADDED_TOKENS[row] : -1;
            assertEquals(tok, r.sourceToken(row), "token of source row " + row);
            assertEquals(tok < 0 ? -1 : row / 4, r.sourceExpert(row), "expert of source row " + row);
        }
        assertArrayEquals(new int[] {2, 2, 1, 2, 0}, new int[] {r.count(0), r.count(1), r.count(2), r.count(3), r.count(4)}, "n(t), M4");
        assertTrue(r.routed(1, 2));
        assertFalse(r.routed(1, 1));
        assertFalse(r.routed(4, 0), "token 4 is routed nowhere");
        assertEquals(-1, view(Profile.TE_JAX, 4L, 7).token(16), "outside the buffer");
        assertEquals(-1, view(Profile.TE_JAX, 4L, 7).expert(-1), "outside the buffer");
        assertEquals(Optional.empty(), Oracle.routes(Calls.of(Op.DISPATCH).in("inp", WorkedExampleTest.INP)
                .in("routing_map", WorkedExampleTest.ROUTING).attr("num_out_tokens", 7L).invocation()));
    }
}
