package org.permcheck.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The narrow float formats (X5 dtypes; the rounding every REDUCTION output goes through, C1).
 * Expected values come from numpy's float32 -> float16 cast (an independent RNE implementation,
 * listed below) or from hand computation, and from exhaustive round trips.
 */
class FloatFormatsTest {

    // ------------------------------------------------------------------ f16

    /** {f32 bits, f16 bits} pairs produced by numpy {@code np.float32(v).astype(np.float16)}. */
    private static final int[][] NUMPY_F16 = {
        {0x3F800000, 0x3C00}, // 1.0
        {0x477FE000, 0x7BFF}, // 65504 (max finite)
        {0x477FEF00, 0x7BFF}, // 65519: below the halfway point, stays finite
        {0x477FF000, 0x7C00}, // 65520: halfway to 2^16, ties to even = inf
        {0x47800000, 0x7C00}, // 65536: overflow
        {0x501502F9, 0x7C00}, // 1e10: overflow
        {0x33800000, 0x0001}, // 2^-24: smallest subnormal
        {0x33000000, 0x0000}, // 2^-25: tie between 0 and 2^-24, ties to even = 0
        {0x33400000, 0x0001}, // 0.75 * 2^-24
        {0x38800000, 0x0400}, // 2^-14: smallest normal
        {0x387FE000, 0x0400}, // 1023.5 * 2^-24: tie, rounds up to the even 0x400 (carry into the exponent)
        {0x387FF000, 0x0400},
        {0x3DCCCCCD, 0x2E66}, // 0.1
        {0x3EAAAAAB, 0x3555}, // 1/3
        {0xC0200000, 0xC100}, // -2.5
        {0x45001000, 0x6800}, // 2049: tie, ties to even (down)
        {0x45003000, 0x6802}, // 2051: tie, ties to even (up)
        {0x3F801000, 0x3C00}, // 1 + 2^-11: tie down
        {0x3F803000, 0x3C02}, // 1 + 3*2^-11: tie up
        {0x3356BF95, 0x0001}, // 5e-8
        {0x32800000, 0x0000}, // 2^-26
        {0x33C00000, 0x0002}, // 1.5 * 2^-24: tie between 1 and 2 subnormal units, even = 2
    };

    @Test
    void f16RoundingMatchesNumpyIncludingTiesOverflowAndSubnormals() {
        for (int[] c : NUMPY_F16) {
            float v = Float.intBitsToFloat(c[0]);
            assertEquals(c[1], FloatFormats.f32ToF16(v), "f32ToF16(" + v + ")");
            assertEquals(c[1] ^ 0x8000, FloatFormats.f32ToF16(-v), "f32ToF16(" + (-v) + ") keeps the sign");
        }
    }

