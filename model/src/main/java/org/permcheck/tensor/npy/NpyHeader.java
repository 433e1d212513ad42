package org.permcheck.tensor.npy;

import java.util.Arrays;

import org.permcheck.tensor.DType;

/**
 * The parsed header of a .npy file: the storage dtype, the shape and where the data starts.
 * Reading the header alone lets a caller refuse an oversized or misshapen file before allocating.
 *
 * @param version    format version, major * 10 + minor (10, 20 or 30)
 * @param dtype      the storage dtype (bf16 reads back as U16, fp8 as U8)
 * @param shape      the shape, row-major (fortran_order False is the only order accepted)
 * @param dataOffset byte offset of the first element
 */
public record NpyHeader(int version, DType dtype, long[] shape, long dataOffset) {

    public long numel() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    public long dataBytes() { return Math.multiplyExact(numel(), (long) dtype.size()); }

    public String shapeString() { return Arrays.toString(shape); }
}
