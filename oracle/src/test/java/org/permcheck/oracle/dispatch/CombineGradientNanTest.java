package org.permcheck.oracle.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** G3's product has one fixed NaN answer, whatever order the JIT evaluates the operands in. */
class CombineGradientNanTest {
    private static int bits(float f) { return Float.floatToRawIntBits(f); }

    private static float nan(int bits) { return Float.intBitsToFloat(bits); }

    @Test
    void g3ProductOfTwoNansTakesTheQuietedPayloadOfP() {
        // by hand: p = signalling NaN 0x7f800001 -> quieted 0x7fc00001; g's payload 0x7fc01234 loses
        for (int i = 0; i < 100_000; i++) { // enough calls for the JIT to compile product()
            assertEquals(0x7fc00001, bits(CombineGradient.product(nan(0x7fc01234), nan(0x7f800001))));
        }
    }

    @Test
    void g3ProductWithOneNanTakesThatNansQuietedPayload() {
        assertEquals(0x7fc01234, bits(CombineGradient.product(nan(0x7fc01234), 2f)));
        assertEquals(0xffc00007, bits(CombineGradient.product(-3f, nan(0xff800007))));
    }

    @Test
    void g3ProductOfNumbersIsTheRoundedF32Product() {
        assertEquals(-0f, CombineGradient.product(0f, -1f)); // sign of zero kept: -0.0
        assertEquals(bits(-0f), bits(CombineGradient.product(0f, -1f)));
        assertEquals(0.75f, CombineGradient.product(1.5f, 0.5f));
    }
}
