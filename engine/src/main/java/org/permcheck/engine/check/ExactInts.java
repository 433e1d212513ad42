package org.permcheck.engine.check;

import org.permcheck.tensor.DType;
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
    public static void set(Tensor t, long row, long col, long v) { t.setF32(row, col, (float) v); }
}
