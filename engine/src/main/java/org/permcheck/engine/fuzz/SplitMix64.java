package org.permcheck.engine.fuzz;

/**
 * The generator's only source of randomness: SplitMix64 (Steele, Lea, Flood 2014), chosen because
 * it is tiny and exactly reproducible in any language with 64-bit unsigned arithmetic. Every draw
 * is specified in docs/generator.md so that ports (the Python adapter kit) rebuild the same inputs.
 */
public final class SplitMix64 {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    public SplitMix64(long seed) { this.state = seed; }

    /** The next 64 raw bits. */
    public long next() {
        state += GAMMA;
        return mix(state);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The i-th output (0-based) of SplitMix64(seed), without stepping through the first i. */
    public static long nth(long seed, long i) { return mix(seed + (i + 1) * GAMMA); }

    /** Uniform-ish integer in [0, n): next() modulo n, unsigned (the tiny bias is accepted and specified). */
    public int below(int n) {
        if (n <= 0) throw new IllegalArgumentException("below(" + n + ")");
        if ((n & (n - 1)) == 0) return (int) (next() & (n - 1)); // the same value, without a division
        return (int) Long.remainderUnsigned(next(), n);
    }

    /** A float in [0, 1) with 24 random bits, exact in float32: (next() >>> 40) * 2^-24. */
    public float unit24() { return (next() >>> 40) * 0x1p-24f; }

    /** Shuffles {@code a} in place (Fisher-Yates): for i = length-1 down to 1, a[i] swaps with a[below(i + 1)]. */
    void shuffle(int[] a) {
        for (int i = a.length - 1; i >= 1; i--) {
            int j = below(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }
}
