package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** The run-level rules R1 and R2 (docs/checks.md, summarized in docs/spec.md), for the oracle itself; the engine checks them for backends. */
class RunLevelRulesTest {

    @Test
    void runLevelR1_theSameCallTwiceGivesTheSameBits() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int k = 0; k < 200; k++) {
            int nt = 1 + rnd.nextInt(8);
            int ne = 1 + rnd.nextInt(5);
            Tensor inp = Tensor.zeros(DType.BF16, nt, 3);
            for (long i = 0; i < inp.numel(); i++) inp.setBits(i, rnd.nextInt(0x10000));
            Tensor routing = Tensor.zeros(DType.I32, nt, ne);
            routing.setLong(0, 0, 1);
            for (long i = 1; i < routing.numel(); i++) routing.setLong(i, rnd.nextInt(2));
            Calls c = Calls.of(Op.DISPATCH).in("inp", inp).in("routing_map", routing).attr("num_out_tokens", nt * ne)
                    .profile(Profile.ALL.get(k % 2)).attr("align_size", 1 + rnd.nextInt(4));
            Expected a = c.run();
            Expected b = c.run();
            for (Map.Entry<String, Tensor> e : a.values().entrySet()) {
                assertTrue(e.getValue().bitEquals(b.values().get(e.getKey())), "case " + k + " " + e.getKey());
            }
        }
    }

    @Test
    void runLevelR2_combineOfDispatchWithWeightsOneOverNGivesTheInputBack() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int k = 0; k < 500; k++) {
            DType d = new DType[] {DType.F32, DType.BF16, DType.F16}[k % 3];
            Profile profile = Profile.ALL.get(rnd.nextInt(2));
            int nt = 1 + rnd.nextInt(8);
            int ne = 1 + rnd.nextInt(6);
            Tensor x = Tensor.zeros(d, nt, 4);
            for (long i = 0; i < x.numel(); i++) x.setF32(i, (float) (rnd.nextDouble() * 20 - 10));
            Tensor routing = Tensor.zeros(DType.BOOL, nt, ne);
            long used = 0;
            for (long i = 0; i < routing.numel(); i++) if (rnd.nextInt(3) == 0) { routing.setLong(i, 1); used++; }
            Calls dc = Calls.of(Op.DISPATCH).profile(profile).in("inp", x).in("routing_map", routing).attr("num_out_tokens", Math.max(1, used));
            if (profile.paddingRequired() || rnd.nextBoolean()) dc.attr("align_size", 1 + rnd.nextInt(8));
            Expected disp = dc.run();
            Tensor w = Tensor.zeros(DType.F32, nt, ne);
            int[] n = new int[nt];
            for (int t = 0; t < nt; t++) {
                for (int e = 0; e < ne; e++) n[t] += (int) routing.getLong(t, e);
                for (int e = 0; e < ne; e++) w.setF32(t, e, n[t] == 0 ? 0f : 1f / n[t]);
            }
            Calls cc = Calls.of(Op.COMBINE).profile(profile).in("inp", disp.values().get("output"))
                    .in("row_id_map", disp.values().get("row_id_map")).in("merging_probs", w);
            if (disp.values().containsKey("pad_offsets")) cc.in("pad_offsets", disp.values().get("pad_offsets"));
            Tensor back = cc.run().values().get("output");
            double tol = Math.pow(CrossFormulationTest.eps(d), 2.0 / 3.0);
            for (int t = 0; t < nt; t++) {
                if (n[t] == 0) {
                    for (int h = 0; h < 4; h++) assertEquals(0L, back.bits(t, h), "C3: token " + t);
                } else if (n[t] == 1) {
                    assertTrue(back.rowEquals(t, x, t), "case " + k + " token " + t + " (n = 1) is exact");
                } else {
                    for (int h = 0; h < 4; h++) {
                        double want = x.getF64(t, h);
                        assertTrue(Math.abs(back.getF64(t, h) - want) <= tol + tol * Math.abs(want), "case " + k + " token " + t + " col " + h);
                    }
                }
            }
        }
    }
}
