package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.longs;
import static org.permcheck.oracle.Calls.shape;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.CallPreconditions;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The index form of token_dispatch (docs/spec.md I1-I4, X9, X10): a worked example computed by hand,
 * the same call in both forms giving the same bits, and every precondition refused with its rule
 * (by the oracle and by CallPreconditions alike).
 */
class IndexFormTest {
    private static final float NAN = Float.NaN;

    /** T=4, E=3, k=2: t0 -> {2 (w .25), 0 (w .75)}, t1 -> {1 (w .5), -1}, t2 -> {0 (w 0.0), 2 (w 1)}, t3 -> {-1, -1}. */
    private static Calls worked() {
        return Calls.of(Op.DISPATCH)
                .in(Ports.INP, Calls.tokens(DType.F32, 4, 2))
                .in(Ports.TOPK_IDS, Calls.i32(shape(4, 2), 2, 0, 1, -1, 0, 2, -1, -1))
                .in(Ports.TOPK_WEIGHTS, Calls.f32(shape(4, 2), 0.25f, 0.75f, 0.5f, NAN, 0.0f, 1.0f, NAN, NAN))
                .attr(Attrs.NUM_EXPERTS, 3).attr(Attrs.NUM_OUT_TOKENS, 5);
    }

    @Test
    void rule_I1_I2_I3_I4_workedExampleByHand() {
        Expected x = worked().run();
        // counts e0 {t0,t2} = 2, e1 {t1} = 1, e2 {t0,t2} = 2; offsets 0, 2, 3; the -1 slots count nowhere (I4)
        assertArrayEquals(new long[] {2, 1, 2}, longs(x.values().get(Ports.TOKENS_PER_EXPERT)));
        assertEquals(DType.I32, x.values().get(Ports.TOKENS_PER_EXPERT).dtype());
        // rows: e0 = [t0, t2], e1 = [t1], e2 = [t0, t2] (I2: ascending t inside a group); t2's weight for e0 is 0.0 (D3: +0.0 row)
        Tensor out = x.values().get(Ports.OUTPUT);
        float[][] rows = {{1, 2}, {0, 0}, {11, 12}, {1, 2}, {21, 22}};
        for (int r = 0; r < 5; r++) for (int h = 0; h < 2; h++) assertEquals(rows[r][h], out.getF32(r, h), "row " + r);
        // I3: each row's weight is the slot's that names its expert: (t0,e0) is slot 1 = .75, (t0,e2) slot 0 = .25
        Tensor pp = x.values().get(Ports.PERMUTED_PROBS);
        float[] w = {0.75f, 0.0f, 0.5f, 0.25f, 1.0f};
        for (int r = 0; r < 5; r++) assertEquals(w[r], pp.getF32(r, 0), "permuted_probs row " + r);
        // M2-M4 unchanged by the form: descending expert order, not slot order
        Tensor m = x.values().get(Ports.ROW_ID_MAP);
        assertArrayEquals(new long[] {3, 0}, new long[] {m.getLong(0, 0), m.getLong(0, 1)});
        assertArrayEquals(new long[] {2, 0, 2}, new long[] {m.getLong(0, 3), m.getLong(0, 4), m.getLong(0, 6)});
        assertArrayEquals(new long[] {2, 1, 1}, new long[] {m.getLong(1, 0), m.getLong(1, 3), m.getLong(1, 6)});
        assertArrayEquals(new long[] {4, 1, 2, 0, 2}, new long[] {m.getLong(2, 0), m.getLong(2, 1), m.getLong(2, 3), m.getLong(2, 4), m.getLong(2, 6)});
        assertEquals(0, m.getLong(3, 6));
    }

    @Test
    void rule_I4_minusOneIsNoExpertNeverTheLastOne() {
        // a token whose only slot is -1 (weight NaN): no row, expert E-1 keeps its count, the NaN is never read
        Expected x = Calls.of(Op.DISPATCH)
                .in(Ports.INP, Calls.tokens(DType.F32, 2, 1))
                .in(Ports.TOPK_IDS, Calls.i32(shape(2, 1), -1, 1))
                .in(Ports.TOPK_WEIGHTS, Calls.f32(shape(2, 1), NAN, 0.5f))
                .attr(Attrs.NUM_EXPERTS, 2).attr(Attrs.NUM_OUT_TOKENS, 1).run();
        assertArrayEquals(new long[] {0, 1}, longs(x.values().get(Ports.TOKENS_PER_EXPERT)));
        assertEquals(11f, x.values().get(Ports.OUTPUT).getF32(0, 0));
        assertEquals(0.5f, x.values().get(Ports.PERMUTED_PROBS).getF32(0, 0));
        assertEquals(0, x.values().get(Ports.ROW_ID_MAP).getLong(0, 4));
    }