    @Test
    void f16SignedZerosAndInfinities() {
        assertEquals(0x0000, FloatFormats.f32ToF16(0f));
        assertEquals(0x8000, FloatFormats.f32ToF16(-0f));
        assertEquals(0x7C00, FloatFormats.f32ToF16(Float.POSITIVE_INFINITY));
        assertEquals(0xFC00, FloatFormats.f32ToF16(Float.NEGATIVE_INFINITY));
        assertEquals(0x8000, FloatFormats.f32ToF16(-Float.MIN_VALUE)); // f32 subnormal underflows to -0
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(FloatFormats.f16ToF32(0x8000)));
        assertEquals(Float.POSITIVE_INFINITY, FloatFormats.f16ToF32(0x7C00));
        assertEquals(Float.NEGATIVE_INFINITY, FloatFormats.f16ToF32(0xFC00));
    }

    @Test
    void f16NaNStaysNaNQuietWithSignAndHighPayload() {
        // signalling NaN with only a low payload bit: the payload is lost below f16's width, the quiet bit keeps it NaN
        assertEquals(0x7E00, FloatFormats.f32ToF16(Float.intBitsToFloat(0x7F800001)));
        assertEquals(0xFE00, FloatFormats.f32ToF16(Float.intBitsToFloat(0xFF800001)));
        // the top 10 payload bits survive
        assertEquals(0x7FFF, FloatFormats.f32ToF16(Float.intBitsToFloat(0x7FFFE000)));
        assertEquals(0x7E01, FloatFormats.f32ToF16(Float.intBitsToFloat(0x7F802000)) );
        // widening keeps the payload in the top bits: f16 0x7D55 -> f32 0x7FAAA000 (a signalling NaN stays as is)
        assertEquals(0x7FAAA000, Float.floatToRawIntBits(FloatFormats.f16ToF32(0x7D55)));
    }

    @Test
    void f16EveryPatternRoundTripsThroughF32() {
        for (int b = 0; b < 0x10000; b++) {
            float f = FloatFormats.f16ToF32(b);
            int back = FloatFormats.f32ToF16(f);
            boolean nan = (b & 0x7C00) == 0x7C00 && (b & 0x3FF) != 0;
            if (nan) {
                assertTrue(Float.isNaN(f), "pattern " + Integer.toHexString(b));
                assertEquals(b | 0x200, back, "NaN " + Integer.toHexString(b) + " comes back quiet with its payload");
            } else {
                assertEquals(b, back, "pattern " + Integer.toHexString(b));
            }
        }
    }

    @Test
    void f16SubnormalsDecodeExactly() {
        assertEquals(0x1p-24f, FloatFormats.f16ToF32(0x0001));
        assertEquals(1023 * 0x1p-24f, FloatFormats.f16ToF32(0x03FF));
        assertEquals(-3 * 0x1p-24f, FloatFormats.f16ToF32(0x8003));
        assertEquals(0x1p-14f, FloatFormats.f16ToF32(0x0400));
        assertEquals(65504f, FloatFormats.f16ToF32(0x7BFF));
    }

    /** Property: the result is a nearest f16 neighbour, ties to the even one (checked in f64). */
    @Test
    void f16RoundingIsNearestTiesToEvenOnRandomValues() {
        SplittableRandom rnd = new SplittableRandom(16);
        for (int k = 0; k < 200_000; k++) {
            // exponents from deep subnormal to overflow; random mantissa; low mantissa bits often zero to hit ties
            int exp = 127 - 28 + rnd.nextInt(46);
            int man = rnd.nextInt(1 << 23);
            if (rnd.nextInt(4) == 0) man &= ~0x0FFF;
            float v = Float.intBitsToFloat((exp << 23) | man);
            int r = FloatFormats.f32ToF16(v);
            checkNearest(v, r, 0x7C00, FloatFormats::f16ToF32, 65520.0);
        }
    }

    // ------------------------------------------------------------------ bf16

    @Test
    void bf16TiesToEvenAndOverflowByHand() {
        assertEquals(0x3F80, FloatFormats.f32ToBf16(1f));
        assertEquals(0x3F80, FloatFormats.f32ToBf16(Float.intBitsToFloat(0x3F808000))); // tie, even stays
        assertEquals(0x3F82, FloatFormats.f32ToBf16(Float.intBitsToFloat(0x3F818000))); // tie, odd rounds up
        assertEquals(0x3F81, FloatFormats.f32ToBf16(Float.intBitsToFloat(0x3F808001))); // above the tie
        assertEquals(0x3F80, FloatFormats.f32ToBf16(Float.intBitsToFloat(0x3F807FFF))); // below the tie
        assertEquals(0x7F7F, FloatFormats.f32ToBf16(Float.intBitsToFloat(0x7F7F7FFF))); // largest that stays finite
        assertEquals(0x7F80, FloatFormats.f32ToBf16(Float.MAX_VALUE));                  // overflow to inf
        assertEquals(0xFF80, FloatFormats.f32ToBf16(-Float.MAX_VALUE));
        assertEquals(0x7F80, FloatFormats.f32ToBf16(Float.POSITIVE_INFINITY));
        assertEquals(0xFF80, FloatFormats.f32ToBf16(Float.NEGATIVE_INFINITY));
        assertEquals(0x0000, FloatFormats.f32ToBf16(0f));
        assertEquals(0x8000, FloatFormats.f32ToBf16(-0f));
        // f32 subnormals: bf16 has the same exponent range, so they round within the subnormals
        assertEquals(0x0000, FloatFormats.f32ToBf16(Float.intBitsToFloat(0x00008000))); // tie to even 0
        assertEquals(0x0002, FloatFormats.f32ToBf16(Float.intBitsToFloat(0x00018000))); // tie to even 2
        assertEquals(0x0080, FloatFormats.f32ToBf16(Float.intBitsToFloat(0x007FFFFF))); // carries into the smallest normal
        assertEquals(-1.5f, FloatFormats.bf16ToF32(0xBFC0));
    }

    @Test
    void bf16NaNStaysNaNQuietWithSignAndHighPayload() {
        assertEquals(0x7FC0, FloatFormats.f32ToBf16(Float.intBitsToFloat(0x7F800001))); // would round to inf without the NaN branch
        assertEquals(0xFFC0, FloatFormats.f32ToBf16(Float.intBitsToFloat(0xFFC00000)));
        assertEquals(0x7FE0, FloatFormats.f32ToBf16(Float.intBitsToFloat(0x7FA00000))); // payload bit kept, quiet bit set
        assertEquals(0x7FFF, FloatFormats.f32ToBf16(Float.intBitsToFloat(0x7FFFFFFF))); // no carry out of the NaN
    }

    @Test
    void bf16EveryPatternRoundTripsThroughF32() {
        for (int b = 0; b < 0x10000; b++) {
            float f = FloatFormats.bf16ToF32(b);
            assertEquals(b << 16, Float.floatToRawIntBits(f), "widening is the top half");
            boolean nan = (b & 0x7F80) == 0x7F80 && (b & 0x7F) != 0;
            assertEquals(nan ? b | 0x40 : b, FloatFormats.f32ToBf16(f), "pattern " + Integer.toHexString(b));
        }
    }

    @Test
    void bf16RoundingIsNearestTiesToEvenOnRandomValues() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int k = 0; k < 200_000; k++) {
            int bits = rnd.nextInt() & 0x7FFFFFFF;
            if (rnd.nextInt(4) == 0) bits &= ~0x7FFF;
            if ((bits & 0x7F800000) == 0x7F800000) continue; // inf/NaN are covered above
            float v = Float.intBitsToFloat(bits);
            int r = FloatFormats.f32ToBf16(v);
            // halfway between bf16 max (0x7F7F) and the next binade step 2^128
            checkNearest(v, r, 0x7F80, FloatFormats::bf16ToF32, (double) Float.intBitsToFloat(0x7F7F8000));
        }
    }

    /** r must be the nearest representable magnitude to |v|, ties to an even pattern, or inf past {@code overflowAt}. */
    private static void checkNearest(float v, int r, int infBits, java.util.function.IntToDoubleFunction decode, double overflowAt) {
        double x = Math.abs((double) v);
        int m = r & 0x7FFF;
        if (x >= overflowAt) {
            assertEquals(infBits, m, "overflow of " + v);
            return;
        }
        double got = decode.applyAsDouble(m);
        double err = Math.abs(got - x);
        if (m > 0) assertTrue(err <= Math.abs(decode.applyAsDouble(m - 1) - x), v + " -> " + Integer.toHexString(r) + ": the lower neighbour is closer");
        if (m + 1 < infBits) {
            double errUp = Math.abs(decode.applyAsDouble(m + 1) - x);
            assertTrue(err <= errUp, v + " -> " + Integer.toHexString(r) + ": the upper neighbour is closer");
            if (err == errUp) assertEquals(0, m & 1, "tie of " + v + " must go to the even pattern");
        }
        if (m > 0 && err == Math.abs(decode.applyAsDouble(m - 1) - x)) assertEquals(0, m & 1, "tie of " + v + " must go to the even pattern");
    }

    // ------------------------------------------------------------------ fp8 (decode only; moved as raw bits)

    @Test
    void fp8E4M3DecodesByHand() {
        assertEquals(1f, FloatFormats.f8e4m3ToF32(0x38));
        assertEquals(448f, FloatFormats.f8e4m3ToF32(0x7E));   // max finite
        assertEquals(-448f, FloatFormats.f8e4m3ToF32(0xFE));
        assertTrue(Float.isNaN(FloatFormats.f8e4m3ToF32(0x7F)));
        assertTrue(Float.isNaN(FloatFormats.f8e4m3ToF32(0xFF)));
        assertEquals(0x1p-9f, FloatFormats.f8e4m3ToF32(0x01)); // smallest subnormal
        assertEquals(0x1p-6f, FloatFormats.f8e4m3ToF32(0x08)); // smallest normal
        assertEquals(240f, FloatFormats.f8e4m3ToF32(0x77));    // exponent 14 is finite in the fn variant
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(FloatFormats.f8e4m3ToF32(0x80)));
    }

    @Test
    void fp8E5M2DecodesByHand() {
        assertEquals(1f, FloatFormats.f8e5m2ToF32(0x3C));
        assertEquals(57344f, FloatFormats.f8e5m2ToF32(0x7B));
        assertEquals(Float.POSITIVE_INFINITY, FloatFormats.f8e5m2ToF32(0x7C));
        assertEquals(Float.NEGATIVE_INFINITY, FloatFormats.f8e5m2ToF32(0xFC));
        assertTrue(Float.isNaN(FloatFormats.f8e5m2ToF32(0x7D)));
        assertEquals(0x1p-16f, FloatFormats.f8e5m2ToF32(0x01));
    }

    @Test
    void fp8HasNoRoundingInto() {
        try {
            FloatFormats.fromF32(DType.F8E4M3, 1f);
        } catch (IllegalArgumentException expected) {
            return;
        }
        throw new AssertionError("rounding into fp8 must be refused: fp8 is moved, never computed");
    }
}
