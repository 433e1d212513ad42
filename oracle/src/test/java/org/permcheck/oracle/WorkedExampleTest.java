package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.i32;
import static org.permcheck.oracle.Calls.longs;
import static org.permcheck.oracle.Calls.shape;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * docs/sources.md#te-1 worked example, computed by hand from the formulas there: T=5, E=3,
 * R = [[1,1,0],[1,0,1],[0,0,1],[1,1,0],[0,0,0]]; count = [3,2,2], offset = [0,3,5]; unpadded rows
 * 0:(t0,e0) 1:(t1,e0) 2:(t3,e0) 3:(t0,e1) 4:(t3,e1) 5:(t1,e2) 6:(t2,e2). With A=4: target [4,4,4],
 * pad_offsets [0,1,3]; te-jax buffer 16 rows, torch-mask-pad 12 rows. row_id_map rows from TE 2.1.
 */
class WorkedExampleTest {
    static final Tensor ROUTING = i32(shape(5, 3), 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0);
    static final Tensor INP = Calls.tokens(DType.F32, 5, 2); // row t = [10t+1, 10t+2]

    /** Token of each unpadded row, by hand (D1). */
    static final int[] UNPADDED_TOKENS = {0, 1, 3, 0, 3, 1, 2};
    /** Token of each padded row (A=4), -1 = zero row (P2, P3). */
    static final int[] PADDED_TOKENS = {0, 1, 3, -1, 0, 3, -1, -1, 1, 2, -1, -1};

    static Expected dispatch(Profile profile, Long align, long numOut) {
        Calls c = Calls.of(Op.DISPATCH).profile(profile).in("inp", INP).in("routing_map", ROUTING).attr("num_out_tokens", numOut);
        if (align != null) c.attr("align_size", align);
        return c.run();
    }

    static void assertRows(Tensor out, int[] tokens) {
        for (int r = 0; r < tokens.length; r++) {
            if (tokens[r] < 0) {
                assertEquals(0L, out.bits(r, 0) | out.bits(r, 1), "row " + r + " is a zero padding row");
            } else {
                assertTrue(out.rowEquals(r, INP, tokens[r]), "row " + r + " holds token " + tokens[r]);
            }
        }
    }

    @Test
    void rule_D1_D2_unpaddedRowsByHand() {
        Expected x = dispatch(Profile.TE_JAX, null, 7);
        Tensor out = x.values().get("output");
        assertArrayEquals(shape(7, 2), out.shape());
        assertRows(out, UNPADDED_TOKENS);
        assertFalse(x.values().containsKey("pad_offsets"), "P4: no pad_offsets without padding");
        assertFalse(x.specified().containsKey("output"), "D5: all 7 rows are used");
    }

    @Test
    void rule_M1_M2_M3_M4_M5_rowIdMapRowsFromTe21() {
        Expected x = dispatch(Profile.TE_JAX, null, 7);
        Tensor map = x.values().get("row_id_map");
        Tensor valid = x.specified().get("row_id_map");
        assertEquals(DType.I32, map.dtype());
        assertArrayEquals(shape(5, 7), map.shape());
        // TE 2.1: [3,0,r, 1,0,r, 2], [5,1,r, 2,0,r, 2], [6,r,r, 2,r,r, 1], [4,2,r, 1,0,r, 2], [r,r,r, r,r,r, 0]
        long r = Long.MIN_VALUE;
        long[][] rows = {{3, 0, r, 1, 0, r, 2}, {5, 1, r, 2, 0, r, 2}, {6, r, r, 2, r, r, 1}, {4, 2, r, 1, 0, r, 2}, {r, r, r, r, r, r, 0}};
        for (int t = 0; t < 5; t++) {
            for (int c = 0; c < 7; c++) {
                boolean specified = rows[t][c] != r;
                assertEquals(specified ? 1 : 0, valid.getLong(t, c), "mask at [" + t + "," + c + "]");
                if (specified) assertEquals(rows[t][c], map.getLong(t, c), "row_id_map[" + t + "," + c + "]");
            }
        }
    }

    @Test
    void rule_N1_countsUnpaddedAndAligned() {
        assertArrayEquals(new long[] {3, 2, 2}, longs(dispatch(Profile.TE_JAX, null, 7).values().get("tokens_per_expert")));
        Tensor aligned = dispatch(Profile.TE_JAX, 4L, 7).values().get("tokens_per_expert");
        assertEquals(DType.I32, aligned.dtype());
        assertArrayEquals(new long[] {4, 4, 4}, longs(aligned));
        Tensor torch = dispatch(Profile.TORCH_MASK_PAD, 4L, 7).values().get("tokens_per_expert");
        assertEquals(DType.I64, torch.dtype());
        assertArrayEquals(new long[] {4, 4, 4}, longs(torch));
    }

    @Test
    void rule_P1_P2_P3_teJaxSixteenRowBuffer() {
        Expected x = dispatch(Profile.TE_JAX, 4L, 7);
        Tensor out = x.values().get("output");
        assertArrayEquals(shape(16, 2), out.shape(), "W = ((7 + 3*3) // 4) * 4 = 16");
        assertRows(out, PADDED_TOKENS);
        for (int row = 12; row < 16; row++) assertEquals(0L, out.bits(row, 0) | out.bits(row, 1), "tail row " + row + " is zero");
        Tensor po = x.values().get("pad_offsets");
        assertEquals(DType.I32, po.dtype());
        assertArrayEquals(new long[] {0, 1, 3}, longs(po));
        assertTrue(x.specified().get("output") == null, "a padded buffer has no unspecified rows");
        // M2: the map keeps UNPADDED destinations even when padding
        assertEquals(3, x.values().get("row_id_map").getLong(0, 0));
    }

    @Test
    void rule_P3_P4_torchMaskPadTwelveRowBuffer() {
        Expected x = dispatch(Profile.TORCH_MASK_PAD, 4L, 7);
        Tensor out = x.values().get("output");
        assertArrayEquals(shape(12, 2), out.shape(), "exactly sum(target) = 12 rows");
        assertRows(out, PADDED_TOKENS);
        Tensor po = x.values().get("pad_offsets");
        assertEquals(DType.I64, po.dtype());
        assertArrayEquals(new long[] {0, 1, 3}, longs(po));
    }

    @Test
    void rule_D4_permutedProbsFollowTheRowsAndAreZeroOnPadding() {
        Tensor probs = Calls.f32(shape(5, 3), .1f, .2f, 0f, .3f, 0f, .4f, 0f, 0f, .5f, .6f, .7f, 0f, 0f, 0f, 0f);
        Expected x = Calls.of(Op.DISPATCH).in("inp", INP).in("routing_map", ROUTING).in("probs", probs)
                .attr("num_out_tokens", 7).attr("align_size", 4).run();
        Tensor pp = x.values().get("permuted_probs");
        assertArrayEquals(shape(16), pp.shape());
        // rows: e0 (t0,t1,t3) pad, e1 (t0,t3) pad pad, e2 (t1,t2) pad pad, tail
        float[] want = {.1f, .3f, .6f, 0, .2f, .7f, 0, 0, .4f, .5f, 0, 0, 0, 0, 0, 0};
        for (int r = 0; r < 16; r++) assertEquals(Float.floatToRawIntBits(want[r]) & 0xFFFFFFFFL, pp.bits(r), "permuted_probs[" + r + "]");
    }
}
