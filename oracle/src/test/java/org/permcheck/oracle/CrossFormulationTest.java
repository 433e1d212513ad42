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
    /** The profiles that take a routing_map (maxtext takes the index form only, X19; ArgsortProfileTest judges it). */
    private static final java.util.List<Profile> MASK_PROFILES = Profile.ALL.stream().filter(p -> !p.argsortOutputs()).toList();

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
            Profile profile = MASK_PROFILES.get(rnd.nextInt(MASK_PROFILES.size()));
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

    /**
     * G1-G4 against the sorted-pairs formulation on seeded random cases (padded and unpadded, both
     * profiles): dispatch backward as a per-token sum in descending expert order, grad_probs as a
     * gather, combine backward as a scatter and per-pair dot products over h.
     */
    @Test
    void rule_G1_G2_G3_G4_gradientsAgreeWithTheSortedPairs() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int k = 0; k < 2_000; k++) {
            int nt = rnd.nextInt(8);
            int ne = 1 + rnd.nextInt(5);
            int h = 1 + rnd.nextInt(4);
            Profile profile = Profile.ALL.get(rnd.nextInt(2));
            DType payload = PROBS[rnd.nextInt(PROBS.length)];
            Tensor routing = Tensor.zeros(DType.I32, nt, ne);
            long used = 0;
            for (long i = 0; i < routing.numel(); i++) if (rnd.nextInt(3) == 0) { routing.setLong(i, 1); used++; }
            long align = profile.paddingRequired() || rnd.nextBoolean() ? 1 + rnd.nextInt(4) : 0;
            Calls call = Calls.of(Op.DISPATCH).profile(profile).in("inp", Tensor.zeros(payload, nt, h)).in("routing_map", routing)
                    .attr("num_out_tokens", Math.max(1, used));
            if (align > 0) call.attr("align_size", align);
            Expected d = call.run();
            Tensor map = d.values().get("row_id_map");
            Tensor pad = d.values().get("pad_offsets");
            long rows = d.values().get("output").dim(0);
            SortedPairsReference.Dispatched ref = SortedPairsReference.dispatch(Tensor.zeros(payload, nt, h), routing, null, Math.max(1, used), align, profile);
            java.util.List<SortedPairsReference.Pair> pairs = SortedPairsReference.sortedPairs(routing);
            String where = "case " + k + " " + call.invocation().describe();

            Tensor g = random(rnd, payload, rows, h);
            Tensor gp = random(rnd, DType.F32, rows);
            Calls back = Calls.of(Op.DISPATCH_BACKWARD).profile(profile).in("grad_output", g).in("row_id_map", map).in("grad_permuted_probs", gp);
            if (pad != null) back.in("pad_offsets", pad);
            Expected db = back.run();
            // G1: sum of the token's rows in descending expert order, as SortedPairsReference.combine does with no weights
            assertTrue(SortedPairsReference.combine(g, routing, ref.rowOfPair(), null, false).bitEquals(db.values().get("grad_inp")), where + " G1");
            // G2: gather
            Tensor gprobs = db.values().get("grad_probs");
            Tensor wantProbs = Tensor.zeros(DType.F32, nt, ne);
            for (int i = 0; i < pairs.size(); i++) wantProbs.setBits(pairs.get(i).token(), pairs.get(i).expert(), gp.bits(ref.rowOfPair()[i], 0));
            assertTrue(wantProbs.bitEquals(gprobs), where + " G2");

            Tensor go = random(rnd, payload, nt, h);
            Tensor fwd = random(rnd, payload, rows, h);
            Tensor mp = random(rnd, DType.F32, nt, ne);
            Calls cb = Calls.of(Op.COMBINE_BACKWARD).profile(profile).in("grad_output", go).in("row_id_map", map).in("fwd_input", fwd).in("merging_probs", mp);
            if (pad != null) cb.in("pad_offsets", pad);
            Expected c = cb.run();
            Tensor gi = c.values().get("grad_inp");
            Tensor mask = c.specified().get("grad_inp");
            Tensor gm = c.values().get("grad_merging_probs");
            boolean[] hit = new boolean[(int) rows];
            for (int i = 0; i < pairs.size(); i++) {
                int t = pairs.get(i).token();
                int e = pairs.get(i).expert();
                long row = ref.rowOfPair()[i];
                hit[(int) row] = true;
                float p = mp.getF32(t, e);
                float acc = 0f;
                for (int x = 0; x < h; x++) {
                    assertEquals(FloatFormatsBits.round(payload, go.getF32(t, x) * p), gi.bits(row, x), where + " G3 row " + row);
                    acc = profile.fusedMultiplyAdd() ? Math.fma(fwd.getF32(row, x), go.getF32(t, x), acc) : acc + fwd.getF32(row, x) * go.getF32(t, x);
                }
                assertEquals(Float.floatToRawIntBits(acc) & 0xFFFFFFFFL, gm.bits(t, e), where + " G4 [" + t + "," + e + "]");
            }
            for (int r = 0; r < rows; r++) assertEquals(hit[r] ? 1 : 0, mask.getLong(r), where + " G3 mask row " + r);
        }
    }

    private static Tensor random(SplittableRandom rnd, DType d, long... shape) {
        Tensor t = Tensor.zeros(d, shape);
        for (long i = 0; i < t.numel(); i++) t.setF32(i, (float) (rnd.nextDouble() * 4 - 2));
        return t;
    }

    /** Rounding into a dtype's bits, spelled out for the test. */
    static final class FloatFormatsBits {
        static long round(DType d, float v) { return org.permcheck.tensor.FloatFormats.fromF32(d, v); }
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
