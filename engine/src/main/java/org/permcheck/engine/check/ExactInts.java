package org.permcheck.engine.check;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * Integer arithmetic on float tensors that hold small integers (R3, R4): every integer of magnitude
 * at most 2^p is exact in a binary float with a p-bit significand, and a sum or product of such
 * integers is computed exactly as long as every partial result stays within 2^p. The relations
 * choose their payloads under these bounds, so both sides of an identity are exact and must be equal.
 */
public final class ExactInts {
    private ExactInts() {}

    /** Significand bits (hidden bit included) of a payload dtype, 0 for dtypes R3 does not reduce in (fp8, ints). */
    public static int significandBits(DType d) {
        switch (d) {
            case F32: return 24;
            case F16: return 11;
            case BF16: return 8;
            default: return 0;
        }
    }

    /** The largest integer magnitude every value of a sum of {@code terms} terms may have: 2^p / terms (0: not exact). */
    public static long perTermBound(DType d, long terms) {
        int p = significandBits(d);
        if (p == 0 || terms <= 0) return 0;
        return (1L << p) / terms;
    }

    /**
     * The value at flat index i as a long, or {@link Long#MIN_VALUE} when it is not an integer (NaN,
     * infinite, fractional): a relation then reports the element instead of a sum.
     */
    public static long value(Tensor t, long row, long col) {
        double v = t.getF64(row, col);
        if (Double.isNaN(v) || Double.isInfinite(v) || v != Math.rint(v) || Math.abs(v) > 0x1p53) return Long.MIN_VALUE;
        return (long) v;
    }

    /** Writes integer v (exact in t's dtype by the caller's bound). */
    public static void set(Tensor t, long row, long col, long v) {
        DType d = t.dtype();
        if (d == DType.F8E4M3 || d == DType.F8E5M2) t.setBits(row, col, fp8Bits(d, v));
        else t.setF32(row, col, (float) v);
    }

    /**
     * The fp8 code of integer v. There is no rounding into fp8 (FloatFormats: fp8 is moved, never
     * computed), so the code is found by decoding every one of the 256: the lowest code whose value is
     * exactly v (+0.0 for 0). Only the chunk sort's R3 writes fp8, with |v| <= 7, exact in both formats.
     */
    static long fp8Bits(DType d, long v) {
        for (long code = 0; code < 256; code++) {
            if (FloatFormats.toF64(d, code) == v) return code;
        }
        throw new IllegalArgumentException(v + " is not exact in " + d);
    }
}
