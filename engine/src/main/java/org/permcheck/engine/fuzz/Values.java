package org.permcheck.engine.fuzz;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * How payload elements are made (docs/generator.md, "Payload values"). Listed from the most
 * hostile to the simplest; the shrinker moves down this list.
 */
public enum Values {
    /** Raw random bits: NaN payloads, -0.0, infinities and subnormals all occur. */
    BITS("bits"),
    /** One element in four from a table of special values, the rest raw bits. */
    SPECIALS("specials"),
    /** Uniform in [-2, 2) with 24 random bits, rounded to the dtype (finite: for reductions). */
    NORMAL("normal"),
    /** Small integers 0..7 (raw bits 0..7 for fp8). */
    SMALL("small"),
    /** No randomness: every element of row r is r + 1 (raw bits (r + 1) mod 256 for fp8). */
    INDEX("index"),
    /**
     * No randomness, every element its own value (FlashInfer #4087: repeated values hide stride and
     * scale-row bugs): element i = r * cols + c gets code 1 + (i mod P) with P prime, as the f32
     * value itself (exact integers, P = 16777213 < 2^24) or as raw bits (16-bit dtypes P = 65521,
     * fp8 P = 251). Within one tensor the codes are injective up to P elements, and two rows differ
     * whenever rows <= P and P does not divide cols. Last in the list: the shrinker never moves to it.
     */
    DISTINCT("distinct");

    /** The primes of {@link #DISTINCT} per element size: the largest below the dtype's exact range. */
    static final long DISTINCT_F32 = 16_777_213L;
    static final long DISTINCT_16 = 65_521L;
    static final long DISTINCT_8 = 251L;

    private final String id;

    Values(String id) { this.id = id; }

    public String id() { return id; }

    public static Values byId(String id) {
        for (Values v : values()) if (v.id.equals(id)) return v;
        throw new IllegalArgumentException("unknown values '" + id + "'");
    }

    /** Special values, as raw bits, per dtype: +0, -0, +inf, -inf, quiet NaN, NaN with payload, min subnormal, max, -max, 1. */
    static long[] specials(DType d) {
        switch (d) {
            case F32: return new long[] {0x00000000L, 0x80000000L, 0x7F800000L, 0xFF800000L, 0x7FC00000L, 0x7F800001L, 0x00000001L, 0x7F7FFFFFL, 0xFF7FFFFFL, 0x3F800000L};
            case BF16: return new long[] {0x0000, 0x8000, 0x7F80, 0xFF80, 0x7FC0, 0x7F81, 0x0001, 0x7F7F, 0xFF7F, 0x3F80};
            case F16: return new long[] {0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0x0001, 0x7BFF, 0xFBFF, 0x3C00};
            case F8E4M3: return new long[] {0x00, 0x80, 0x7F, 0xFF, 0x7F, 0xFF, 0x01, 0x7E, 0xFE, 0x38};
            case F8E5M2: return new long[] {0x00, 0x80, 0x7C, 0xFC, 0x7E, 0x7D, 0x01, 0x7B, 0xFB, 0x3C};
            default: throw new IllegalArgumentException("no specials for " + d);
        }
    }

    private static boolean fp8(DType d) { return d == DType.F8E4M3 || d == DType.F8E5M2; }

    /** A [rows, cols] payload of dtype d, elements in row-major order (made and written a row at a time). */
    public Tensor generate(SplitMix64 rng, DType d, long rows, long cols) {
        Tensor out = Tensor.zeros(d, rows, cols);
        int n = (int) cols;
        long mask = d.size() == 8 ? -1L : (1L << (8 * d.size())) - 1;
        long[] special = this == SPECIALS ? specials(d) : null;
        boolean fp8 = fp8(d);
        long[] bits = new long[n];
        byte[] row = new byte[out.rowBytes()];
        for (long r = 0; r < rows; r++) {
            switch (this) {
                case BITS:
                    for (int c = 0; c < n; c++) bits[c] = rng.next() & mask;
                    break;
                case SPECIALS:
                    for (int c = 0; c < n; c++) bits[c] = rng.below(4) == 0 ? special[rng.below(special.length)] : rng.next() & mask;
                    break;
                case NORMAL:
                    for (int c = 0; c < n; c++) bits[c] = fp8 ? rng.next() & mask : FloatFormats.fromF32(d, rng.unit24() * 4f - 2f);
                    break;
                case SMALL:
                    for (int c = 0; c < n; c++) {
                        int v = rng.below(8);
                        bits[c] = fp8 ? v : FloatFormats.fromF32(d, v);
                    }
                    break;
                case INDEX: {
                    long v = fp8 ? (r + 1) & 0xFF : FloatFormats.fromF32(d, r + 1);
                    java.util.Arrays.fill(bits, v);
                    break;
                }
                case DISTINCT:
                    for (int c = 0; c < n; c++) bits[c] = distinct(d, r * cols + c);
                    break;
                default: throw new IllegalStateException();
            }
            pack(bits, d.size(), row);
            out.writeRowBytes(r, row, 0);
        }
        return out;
    }

    /** The {@link #DISTINCT} bits of flat element i of a tensor of dtype d. */
    static long distinct(DType d, long i) {
        if (d == DType.F32) return FloatFormats.fromF32(d, (float) (1 + i % DISTINCT_F32)); // exact: below 2^24
        long p = d.size() == 1 ? DISTINCT_8 : d.size() == 2 ? DISTINCT_16 : DISTINCT_F32;
        return 1 + i % p;
    }

    private static final java.lang.invoke.VarHandle LE16 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(short[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle LE32 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Stores the low {@code size} bytes of each value, little endian. */
    private static void pack(long[] bits, int size, byte[] row) {
        switch (size) {
            case 1: for (int c = 0; c < bits.length; c++) row[c] = (byte) bits[c]; break;
            case 2: for (int c = 0; c < bits.length; c++) LE16.set(row, 2 * c, (short) bits[c]); break;
            case 4: for (int c = 0; c < bits.length; c++) LE32.set(row, 4 * c, (int) bits[c]); break;
            default: for (int c = 0; c < bits.length; c++) for (int k = 0; k < size; k++) row[c * size + k] = (byte) (bits[c] >>> (8 * k));
        }
    }

    /**
     * A probability of dtype d: unit24(); with {@code zeros}, first c = below(8): 0 gives +0.0,
     * 1 gives -0.0, 2 gives NaN when the entry is not routed, else the unit24 draw.
     */
    static long probability(SplitMix64 rng, DType d, boolean zeros, boolean routed) {
        float v;
        if (zeros) {
            int c = rng.below(8);
            if (c == 0) v = 0f;
            else if (c == 1) v = -0f;
            else if (c == 2 && !routed) v = Float.NaN;
            else v = rng.unit24();
        } else {
            v = rng.unit24();
        }
        return FloatFormats.fromF32(d, v);
    }
}
