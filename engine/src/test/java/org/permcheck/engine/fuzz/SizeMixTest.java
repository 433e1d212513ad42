package org.permcheck.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Op;
import org.permcheck.tensor.DType;

/** The size classes a fuzz campaign draws: legacy draws unchanged, bounds and budgets kept, shares by cost. */
class SizeMixTest {

    /**
     * The tiers' draws must not move (kill matrix, selftests, reports compare them): SHA-256 of the
     * first 3000 spec lines of seed 20261126, one per line, computed with the sampler of commit
     * 33dee30 (before size mixes existed).
     */
    @Test
    void legacyDrawsAreTheOriginalOnes() throws Exception {
        assertEquals("19edaeacea2b42d2ff58a180bbdb3e0ee824ac75124ca43c61058117fed36ba5", linesHash(SizeClass.SMALL));
        assertEquals("a12b002d8055611c923889537a8e87ebea162fcb84b0738746e92afa8e09a87c", linesHash(SizeClass.MEDIUM));
    }

    private static String linesHash(SizeClass c) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 3000; i++) {
            CaseSpec s = SpecSampler.sample(SplitMix64.nth(20261126L, i), c);
            md.update((s + "\n").getBytes(StandardCharsets.UTF_8));
            assertEquals(DType.I32, s.routingDtype(), "a legacy draw never draws a routing dtype");
            assertTrue(s.values() != Values.DISTINCT, "a legacy draw never draws distinct values");
        }
        StringBuilder sb = new StringBuilder();
        for (byte b : md.digest()) sb.append(String.format("%02x", b));
        return sb.toString();
    }

    /** Each class alone: shapes from its tables (T only ever smaller), k <= E, the element and map budgets. */
    @Test
    void everyClassKeepsItsTablesAndBudgets() {
        for (SizeClass c : SizeClass.values()) {
            SizeMix mix = new SizeMix(List.of(c), 0, 0, 0, 0, false);
            int maxT = Arrays.stream(c.tokens).max().orElseThrow();
            for (int i = 0; i < 1500; i++) {
                SpecSampler.Drawn d = SpecSampler.draw(SplitMix64.nth(77, i), mix);
                CaseSpec s = d.spec();
                assertEquals(c, d.size());
                assertEquals(null, CaseGenerator.problem(s), s.toString());
                if (SpecSampler.isExpertParallel(s.op())) continue; // E = shards * (1..4), T = counts 0..8
                boolean dispatchFamily = s.op().ordinal() <= Op.COMBINE_BACKWARD.ordinal();
                assertTrue(s.tokens() <= maxT, s.toString());
                if (dispatchFamily) assertTrue(contains(c.experts, s.experts()), s.toString());
                assertTrue(s.hidden() >= 1 && s.hidden() <= Arrays.stream(c.hidden).max().orElseThrow(), s.toString());
                long moved = (long) s.tokens() * (dispatchFamily ? Math.min(s.topK(), s.experts()) : 1) * s.hidden();
                assertTrue(moved <= c.maxElements || s.hidden() == 1 && s.topK() == 1, "element budget: " + s);
                if (dispatchFamily) {
                    assertTrue(s.topK() >= 1 && s.topK() <= s.experts(), s.toString());
                    assertTrue((long) s.tokens() * s.experts() <= c.maxMap, "map budget: " + s);
                }
            }
        }
    }

    /** LARGE reaches production: T past 16384, E past 1024, k = E, H not a multiple of 8. */
    @Test
    void largeReachesProductionShapes() {
        SizeMix mix = new SizeMix(List.of(SizeClass.LARGE), 0, 0, 0, 0, false);
        boolean bigT = false, bigE = false, kIsE = false, oddH = false;
        for (int i = 0; i < 3000; i++) {
            CaseSpec s = SpecSampler.draw(SplitMix64.nth(5, i), mix).spec();
            if (s.op() != Op.DISPATCH) continue;
            bigT |= s.tokens() >= 16384;
            bigE |= s.experts() > 1024;
            kIsE |= s.topK() == s.experts() && s.experts() >= 64;
            oddH |= s.hidden() > 8 && s.hidden() % 8 != 0;
        }
        assertTrue(bigT && bigE && kIsE && oddH, "T>=16384 " + bigT + ", E>1024 " + bigE + ", k=E " + kIsE + ", H%8!=0 " + oddH);
    }

    /** --max-tokens/--max-experts/--max-hidden/--max-topk bound every draw of every class and op. */
    @Test
    void boundsAreHonoured() {
        SizeMix mix = SizeMix.all().withBounds(40, 6, 5, 3);
        Map<SizeClass, Integer> seen = new EnumMap<>(SizeClass.class);
        for (int i = 0; i < 4000; i++) {
            SpecSampler.Drawn d = SpecSampler.draw(SplitMix64.nth(9, i), mix);
            CaseSpec s = d.spec();
            seen.merge(d.size(), 1, Integer::sum);
            assertEquals(null, CaseGenerator.problem(s), s.toString());
            assertTrue(s.tokens() <= 40 && s.experts() <= 6 && s.hidden() <= 5 && s.topK() <= 3, s.toString());
        }
        assertEquals(4, seen.size(), "every class drawn under the bounds: " + seen);
    }

    /**
     * Classes are drawn by count in proportion to their integer weights (within 4 sigma), and the
     * weights give the small class the most cases and the large class the fewest.
     */
    @Test
    void classesAreDrawnInProportionToTheirWeights() {
        SizeMix mix = SizeMix.all().withBounds(1100, 70, 2, 4);
        long[] w = mix.weights();
        long total = Arrays.stream(w).sum();
        int n = 20000;
        long[] count = new long[w.length];
        for (int i = 0; i < n; i++) count[SpecSampler.draw(SplitMix64.nth(3, i), mix).size().ordinal()]++;
        for (int c = 0; c < w.length; c++) {
            double p = (double) w[c] / total;
            double sigma = Math.sqrt(n * p * (1 - p));
            assertTrue(Math.abs(count[c] - n * p) < 4 * sigma, SizeClass.values()[c] + ": " + count[c] + " of " + n + ", expected " + n * p);
        }
        long[] unbounded = SizeMix.all().weights();
        assertTrue(unbounded[0] > unbounded[1] && unbounded[1] > unbounded[3] && unbounded[2] > unbounded[3], Arrays.toString(unbounded));
    }

    /**
     * The big classes get a bounded share of the work, not of the cases: over 100000 unbounded
     * draws the large class moves under a fifth of all elements (its share is 10 %, the estimate
     * of its mean cost is conservative) while it is under 0.5 % of the cases.
     */
    @Test
    void largeCasesTakeABoundedShareOfTheWork() {
        double[] cost = new double[SizeClass.values().length];
        long large = 0;
        int n = 100000;
        for (int i = 0; i < n; i++) {
            SpecSampler.Drawn d = SpecSampler.draw(SplitMix64.nth(3, i), SizeMix.all());
            CaseSpec s = d.spec();
            boolean dispatchFamily = s.op().ordinal() <= Op.COMBINE_BACKWARD.ordinal();
            cost[d.size().ordinal()] += SizeMix.CASE_COST + (double) s.tokens() * (dispatchFamily ? Math.min(s.topK(), s.experts()) : 1) * s.hidden();
            if (d.size() == SizeClass.LARGE) large++;
        }
        double share = cost[SizeClass.LARGE.ordinal()] / Arrays.stream(cost).sum();
        assertTrue(share > 0.01 && share < 0.2, "large share of the work " + share);
        assertTrue(large > 0 && large < n / 200, large + " large cases of " + n);
    }

    @Test
    void textRoundTripsAndBadTextIsOneLine() {
        for (SizeMix m : List.of(SizeMix.all(), SizeMix.all().withBounds(4096, 0, 100, 8),
                new SizeMix(List.of(SizeClass.LARGE, SizeClass.SMALL), 16384, 2048, 0, 0, false), SizeMix.legacy(SizeClass.MEDIUM))) {
            assertEquals(m, SizeMix.parse(m.text()), m.text());
        }
        assertEquals("small+large,max-tokens=16384,max-experts=2048",
                new SizeMix(List.of(SizeClass.LARGE, SizeClass.SMALL), 16384, 2048, 0, 0, false).text(), "classes in SizeClass order");
        assertEquals(" --sizes small,medium,boundary,large --max-hidden 7", SizeMix.all().withBounds(0, 0, 7, 0).cliArgs());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SizeMix.parse("small+huge"));
        assertEquals("unknown size class 'huge' (known: small, medium, boundary, large, xl)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SizeMix.parse("small,max-width=3"));
        assertThrows(IllegalArgumentException.class, () -> SizeMix.all().withBounds(-1, 0, 0, 0));
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }
}
