package org.permcheck.engine.fuzz;

import org.permcheck.contract.ScaleRecipe;
import org.permcheck.tensor.Tensor;

/**
 * The block scales of a generated quantized dispatch (docs/generator.md section 7c, docs/spec.md F1): every
 * (token, block) gets its own scale, made from its position {@code p = t*B + j} alone (no draw, so a spec's
 * other inputs are as without scales): recipe 1 the f32 power of two with exponent field {@code 1 + p mod 254}
 * (2^-126 .. 2^127), recipe 2 the E8M0 byte {@code p mod 255} (255 is E8M0's NaN). Neighbouring rows and blocks
 * never share a scale, so a wrong row stride, a transposed read or an unpermuted copy shows (FlashInfer #4087:
 * equal values hide such errors).
 */
public final class BlockScales {
    private BlockScales() {}

    /** {@code scale_inv [tokens, ceil(hidden / block)]} of the recipe. */
    public static Tensor of(ScaleRecipe recipe, long tokens, long hidden) {
        long blocks = recipe.blocks(hidden);
        Tensor s = Tensor.zeros(recipe.dtype(), tokens, blocks);
        for (long t = 0; t < tokens; t++) {
            for (long j = 0; j < blocks; j++) s.setBits(t, j, bits(recipe, t * blocks + j));
        }
        return s;
    }

    /** The scale bits at position {@code p} (row-major over [T, B]). */
    static long bits(ScaleRecipe recipe, long p) {
        switch (recipe) {
            case FP8_BLOCK_1X128: return (1 + p % 254) << 23; // a power of two, sign 0, mantissa 0
            case MXFP8: return p % 255;
            default: throw new IllegalStateException(recipe.toString());
        }
    }
}
