package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.longs;
import static org.permcheck.oracle.Calls.shape;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.CallPreconditions;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core permute / unpermute (docs/spec.md Q1-Q6, X15-X18) on one worked example computed by
 * hand: T=4, E=3, H=2, inp[t] = [10t+1, 10t+2];
 * t0 -> {e0 .5, e2 .5}, t1 -> {e1 .25, e2 .75}, t2 -> {e0 1}, t3 -> {e0 .125, e2 .875}; the one
 * non-routed probability that is not 0 is probs[t0,e1] = .0625 (what a padding row of e1 carries, Q3).
 */
class MegatronPermuteTest {
    static final Tensor MAP = Calls.i32(shape(4, 3), 1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1);
    static final Tensor PROBS = Calls.f32(shape(4, 3), 0.5f, 0.0625f, 0.5f, 0, 0.25f, 0.75f, 1f, 0, 0, 0.125f, 0, 0.875f);

    static Calls permute(long n) {
        return Calls.of(Op.MEGATRON_PERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 4, 2)).in(Ports.ROUTING_MAP, MAP)
                .in(Ports.PROBS, PROBS).attr(Attrs.NUM_OUT_TOKENS, n);
    }

    static void assertRows(Expected x, long[] tokens, float[] probs) {
        assertArrayEquals(tokens, longs(x.values().get(Ports.SORTED_INDICES)));
        assertEquals(DType.I64, x.values().get(Ports.SORTED_INDICES).dtype());
        Tensor out = x.values().get(Ports.OUTPUT);
        for (int r = 0; r < tokens.length; r++) {
            assertEquals(10 * tokens[r] + 1, out.getF32(r, 0), "row " + r);
            assertEquals(10 * tokens[r] + 2, out.getF32(r, 1), "row " + r);
            assertEquals(probs[r], x.values().get(Ports.PERMUTED_PROBS).getF32(r, 0), "permuted_probs row " + r);
        }
    }

    @Test
    void rule_Q1_Q2_droplessRowsInExpertTokenOrder() {
        // e0 = {t0, t2, t3}, e1 = {t1}, e2 = {t0, t1, t3}: row-major positions of the ones of routing_map.T
        Expected x = permute(7).run();
        assertRows(x, new long[] {0, 2, 3, 1, 0, 1, 3}, new float[] {0.5f, 1f, 0.125f, 0.25f, 0.5f, 0.75f, 0.875f});
        assertTrue(x.specified().isEmpty(), "N = N_used: every row specified");
    }

    @Test
    void rule_Q1_rowsPastTheRoutedPairsAreUnspecified() {
        Expected x = permute(9).run();
        assertEquals(9, x.values().get(Ports.SORTED_INDICES).dim(0));
        Tensor mask = x.specified().get(Ports.SORTED_INDICES);
        for (int r = 0; r < 9; r++) assertEquals(r < 7 ? 1 : 0, mask.getLong(r), "row " + r);
        assertEquals(mask, x.specified().get(Ports.OUTPUT));
    }

    @Test
    void rule_Q2_aZeroProbabilityDoesNotZeroTheRow() {
        // unlike D3: Megatron's unfused permute is an index_select of the tokens
        Tensor p = Calls.f32(shape(4, 3), 0f, 0, 0.5f, 0, 0.25f, 0.75f, 1f, 0, 0, 0.125f, 0, 0.875f);
        Expected x = permute(7).in(Ports.PROBS, p).run();
        assertEquals(1f, x.values().get(Ports.OUTPUT).getF32(0, 0));
        assertEquals(0f, x.values().get(Ports.PERMUTED_PROBS).getF32(0, 0));
    }

    @Test
    void rule_Q3_Q4_dropAndPadByPosition() {
        // C = 6 // 3 = 2: e0 keeps t0, t2 (t3 dropped); e1 keeps t1 and pads with t0, the lowest token it
        // does not keep, carrying probs[t0,e1] = .0625; e2 keeps t0, t1 (t3 dropped)
        Expected x = permute(6).attr(Attrs.DROP_AND_PAD, 1).run();
        assertRows(x, new long[] {0, 2, 1, 0, 0, 1}, new float[] {0.5f, 1f, 0.25f, 0.0625f, 0.5f, 0.75f});
        // num_out_tokens = 7 gives the same capacity 7 // 3 = 2
        assertRows(permute(7).attr(Attrs.DROP_AND_PAD, 1).run(), new long[] {0, 2, 1, 0, 0, 1}, new float[] {0.5f, 1f, 0.25f, 0.0625f, 0.5f, 0.75f});
    }

    @Test
    void rule_Q4_dropAndPadByProbs() {
        // e0: 1 (t2) and .5 (t0) beat .125 (t3): kept {t0, t2}, in token order; e2: .875 (t3), .75 (t1) beat .5 (t0)
        Expected x = permute(6).attr(Attrs.DROP_AND_PAD, 1).attr(Attrs.DROP_POLICY, 1).run();
        assertRows(x, new long[] {0, 2, 1, 0, 1, 3}, new float[] {0.5f, 1f, 0.25f, 0.0625f, 0.75f, 0.875f});
    }

    static Calls unpermute(Tensor inp, long[] sorted) {
        return Calls.of(Op.MEGATRON_UNPERMUTE).in(Ports.INP, inp).in(Ports.SORTED_INDICES, Tensor.ofInts(DType.I64, shape(sorted.length), sorted))
                .attr(Attrs.NUM_TOKENS, 4);
    }

    static void assertTokens(Expected x, float[] first) {
        Tensor out = x.values().get(Ports.OUTPUT);
        assertEquals(4, out.dim(0));
        for (int t = 0; t < 4; t++) assertEquals(first[t], out.getF32(t, 0), "token " + t);
        assertTrue(x.reference().containsKey(Ports.OUTPUT) && x.reference().containsKey(Ports.OUTPUT + ".slack"), "C5 reference");
    }

    @Test
    void rule_Q5_droplessUnpermuteWeighsEachRowWithItsPair() {
        Tensor rows = permute(7).run().values().get(Ports.OUTPUT);
        long[] sorted = {0, 2, 3, 1, 0, 1, 3};
        // t0: .5 x0 + .5 x0; t1: .25 x1 + .75 x1; t2: 1 x2; t3: .125 x3 + .875 x3: the tokens come back
        assertTokens(unpermute(rows, sorted).in(Ports.PROBS, PROBS).in(Ports.ROUTING_MAP, MAP).run(), new float[] {1, 11, 21, 31});
        // no probs: a plain scatter-add, t0 twice
        assertTokens(unpermute(rows, sorted).run(), new float[] {2, 22, 21, 62});
    }

    @Test
    void rule_Q5_Q6_dropAndPadUnpermute() {
        Tensor rows = permute(6).attr(Attrs.DROP_AND_PAD, 1).run().values().get(Ports.OUTPUT);
        // rows [t0 t2 | t1 t0 | t0 t1], expert r // 2: t0 = (.5 + .0625 + .5) x0, t1 = (.25 + .75) x1, t2 = x2,
        // t3 (dropped twice) no row: exactly +0.0 (Q6)
        Expected x = unpermute(rows, new long[] {0, 2, 1, 0, 0, 1}).in(Ports.PROBS, PROBS).in(Ports.ROUTING_MAP, MAP)
                .attr(Attrs.DROP_AND_PAD, 1).run();
        assertTokens(x, new float[] {1.0625f, 11, 21, 0});
        assertEquals(0, x.values().get(Ports.OUTPUT).bits(3, 1));
        assertEquals(0.0, x.reference().get(Ports.OUTPUT + ".slack").getF64(3, 0));
        // Oracle.routes lists the rows of each token (ascending) for the checks
        var routes = Oracle.routes(unpermute(rows, new long[] {0, 2, 1, 0, 0, 1}).invocation()).orElseThrow();
        assertEquals(3, routes.count(0));
        assertEquals(0, routes.count(3));
        assertEquals(4, routes.source(0, 2));
    }

    static void refused(Calls c, String rule) {
        PreconditionViolation v = assertThrows(PreconditionViolation.class, c::run);
        assertEquals(rule, v.rule(), v.getMessage());
        PreconditionViolation w = assertThrows(PreconditionViolation.class, () -> CallPreconditions.check(c.invocation()));
        assertEquals(rule, w.rule(), w.getMessage());
    }

    @Test
    void rule_X15_numOutTokensCoversTheRoutedPairs() {
        refused(permute(6), "X15");
        refused(permute(13), "X15"); // above the T*E = 12 cells
        permute(12).run();
        refused(Calls.of(Op.MEGATRON_PERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 4, 2)).in(Ports.ROUTING_MAP, MAP), "X15");
        CallPreconditions.check(permute(7).invocation());
    }

    @Test
    void rule_X16_capacityBetweenOneAndT() {
        refused(permute(2).attr(Attrs.DROP_AND_PAD, 1), "X16");   // C = 0
        refused(permute(15).attr(Attrs.DROP_AND_PAD, 1), "X16");  // C = 5 > T = 4
        refused(permute(7).attr(Attrs.DROP_AND_PAD, 2), "X16");
        permute(12).attr(Attrs.DROP_AND_PAD, 1).run();             // C = T: every token, routed ones first
    }

    @Test
    void rule_X17_dropPolicyNeedsDropAndPadProbsAndAStrictCut() {
        refused(permute(7).attr(Attrs.DROP_POLICY, 1), "X17");
        refused(permute(6).attr(Attrs.DROP_AND_PAD, 1).attr(Attrs.DROP_POLICY, 2), "X17");
        Calls noProbs = Calls.of(Op.MEGATRON_PERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 4, 2)).in(Ports.ROUTING_MAP, MAP)
                .attr(Attrs.NUM_OUT_TOKENS, 6).attr(Attrs.DROP_AND_PAD, 1).attr(Attrs.DROP_POLICY, 1);
        refused(noProbs, "X17");
        // e2's routed probs .5 (t0), .5 (t1), .875 (t3) with C = 2: the cut falls between the two .5
        Tensor tie = Calls.f32(shape(4, 3), 0.5f, 0, 0.5f, 0, 0.25f, 0.5f, 1f, 0, 0, 0.125f, 0, 0.875f);
        refused(permute(6).in(Ports.PROBS, tie).attr(Attrs.DROP_AND_PAD, 1).attr(Attrs.DROP_POLICY, 1), "X17");
        // the same tie under the position policy is no question
        assertFalse(permute(6).in(Ports.PROBS, tie).attr(Attrs.DROP_AND_PAD, 1).run().values().isEmpty());
    }

    @Test
    void rule_X18_unpermuteInputs() {
        Tensor rows = permute(7).run().values().get(Ports.OUTPUT);
        long[] sorted = {0, 2, 3, 1, 0, 1, 3};
        refused(unpermute(rows, new long[] {0, 2, 3, 1, 0, 1, 4}), "X18");                       // token 4 of 4
        refused(unpermute(rows, new long[] {0, 2, 3}), "X18");                                    // 3 indices, 7 rows
        refused(unpermute(rows, sorted).in(Ports.PROBS, PROBS), "X18");                           // no routing_map
        refused(unpermute(rows, new long[] {2, 0, 3, 1, 0, 1, 3}).in(Ports.PROBS, PROBS).in(Ports.ROUTING_MAP, MAP), "X18");
        refused(unpermute(rows, sorted).in(Ports.PROBS, PROBS).in(Ports.ROUTING_MAP, MAP).attr(Attrs.DROP_AND_PAD, 1), "X18"); // 7 % 3
        refused(Calls.of(Op.MEGATRON_UNPERMUTE).in(Ports.INP, rows).in(Ports.SORTED_INDICES, Tensor.ofInts(DType.I64, shape(7), sorted)), "X18");
    }
}
