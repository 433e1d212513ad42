package org.permcheck.engine.check;

import org.permcheck.tensor.DType;

/**
 * The tolerance REDUCTION outputs are judged with against the oracle's float64 reference
 * (docs/spec.md C5, docs/checks.md "Tolerances"):
 *
 * <pre>
 *   |actual - ref| <= atol + rtol * |ref| + slack
 * </pre>
 *
 * rtol = atol = eps^(2/3) of the output dtype (TransformerEngine's JAX {@code dtype_tols}: f32
 * 2.42e-5, bf16 3.94e-2, f16 9.84e-3); slack = (n + 1) * 2^-24 * sum |term| is the worst-case
 * error of an f32 accumulation of n terms in any order, fused or not, given by the oracle as
 * {@code Expected.reference[port + ".slack"]}. NaN must meet NaN; an infinity the same infinity.
 */
public final class Tolerance {
    private Tolerance() {}

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
    public static double allowed(DType dtype, double ref, double slack) {
        return absolute(dtype) + relative(dtype) * Math.abs(ref) + slack;
    }

    /**
     * Whether {@code actual} is within tolerance of {@code ref}. {@code castRef} is the reference
     * rounded to the output dtype: when it is not finite, the actual value must be the same
     * infinity or a NaN (C5).
     */
    public static boolean within(DType dtype, double actual, double ref, double castRef, double slack) {
        if (Double.isNaN(castRef) || Double.isNaN(ref)) return Double.isNaN(actual);
        if (Double.isInfinite(castRef)) return actual == castRef;
        if (Double.isNaN(actual) || Double.isInfinite(actual)) return false;
        return Math.abs(actual - ref) <= allowed(dtype, ref, slack);
    }
}
