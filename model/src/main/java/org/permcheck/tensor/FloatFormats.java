package org.permcheck.tensor;

/**
 * Conversions between float32 and the narrow float formats, written out bit by bit so that the
 * oracle does not depend on any library's rounding. All narrowing conversions round to nearest,
 * ties to even (IEEE 754 roundTiesToEven), which is what CUDA's {@code __float2bfloat16_rn},
 * Triton's {@code .to()} and numpy do.
 */
public final class FloatFormats {
    private FloatFormats() {}

    // ---------------------------------------------------------------- bf16: the top 16 bits of f32

    public static float bf16ToF32(int bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** f32 to bf16, round to nearest even; NaN stays NaN (quiet bit set, sign and top payload kept). */
    public static int f32ToBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if ((x & 0x7F800000) == 0x7F800000 && (x & 0x007FFFFF) != 0) {
            return ((x >>> 16) | 0x0040) & 0xFFFF; // quiet NaN, keep sign and high payload bits
        }
        int lsb = (x >>> 16) & 1;
        int rounded = x + 0x7FFF + lsb; // overflow into the exponent rounds to inf, as it should
        return (rounded >>> 16) & 0xFFFF;
    }

    // ---------------------------------------------------------------- f16: IEEE binary16

    public static float f16ToF32(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int man = bits & 0x3FF;
        if (exp == 0x1F) { // inf or NaN: widen the payload
            return Float.intBitsToFloat(sign | 0x7F800000 | (man << 13));
        }
        if (exp == 0) {
            if (man == 0) return Float.intBitsToFloat(sign);
            // subnormal: value = man * 2^-24, exactly representable in f32
            float v = man * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (man << 13));
    }

    /** f32 to f16, round to nearest even, overflow to infinity, subnormals kept. */
    public static int f32ToF16(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int exp = (x >>> 23) & 0xFF;
        int man = x & 0x7FFFFF;
        if (exp == 0xFF) {
            if (man == 0) return sign | 0x7C00;
            return sign | 0x7E00 | (man >>> 13); // quiet NaN, high payload kept
        }
        int e = exp - 127 + 15; // rebiased exponent
        if (e >= 0x1F) return sign | 0x7C00; // too large: infinity
        if (e <= 0) {
            // result is subnormal (or zero): shift the full significand (with hidden bit) right
            if (e < -10) return sign; // below half the smallest subnormal: rounds to zero
            int full = man | 0x800000;
            int shift = 14 - e; // 13 bits of mantissa drop plus (1 - e)
            int q = full >>> shift;
            int rem = full & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (q & 1) != 0)) q++;
            return sign | q; // a carry into bit 10 correctly yields the smallest normal
        }
        int q = (e << 10) | (man >>> 13);
        int rem = man & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (q & 1) != 0)) q++; // may carry into inf: correct
        return sign | q;
    }

    // ---------------------------------------------------------------- fp8 (OCP formats), decode only

    /** E4M3 ("fn": no infinities, S.1111.111 is NaN, bias 7). */
    public static float f8e4m3ToF32(int bits) {
        int sign = bits & 0x80;
        int exp = (bits >>> 3) & 0xF;
        int man = bits & 0x7;
        float v;
        if (exp == 0xF && man == 0x7) v = Float.NaN;
        else if (exp == 0) v = man * 0x1p-9f;
        else v = (1 + man / 8f) * (float) Math.pow(2, exp - 7);
        return sign != 0 ? -v : v;
    }

    /** E5M2 (IEEE-like: infinities and NaNs at exponent 31, bias 15). */
    public static float f8e5m2ToF32(int bits) {
        return f16ToF32((bits & 0xFF) << 8); // e5m2 is exactly the top byte of binary16
    }

    // ---------------------------------------------------------------- dispatch on dtype

    /** Decodes one element's raw bits of a floating dtype to f32 (f64 is narrowed). */
    public static float toF32(DType dtype, long bits) {
        switch (dtype) {
            case F32: return Float.intBitsToFloat((int) bits);
            case F64: return (float) Double.longBitsToDouble(bits);
            case BF16: return bf16ToF32((int) bits);
            case F16: return f16ToF32((int) bits);
            case F8E4M3: return f8e4m3ToF32((int) bits);
            case F8E5M2: return f8e5m2ToF32((int) bits);
            default: throw new IllegalArgumentException("not a floating dtype: " + dtype);
        }
    }

    /** Decodes to f64 exactly (every narrow format is exactly representable in f64). */
    public static double toF64(DType dtype, long bits) {
        if (dtype == DType.F64) return Double.longBitsToDouble(bits);
        return toF32(dtype, bits);
    }

    /** Rounds an f32 value into the raw bits of {@code dtype} (round to nearest even). */
    public static long fromF32(DType dtype, float v) {
        switch (dtype) {
            case F32: return Float.floatToRawIntBits(v) & 0xFFFFFFFFL;
            case F64: return Double.doubleToRawLongBits(v);
            case BF16: return f32ToBf16(v);
            case F16: return f32ToF16(v);
            default: throw new IllegalArgumentException("no rounding into " + dtype + " (fp8 is moved, never computed)");
        }
    }

    /** Rounds an f64 value into {@code dtype}: to f32 first, then narrower (documented double rounding). */
    public static long fromF64(DType dtype, double v) {
        if (dtype == DType.F64) return Double.doubleToRawLongBits(v);
        return fromF32(dtype, (float) v);
    }
}