    @Test
    void rule_I2_slotOrderInsideARowDoesNotMoveRowsButWeightsTravelWithTheirSlots() {
        Tensor inp = Calls.tokens(DType.F32, 1, 1);
        Expected a = Calls.of(Op.DISPATCH).in(Ports.INP, inp).in(Ports.TOPK_IDS, Calls.i32(shape(1, 2), 0, 1))
                .in(Ports.TOPK_WEIGHTS, Calls.f32(shape(1, 2), 0.25f, 0.75f)).attr(Attrs.NUM_EXPERTS, 2).attr(Attrs.NUM_OUT_TOKENS, 2).run();
        Expected b = Calls.of(Op.DISPATCH).in(Ports.INP, inp).in(Ports.TOPK_IDS, Calls.i32(shape(1, 2), 1, 0))
                .in(Ports.TOPK_WEIGHTS, Calls.f32(shape(1, 2), 0.75f, 0.25f)).attr(Attrs.NUM_EXPERTS, 2).attr(Attrs.NUM_OUT_TOKENS, 2).run();
        for (String port : a.values().keySet()) assertTrue(a.values().get(port).bitEquals(b.values().get(port)), port);
        assertEquals(0.25f, a.values().get(Ports.PERMUTED_PROBS).getF32(0, 0));
        assertEquals(0.75f, a.values().get(Ports.PERMUTED_PROBS).getF32(1, 0));
    }

    /** I1: the index form and the mask form of the same assignment, built here by hand, give the same bits in every output and mask. */
    @Test
    void rule_I1_I3_bothFormsOfOneTableAgreeBitForBit() {
        Random rnd = new Random(14);
        for (int trial = 0; trial < 200; trial++) {
            int t = 1 + rnd.nextInt(7), e = 1 + rnd.nextInt(6), k = 1 + rnd.nextInt(e), h = 1 + rnd.nextInt(3);
            long[] ids = new long[t * k];
            float[] w = new float[t * k];
            Tensor routing = Tensor.zeros(DType.I32, t, e);
            Tensor probs = Tensor.zeros(DType.BF16, t, e);
            long used = 0;
            for (int i = 0; i < t; i++) {
                int[] perm = rnd.ints(0, e).distinct().limit(k).toArray();
                for (int j = 0; j < k; j++) {
                    boolean none = rnd.nextInt(4) == 0;
                    ids[i * k + j] = none ? -1 : perm[j];
                    w[i * k + j] = rnd.nextInt(5) == 0 ? 0.0f : rnd.nextFloat();
                    if (!none) {
                        routing.setLong(i, perm[j], 1);
                        probs.setF32(i, perm[j], w[i * k + j]);
                        used++;
                    }
                }
            }
            Tensor inp = Tensor.zeros(DType.F16, t, h);
            for (int i = 0; i < t; i++) for (int c = 0; c < h; c++) inp.setF32(i, c, rnd.nextFloat() - 0.5f);
            long numOut = used + rnd.nextInt(3);
            if (numOut == 0) numOut = 1;
            Calls index = Calls.of(Op.DISPATCH).in(Ports.INP, inp).in(Ports.TOPK_IDS, Tensor.i32(shape(t, k), ids))
                    .in(Ports.TOPK_WEIGHTS, Tensor.ofFloats(DType.BF16, shape(t, k), w)).attr(Attrs.NUM_EXPERTS, e).attr(Attrs.NUM_OUT_TOKENS, numOut);
            Calls mask = Calls.of(Op.DISPATCH).in(Ports.INP, inp).in(Ports.ROUTING_MAP, routing).in(Ports.PROBS, probs).attr(Attrs.NUM_OUT_TOKENS, numOut);
            if (trial % 2 == 1) {
                index.attr(Attrs.ALIGN_SIZE, 1 + rnd.nextInt(4)).profile(Profile.TORCH_MASK_PAD);
                mask.attr(Attrs.ALIGN_SIZE, index.invocation().attr(Attrs.ALIGN_SIZE)).profile(Profile.TORCH_MASK_PAD);
            }
            Expected a = index.run(), b = mask.run();
            assertEquals(b.values().keySet(), a.values().keySet());
            for (String port : b.values().keySet()) assertTrue(b.values().get(port).bitEquals(a.values().get(port)), "trial " + trial + " " + port);
            assertEquals(b.specified().keySet(), a.specified().keySet());
            for (String port : b.specified().keySet()) assertTrue(b.specified().get(port).bitEquals(a.specified().get(port)), "trial " + trial + " mask " + port);
            CallPreconditions.check(index.invocation()); // a valid call is accepted by the check-only path too
        }
    }

    @Test
    void withoutWeightsThereIsNoPermutedProbs() {
        Expected x = Calls.of(Op.DISPATCH).in(Ports.INP, Calls.tokens(DType.F32, 2, 1)).in(Ports.TOPK_IDS, Calls.i32(shape(2, 1), 0, 0))
                .attr(Attrs.NUM_EXPERTS, 1).attr(Attrs.NUM_OUT_TOKENS, 2).run();
        assertFalse(x.values().containsKey(Ports.PERMUTED_PROBS));
        assertArrayEquals(new long[] {2}, longs(x.values().get(Ports.TOKENS_PER_EXPERT)));
    }

