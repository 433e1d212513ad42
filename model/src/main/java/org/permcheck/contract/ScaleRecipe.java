package org.permcheck.contract;

import java.util.Optional;

import org.permcheck.tensor.DType;

/**
 * The block-scaling recipes of a quantized payload (docs/spec.md F1): how many scales a row of
 * {@code inp} has and what they are stored as. The value of the {@code scale_recipe} attribute is
 * {@link #code()}; the contract's {@code scale_inv} is token-major {@code [T, B]} in both (an adapter
 * whose framework stores the blockwise scales transposed transposes them itself, docs/adapters.md).
 */
public enum ScaleRecipe {
    /** FP8 blockwise, 1x128 blocks along a row (TE's Float8BlockwiseQTensor, rowwise): f32 scales, B = ceil(H/128). */
    FP8_BLOCK_1X128(1, "fp8-block-1x128", 128, DType.F32),
    /** MXFP8, 1x32 blocks along a row (TE's MXFP8Tensor, rowwise, unswizzled): E8M0 exponents as uint8, B = ceil(H/32). */
    MXFP8(2, "mxfp8", 32, DType.U8);

    private final int code;
    private final String label;
    private final int blockSize;
    private final DType dtype;

    ScaleRecipe(int code, String label, int blockSize, DType dtype) {
        this.code = code;
        this.label = label;
        this.blockSize = blockSize;
        this.dtype = dtype;
    }

    /** The {@code scale_recipe} attribute's value. */
    public int code() { return code; }

    /** The recipe's name in reports and feature labels ("mxfp8"). */
    public String label() { return label; }

    /** Payload elements per scale along a row. */
    public int blockSize() { return blockSize; }

    /** The dtype of {@code scale_inv} and {@code permuted_scale_inv} (F1). */
    public DType dtype() { return dtype; }

    /** F1: B, the scales of one row of width {@code hidden}: ceil(hidden / blockSize). */
    public long blocks(long hidden) { return (hidden + blockSize - 1) / blockSize; }

    /** The recipe of an attribute value, or empty for a value no recipe has (X22). */
    public static Optional<ScaleRecipe> byCode(long code) {
        for (ScaleRecipe r : values()) if (r.code == code) return Optional.of(r);
        return Optional.empty();
    }
}
