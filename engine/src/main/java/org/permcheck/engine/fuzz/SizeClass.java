package org.permcheck.engine.fuzz;

/**
 * The shape tables a sampled spec draws from (each value equally likely). SMALL keeps every case
 * cheap (T <= 256, E <= 32, H <= 128) for fast fuzzing and the quick tier, about half of the draws
 * at 16 or below (small cases find most bugs and shrink fast) and the boundaries 2^k - 1, 2^k, 2^k + 1; MEDIUM adds multiples of 1024 and +-1, E up to
 * 512 and wider rows for the full tier, capped so one case moves at most about 2^22 elements.
 */
public enum SizeClass {
    SMALL(new int[] {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100, 127, 128, 255, 256},
          new int[] {1, 2, 3, 4, 5, 7, 8, 13, 16, 31, 32},
          new int[] {1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 64, 127, 128}),
    MEDIUM(new int[] {1, 2, 3, 5, 8, 31, 64, 127, 256, 1023, 1024, 1025, 2047, 2048, 2049, 4096},
           new int[] {1, 2, 3, 5, 7, 8, 16, 31, 64, 127, 128, 256, 512},
           new int[] {1, 2, 3, 7, 8, 33, 64, 128, 129, 256, 1024});

    final int[] tokens;
    final int[] experts;
    final int[] hidden;

    SizeClass(int[] tokens, int[] experts, int[] hidden) {
        this.tokens = tokens;
        this.experts = experts;
        this.hidden = hidden;
    }

    /** Largest number of payload elements one sampled case may move (MEDIUM shrinks H to fit). */
    static final long MAX_ELEMENTS = 1L << 22;
}
