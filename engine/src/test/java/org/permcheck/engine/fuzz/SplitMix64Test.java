package org.permcheck.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SplitMix64Test {

    /** The reference outputs of SplitMix64 for seed 0 (Vigna's splitmix64.c), not computed by our code. */
    @Test
    void matchesTheReferenceSequenceForSeedZero() {
        SplitMix64 r = new SplitMix64(0);
        assertEquals(0xE220A8397B1DCDAFL, r.next());
        assertEquals(0x6E789E6AA1B965F4L, r.next());
        assertEquals(0x06C45D188009454FL, r.next());
    }

    @Test
    void nthSkipsAhead() {
        SplitMix64 r = new SplitMix64(12345);
        r.next();
        r.next();
        assertEquals(r.next(), SplitMix64.nth(12345, 2));
    }

    /** below(n) is the unsigned remainder: 0xE220A8397B1DCDAF = 16294208416658607535, mod 10 = 5 (a signed remainder would differ). */
    @Test
    void belowIsTheUnsignedRemainder() {
        assertEquals(5, new SplitMix64(0).below(10));
    }

    /** unit24 = top 24 bits * 2^-24: 0xE220A8 / 2^24 = 14819496 / 16777216. */
    @Test
    void unit24TakesTheTop24Bits() {
        assertEquals(14819496f / 16777216f, new SplitMix64(0).unit24());
    }
}
