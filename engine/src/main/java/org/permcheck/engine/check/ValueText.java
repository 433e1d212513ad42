package org.permcheck.engine.check;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;

/** How values appear in messages: integers in decimal, floats as value and raw hex bits. */
public final class ValueText {
    private ValueText() {}

    public static String of(DType dtype, long bits) {
        if (dtype.isFloat()) {
            int hexDigits = dtype.size() * 2;
            String hex = String.format("%0" + hexDigits + "x", dtype.size() == 8 ? bits : bits & ((1L << (8 * dtype.size())) - 1));
            return FloatFormats.toF64(dtype, bits) + " (0x" + hex + ")";
        }
        switch (dtype) {
            case I32: return Long.toString((int) bits);
            case BOOL: return bits != 0 ? "true" : "false";
            default: return Long.toString(bits);
        }
    }

    /** A float64 reference value with its bits (for tolerance messages). */
    public static String ofF64(double v) {
        return v + " (0x" + Long.toHexString(Double.doubleToRawLongBits(v)) + ")";
    }
}
