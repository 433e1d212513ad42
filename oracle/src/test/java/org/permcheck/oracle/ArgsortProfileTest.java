package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.permcheck.oracle.Calls.longs;
import static org.permcheck.oracle.Calls.shape;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.CallPreconditions;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Profile maxtext (docs/spec.md J1-J4, X19-X21): MaxText's argsort permute worked by hand, with and without
 * a roll, and every precondition refused with its rule by the oracle and by CallPreconditions alike.
 * Expected values: the flat ids sorted stably by hand (a sort by (id, flat index)), not by the oracle.
 */
class ArgsortProfileTest {

    /** T=3, K=2, E=4: ids [[2,0],[1,2],[3,2]], weights [[.25,.75],[.5,.5],[1,.125]]; inp rows 1, 11, 21. */
    private static Calls worked() {
        return Calls.of(Op.DISPATCH).profile(Profile.MAXTEXT)
                .in(Ports.INP, Calls.tokens(DType.F32, 3, 1))
                .in(Ports.TOPK_IDS, Calls.i32(shape(3, 2), 2, 0, 1, 2, 3, 2))
                .in(Ports.TOPK_WEIGHTS, Calls.f32(shape(3, 2), 0.25f, 0.75f, 0.5f, 0.5f, 1.0f, 0.125f))
                .attr(Attrs.NUM_EXPERTS, 4).attr(Attrs.NUM_OUT_TOKENS, 6);
    }

    private static float[] column(Tensor t) {
        float[] v = new float[(int) t.dim(0)];
        for (int r = 0; r < v.length; r++) v[r] = t.getF32(r, 0);
        return v;
    }

    @Test
    void rule_J1_J2_J3_workedArgsortByHand() {
        Expected x = worked().run();
        // flat ids f0..f5 = 2 0 1 2 3 2; stable argsort: id0 {f1}, id1 {f2}, id2 {f0, f3, f5}, id3 {f4}
        assertArrayEquals(new long[] {1, 2, 0, 3, 5, 4}, longs(x.values().get(Ports.SORTED_SELECTED_EXPERTS)));
        assertEquals(DType.I32, x.values().get(Ports.SORTED_SELECTED_EXPERTS).dtype());
        // J1: T*K = 6 rows, row r = inp[f / K]: tokens 0 1 0 1 2 2, every row specified (no D5 tail)
        assertArrayEquals(new float[] {1, 11, 1, 11, 21, 21}, column(x.values().get(Ports.OUTPUT)));
        assertFalse(x.specified().containsKey(Ports.OUTPUT));
        // J2: group_sizes = bincount(flat, length E) in int32
        assertArrayEquals(new long[] {1, 1, 3, 1}, longs(x.values().get(Ports.TOKENS_PER_EXPERT)));
        assertEquals(DType.I32, x.values().get(Ports.TOKENS_PER_EXPERT).dtype());
        // the weights travel with their slots: w[f] at the row of f
        assertArrayEquals(new float[] {0.75f, 0.5f, 0.25f, 0.5f, 0.125f, 1.0f}, column(x.values().get(Ports.PERMUTED_PROBS)));
        assertFalse(x.values().containsKey(Ports.PAD_OFFSETS));
    }

    @Test
    void rule_J4_rollRelabelsBeforeTheSort() {
        Expected x = worked().attr(Attrs.ROLL_TO_EXPERT_ID, 1).run();
        // rolled (id - 1) mod 4: f0..f5 = 1 3 0 1 2 1; groups g0 {f2}, g1 {f0, f3, f5}, g2 {f4}, g3 {f1}
        assertArrayEquals(new long[] {2, 0, 3, 5, 4, 1}, longs(x.values().get(Ports.SORTED_SELECTED_EXPERTS)));
        assertArrayEquals(new float[] {11, 1, 11, 21, 21, 1}, column(x.values().get(Ports.OUTPUT)));
        // group g counts expert (g + 1) mod 4: [1, 3, 1, 1], not the unrolled [1, 1, 3, 1]
        assertArrayEquals(new long[] {1, 3, 1, 1}, longs(x.values().get(Ports.TOKENS_PER_EXPERT)));
        // row_id_map is the rolled table's: t0's rolled experts {3, 1} at rows 5 and 1, descending (M2, M3)
        Tensor m = x.values().get(Ports.ROW_ID_MAP);
        assertArrayEquals(new long[] {5, 1, 3, 1, 2}, new long[] {m.getLong(0, 0), m.getLong(0, 1), m.getLong(0, 4), m.getLong(0, 5), m.getLong(0, 8)});
    }

