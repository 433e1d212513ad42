package org.permcheck.zoo;

import java.util.Optional;

import org.permcheck.tensor.Tensor;

/** Reading a row_id_map input the way a consumer kernel does: only the valid slots (C4). */
final class Slots {
    final int tokens;
    final int experts;
    private final Tensor map;
    private final Tensor padOffsets;

    Slots(Tensor map, Optional<Tensor> padOffsets) {
        this.map = map;
        this.tokens = (int) map.dim(0);
        this.experts = (int) ((map.dim(1) - 1) / 2);
        this.padOffsets = padOffsets.orElse(null);
    }

    int count(int t) { return (int) map.getLong(t, 2L * experts); }

    int expert(int t, int i) { return (int) map.getLong(t, experts + i); }

    long dst(int t, int i) { return map.getLong(t, i); }

    /** The source row of slot i: the unpadded destination plus the expert's pad offset (C1). */
    long src(int t, int i) { return dst(t, i) + padOffset(expert(t, i)); }

    long padOffset(int e) { return padOffsets == null || e < 0 || e >= experts ? 0 : padOffsets.getLong(e); }

    /** An element of a payload row, or +0.0 bits when a planted bug points outside the tensor. */
    static float f32At(Tensor x, long row, long col) {
        return row < 0 || row >= x.rows() ? 0f : x.getF32(row, col);
    }
}