    /** Asserts the oracle and CallPreconditions refuse the call with {@code rule}. */
    private static void refused(Calls c, String rule) {
        c.rejects(rule);
        PreconditionViolation v = assertThrows(PreconditionViolation.class, () -> CallPreconditions.check(c.invocation()));
        assertEquals(rule, v.rule(), v.getMessage());
    }

    @Test
    void rule_X9_oneFormAtATimeWithItsOwnPorts() {
        Tensor ids = Calls.i32(shape(4, 2), 2, 0, 1, -1, 0, 2, -1, -1);
        refused(worked().in(Ports.ROUTING_MAP, Tensor.zeros(DType.I32, 4, 3)), "X9");                    // both forms
        refused(Calls.of(Op.DISPATCH).in(Ports.INP, Calls.tokens(DType.F32, 4, 2)).attr(Attrs.NUM_OUT_TOKENS, 5), "X9"); // neither
        refused(worked().in(Ports.PROBS, Tensor.zeros(DType.F32, 4, 3)), "X9");                          // mask-form probs
        refused(Calls.of(Op.DISPATCH).in(Ports.INP, Calls.tokens(DType.F32, 4, 2)).in(Ports.TOPK_IDS, ids).attr(Attrs.NUM_OUT_TOKENS, 5), "X9"); // no num_experts
        refused(worked().attr(Attrs.NUM_EXPERTS, 0), "X9");
        refused(worked().in(Ports.TOPK_WEIGHTS, Tensor.zeros(DType.F32, 4, 3)), "X9");                   // weights not [T,k]
        refused(worked().in(Ports.TOPK_IDS, Calls.i32(shape(3, 2), 0, 1, 1, 2, 2, 0)).in(Ports.TOPK_WEIGHTS, Tensor.zeros(DType.F32, 3, 2)), "X9"); // T differs from inp
        refused(worked().in(Ports.TOPK_IDS, Tensor.zeros(DType.I32, 4, 0)).in(Ports.TOPK_WEIGHTS, Tensor.zeros(DType.F32, 4, 0)), "X9"); // k = 0
        Tensor routing = Tensor.zeros(DType.I32, 4, 3);
        routing.setLong(0, 0, 1);
        Calls mask = Calls.of(Op.DISPATCH).in(Ports.INP, Calls.tokens(DType.F32, 4, 2)).in(Ports.ROUTING_MAP, routing).attr(Attrs.NUM_OUT_TOKENS, 1);
        mask.run(); // valid as it stands
        refused(Calls.of(Op.DISPATCH).in(Ports.INP, Calls.tokens(DType.F32, 4, 2)).in(Ports.ROUTING_MAP, routing).attr(Attrs.NUM_OUT_TOKENS, 1).attr(Attrs.NUM_EXPERTS, 3), "X9");
        refused(Calls.of(Op.DISPATCH).in(Ports.INP, Calls.tokens(DType.F32, 4, 2)).in(Ports.ROUTING_MAP, routing).attr(Attrs.NUM_OUT_TOKENS, 1)
                .in(Ports.TOPK_WEIGHTS, Tensor.zeros(DType.F32, 4, 2)), "X9");
        // the dtypes are X5's, as for every index and probability input
        refused(worked().in(Ports.TOPK_IDS, Tensor.zeros(DType.F32, 4, 2)), "X5");
        refused(worked().in(Ports.TOPK_WEIGHTS, Tensor.zeros(DType.I32, 4, 2)), "X5");
    }

    @Test
    void rule_X10_idsAreExpertsOrMinusOneAndDistinctInARow() {
        refused(worked().in(Ports.TOPK_IDS, Calls.i32(shape(4, 2), 3, 0, 1, -1, 0, 2, -1, -1)), "X10"); // id = E
        refused(worked().in(Ports.TOPK_IDS, Calls.i32(shape(4, 2), 2, 0, 1, -2, 0, 2, -1, -1)), "X10"); // id = -2
        refused(worked().in(Ports.TOPK_IDS, Calls.i32(shape(4, 2), 2, 0, 1, 1, 0, 2, -1, -1)), "X10");  // duplicate in row 1
        // -1 twice in a row is two empty slots, not a duplicate
        worked().in(Ports.TOPK_IDS, Calls.i32(shape(4, 2), 2, 0, -1, -1, 0, 2, -1, -1)).run();
    }

    @Test
    void rule_X3_countsOnlyTheRoutedSlots() {
        worked().attr(Attrs.NUM_OUT_TOKENS, 5).run(); // 8 slots, 3 of them -1: 5 routed
        refused(worked().attr(Attrs.NUM_OUT_TOKENS, 4), "X3");
    }

    @Test
    void theLayoutViewReadsTheSameTable() {
        var layout = Oracle.layout(worked().invocation()).orElseThrow();
        assertEquals(5, layout.used());
        assertEquals(2, layout.token(1));
        assertEquals(0, layout.expert(1));
        assertEquals(-1, layout.token(5));
    }
}