    @Test
    void rule_J1_J3_everyOutputWithinItsPortsBound() {
        Invocation inv = worked().attr(Attrs.ROLL_TO_EXPERT_ID, 3).invocation();
        for (java.util.Map.Entry<String, Tensor> e : Oracle.expected(inv).values().entrySet()) {
            long bound = Op.DISPATCH.output(e.getKey()).shape().maxElements(inv);
            assertEquals(true, e.getValue().numel() <= bound, e.getKey() + ": " + e.getValue().numel() + " elements, bound " + bound);
        }
        assertEquals(6, Op.DISPATCH.output(Ports.SORTED_SELECTED_EXPERTS).shape().maxElements(inv)); // T*K
    }

    @Test
    void rule_J4_rollZeroIsNoRoll() {
        Expected plain = worked().run(), zero = worked().attr(Attrs.ROLL_TO_EXPERT_ID, 0).run();
        for (String p : plain.values().keySet()) assertEquals(true, plain.values().get(p).bitEquals(zero.values().get(p)), p);
    }

    @Test
    void rule_J3_teProfilesReturnNoArgsortPermutation() {
        Calls te = Calls.of(Op.DISPATCH)
                .in(Ports.INP, Calls.tokens(DType.F32, 3, 1))
                .in(Ports.TOPK_IDS, Calls.i32(shape(3, 2), 2, 0, 1, 2, 3, 2))
                .attr(Attrs.NUM_EXPERTS, 4).attr(Attrs.NUM_OUT_TOKENS, 6);
        Expected x = te.run();
        assertFalse(x.values().containsKey(Ports.SORTED_SELECTED_EXPERTS));
        // the same rows as maxtext's: with distinct ids in a row (X10) (expert, token, slot) is D1's order
        assertEquals(true, x.values().get(Ports.OUTPUT).bitEquals(worked().run().values().get(Ports.OUTPUT)));
    }

    private static void refused(Calls c, String rule) {
        c.rejects(rule);
        PreconditionViolation v = assertThrows(PreconditionViolation.class, () -> CallPreconditions.check(c.invocation()));
        assertEquals(rule, v.rule(), v.getMessage());
    }

    @Test
    void rule_X19_indexFormOnlyAndNoAlignment() {
        refused(Calls.of(Op.DISPATCH).profile(Profile.MAXTEXT)
                .in(Ports.INP, Calls.tokens(DType.F32, 2, 1))
                .in(Ports.ROUTING_MAP, Calls.i32(shape(2, 2), 1, 0, 0, 1))
                .attr(Attrs.NUM_OUT_TOKENS, 2), "X19");
        refused(worked().attr(Attrs.ALIGN_SIZE, 2), "X19");
    }

    @Test
    void rule_X20_everySlotRoutedAndBufferOfEverySlot() {
        refused(worked().in(Ports.TOPK_IDS, Calls.i32(shape(3, 2), 2, 0, 1, -1, 3, 2)), "X20");
        refused(worked().attr(Attrs.NUM_OUT_TOKENS, 7), "X20");
    }

    @Test
    void rule_X21_rollInRangeAndOnlyInAnArgsortProfile() {
        refused(worked().attr(Attrs.ROLL_TO_EXPERT_ID, 4), "X21");
        refused(worked().attr(Attrs.ROLL_TO_EXPERT_ID, -1), "X21");
        refused(worked().profile(Profile.TE_JAX).attr(Attrs.ROLL_TO_EXPERT_ID, 1), "X21");
        // X10 reads the ids as given: an id = E is refused, not rolled into range
        refused(worked().in(Ports.TOPK_IDS, Calls.i32(shape(3, 2), 2, 0, 1, 2, 4, 2)).attr(Attrs.ROLL_TO_EXPERT_ID, 1), "X10");
    }
}
