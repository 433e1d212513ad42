package org.permcheck.engine.check;

import org.permcheck.tensor.DType;

/**
 * The tolerance REDUCTION outputs are judged with against the oracle's float64 reference
 * (docs/checks.md, "Tolerances"):
 *
 * <pre>
 *   |actual - ref| <= max(atol, rtol * |ref|) + (n + 1) * 2^-24 * S
 * </pre>
 *
 * rtol = atol = eps^(2/3) of the output dtype (TransformerEngine's JAX {@code dtype_tols}: f32
 * 2.42e-5, bf16 3.94e-2, f16 9.84e-3), plus the worst-case error bound of an f32 accumulation of n
 * terms whose absolute values sum to S (any order, fused or not). The second term keeps long sums
 * (grad_merging_probs over H = 7168) from false failures; it never loosens short ones.
 * NaN must meet NaN; an infinity must meet the same infinity.
 */
public final class Tolerance {
    private Tolerance() {}

    /** Unit roundoff of f32 accumulation. */
    static final double F32_UNIT_ROUNDOFF = 0x1p-24;

    /** eps^(2/3), eps = the distance from 1.0 to the next value of the dtype. */
    public static double relative(DType dtype) {
        switch (dtype) {
            case F32: return Math.pow(0x1p-23, 2.0 / 3.0);
            case BF16: return Math.pow(0x1p-7, 2.0 / 3.0);
            case F16: return Math.pow(0x1p-10, 2.0 / 3.0);
            case F64: return Math.pow(0x1p-52, 2.0 / 3.0);
            default: throw new IllegalArgumentException("no reduction tolerance for " + dtype);
        }
    }

    public static double absolute(DType dtype) { return relative(dtype); }

    /** Largest allowed |actual - ref|. */
    public static double allowed(DType dtype, double ref, long terms, double sumAbs) {
        return Math.max(absolute(dtype), relative(dtype) * Math.abs(ref)) + (terms + 1) * F32_UNIT_ROUNDOFF * sumAbs;
    }

    /** Whether {@code actual} is within tolerance of {@code ref}. */
    public static boolean within(DType dtype, double actual, double ref, long terms, double sumAbs) {
        if (Double.isNaN(ref)) return Double.isNaN(actual);
        if (Double.isInfinite(ref)) return actual == ref;
        if (Double.isNaN(actual) || Double.isInfinite(actual)) return false;
        return Math.abs(actual - ref) <= allowed(dtype, ref, terms, sumAbs);
    }
}
