package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.longs;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The oracle (counting formulation) against {@link SortedPairsReference} (stable sort of
 * (expert, token) pairs) on 10,000 seeded random cases: every dispatch output of D1-D5, P1-P4,
 * N1, M1-M5 in both profiles, then combine (C1-C3) of the dispatched buffer, and the C5 bound of
 * the bit-faithful value around the f64 reference.
 */
class CrossFormulationTest {
    static final int CASES = 10_000;
    static final DType[] PAYLOADS = {DType.F32, DType.BF16, DType.F16, DType.F8E4M3, DType.F8E5M2};
    static final DType[] PROBS = {DType.F32, DType.BF16, DType.F16};

    @Test
    void rule_D1_D2_D3_D4_D5_P1_P2_P3_P4_N1_M1_M2_M3_M4_M5_C1_C2_C3_C5_twoFormulationsAgree() {
        SplittableRandom rnd = new SplittableRandom(20261126L);
        int padded = 0;
        int withProbs = 0;
        int combined = 0;
        for (int k = 0; k < CASES; k++) {
            int nt = rnd.nextInt(11);
            int ne = 1 + rnd.nextInt(6);
            int h = 1 + rnd.nextInt(3);
            DType payload = PAYLOADS[rnd.nextInt(PAYLOADS.length)];
            Profile profile = Profile.ALL.get(rnd.nextInt(Profile.ALL.size()));
            Tensor inp = Tensor.zeros(payload, nt, h);
            boolean finite = rnd.nextBoolean();
            for (long i = 0; i < inp.numel(); i++) {
                if (finite && payload != DType.F8E4M3 && payload != DType.F8E5M2) inp.setF32(i, (float) (rnd.nextDouble() * 8 - 4));
                else inp.setBits(i, rnd.nextLong() & ((1L << (8 * payload.size())) - 1)); // any bits, NaN payloads included
            }
            int density = 1 + rnd.nextInt(4);
            Tensor routing = Tensor.zeros(rnd.nextBoolean() ? DType.I32 : DType.BOOL, nt, ne);
            long used = 0;
            for (long i = 0; i < routing.numel(); i++) {
                if (rnd.nextInt(density + 1) == 0) { routing.setLong(i, 1); used++; }
            }
            Tensor probs = null;
            if (rnd.nextBoolean()) {
                probs = Tensor.zeros(PROBS[rnd.nextInt(PROBS.length)], nt, ne);
                for (long i = 0; i < probs.numel(); i++) {
                    int kind = rnd.nextInt(8);
                    if (kind == 0) probs.setF32(i, 0f);
                    else if (kind == 1) probs.setF32(i, -0f);
                    else probs.setF32(i, (float) rnd.nextDouble());
                }
                withProbs++;
            }
            long align = profile.paddingRequired() || rnd.nextBoolean() ? 1 + rnd.nextInt(5) : 0;
            long numOut = Math.max(1, used + rnd.nextInt(4));

            Calls call = Calls.of(Op.DISPATCH).profile(profile).in("inp", inp).in("routing_map", routing).attr("num_out_tokens", numOut);
            if (probs != null) call.in("probs", probs);
            if (align > 0) { call.attr("align_size", align); padded++; }
            Expected x = call.run();
            SortedPairsReference.Dispatched ref = SortedPairsReference.dispatch(inp, routing, probs, numOut, align, profile);
            String where = "case " + k + " " + call.invocation().describe();

            // D1-D5, P2, P3: the buffer, compared on the rows the oracle declares specified
            Tensor out = x.values().get("output");
            assertArrayEquals(ref.output().shape(), out.shape(), where);
            Tensor rowMask = x.specified().get("output");
            for (long r = 0; r < out.dim(0); r++) {
                boolean specified = rowMask == null || rowMask.getLong(r) == 1;
                assertEquals(r < ref.usedRows(), specified, where + " row " + r + " specified?");
                if (specified) assertTrue(out.rowEquals(r, ref.output(), r), where + " output row " + r);
            }
            // D4
            assertEquals(probs != null, x.values().containsKey("permuted_probs"), where);
            if (probs != null) {
                Tensor pp = x.values().get("permuted_probs");
                for (long r = 0; r < ref.usedRows(); r++) assertEquals(ref.permutedProbs().bits(r, 0), pp.bits(r), where + " permuted_probs " + r);
            }
            // M1-M5
            Tensor map = x.values().get("row_id_map");
            Tensor valid = x.specified().get("row_id_map");
            assertEquals(DType.I32, map.dtype());
            for (int t = 0; t < nt; t++) {
                long[] want = ref.rowIdMapValid()[t];
                int n = (want.length - 1) / 2;
                for (int c = 0; c <= 2 * ne; c++) {
                    boolean isValid = c < n || (c >= ne && c < ne + n) || c == 2 * ne;
                    assertEquals(isValid ? 1 : 0, valid.getLong(t, c), where + " mask [" + t + "," + c + "]");
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(want[i], map.getLong(t, i), where + " row_id_map[" + t + "," + i + "]");
                    assertEquals(want[n + i], map.getLong(t, ne + i), where + " row_id_map[" + t + "," + (ne + i) + "]");
                }
                assertEquals(n, map.getLong(t, 2L * ne), where);
            }
            // N1, P1, P4
            Tensor tpe = x.values().get("tokens_per_expert");
            assertEquals(profile.countsDtype(), tpe.dtype(), where);
            assertArrayEquals(ref.tokensPerExpert(), longs(tpe), where);
            boolean alreadyAligned = true; // target[e] == count[e] for every e (second formulation's targets vs raw counts)
            for (int e = 0; e < ne; e++) if (ref.tokensPerExpert()[e] != countOf(routing, e)) alreadyAligned = false;
            boolean wantPadOffsets = align > 0 && (profile.padOffsetsWhenAligned() || !alreadyAligned);
            assertEquals(wantPadOffsets, x.values().containsKey("pad_offsets"), where);
            if (wantPadOffsets) assertArrayEquals(ref.padOffsets(), longs(x.values().get("pad_offsets")), where);

            // C1-C3, C5: combine the buffer back with random merging probs
            if (payload == DType.F8E4M3 || payload == DType.F8E5M2 || !finite) continue;
            combined++;
            Tensor mp = Tensor.zeros(DType.F32, nt, ne);
            for (long i = 0; i < mp.numel(); i++) mp.setF32(i, (float) rnd.nextDouble());
            Calls comb = Calls.of(Op.COMBINE).profile(profile).in("inp", out).in("row_id_map", map).in("merging_probs", mp);
            if (wantPadOffsets) comb.in("pad_offsets", x.values().get("pad_offsets"));
            Expected c = comb.run();
            Tensor got = c.values().get("output");
            Tensor want = SortedPairsReference.combine(out, routing, ref.rowOfPair(), mp, profile.fusedMultiplyAdd());
            assertTrue(want.bitEquals(got), where + " combine");
            double tol = Math.pow(eps(payload), 2.0 / 3.0);
            for (long i = 0; i < got.numel(); i++) {
                double r = c.reference().get("output").getF64(i);
                double bound = tol + tol * Math.abs(r) + c.reference().get("output.slack").getF64(i);
                assertTrue(Math.abs(got.getF64(i) - r) <= bound, where + " C5 element " + i);
            }
        }
        // the generator must exercise every branch often
        assertTrue(padded > CASES / 3 && withProbs > CASES / 3 && combined > CASES / 10,
                "padded " + padded + ", with probs " + withProbs + ", combined " + combined);
        assertFalse(CASES < 10_000);
    }

    private static long countOf(Tensor routing, int e) {
        long c = 0;
        for (int t = 0; t < routing.dim(0); t++) c += routing.getLong(t, e);
        return c;
    }

    static double eps(DType d) {
        switch (d) {
            case F32: return 0x1p-23;
            case F16: return 0x1p-10;
            case BF16: return 0x1p-7;
            default: throw new IllegalArgumentException(d.toString());
        }
    }
}
