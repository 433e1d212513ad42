package org.permcheck.engine.fuzz;

import java.util.Locale;

/**
 * The shape tables a sampled spec draws from (each value equally likely). SMALL keeps every case
 * cheap (T <= 256, E <= 32, H <= 128) for fast fuzzing and the quick tier, about half of the draws
 * at 16 or below (small cases find most bugs and shrink fast) and the boundaries 2^k - 1, 2^k, 2^k + 1; MEDIUM adds multiples of 1024 and +-1, E up to
 * 512 and wider rows for the full tier, capped so one case moves at most about 2^22 elements.
 * BOUNDARY sits on multi-block edges (T = 1023..1025, 2047..2049, 4095..4097; E = 63..65,
 * 127..129, 255..257; H around vector widths) and LARGE reaches production (T to 32768, E to 2048
 * and past 1024, SGLang #21610; H not a multiple of 8 or 16, Paddle #79756; top-k up to E), both
 * drawn only through a {@link SizeMix} (docs/generator.md section 9), never by the tiers.
 */
public enum SizeClass {
    SMALL(new int[] {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100, 127, 128, 255, 256},
          new int[] {1, 2, 3, 4, 5, 7, 8, 13, 16, 31, 32},
          new int[] {1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 64, 127, 128},
          null, 1L << 22, 1L << 22),
    MEDIUM(new int[] {1, 2, 3, 5, 8, 31, 64, 127, 256, 1023, 1024, 1025, 2047, 2048, 2049, 4096},
           new int[] {1, 2, 3, 5, 7, 8, 16, 31, 64, 127, 128, 256, 512},
           new int[] {1, 2, 3, 7, 8, 33, 64, 128, 129, 256, 1024},
           null, 1L << 22, 1L << 22),
    BOUNDARY(new int[] {1023, 1024, 1025, 2047, 2048, 2049, 4095, 4096, 4097},
             new int[] {63, 64, 65, 127, 128, 129, 255, 256, 257},
             new int[] {1, 7, 8, 9, 15, 16, 17, 31, 32, 33},
             new int[] {1, 2, 7, 8, 9, 16},
             1L << 22, 1L << 22),
    LARGE(new int[] {2048, 4095, 4096, 4097, 8192, 16383, 16384, 16385, 32768},
          new int[] {64, 128, 256, 512, 1023, 1024, 1025, 1152, 2048},
          new int[] {1, 3, 12, 24, 100, 257, 1000, 2880, 4095, 7168},
          new int[] {1, 2, 6, 8, 9, 22, 64, 0},
          1L << 22, 1L << 23),
    /**
     * Beyond the oracle's budget (T past LARGE's 32768, to 262144, across the 2^15, 2^16 and 2^17
     * index widths): never in a default mix, drawn only by {@code --sizes ...,xl}. Its dispatch,
     * combine, combine-backward and chunk-sort cases are judged by the relations R3, R4 and the
     * bound and guard checks only, the oracle not run (docs/checks.md, "Relations"); its other ops
     * go to the oracle like any case.
     */
    XL(new int[] {32769, 65535, 65536, 65537, 131072, 262144},
       new int[] {2, 4, 8, 16, 32, 64, 128},
       new int[] {1, 2, 3, 8, 16},
       new int[] {1, 2, 4, 8},
       1L << 23, 1L << 23);

    /** The classes a mix draws when --sizes does not name them: all but XL. */
    public static final java.util.List<SizeClass> DEFAULTS = java.util.List.of(SMALL, MEDIUM, BOUNDARY, LARGE);

    /** Whether cases of this class of op {@code op} are judged without the oracle (the relations only). */
    public boolean oracleFree(org.permcheck.contract.Op op) {
        return this == XL && (op == org.permcheck.contract.Op.DISPATCH || op == org.permcheck.contract.Op.COMBINE
                || op == org.permcheck.contract.Op.COMBINE_BACKWARD || op == org.permcheck.contract.Op.SORT_CHUNKS);
    }

    /** In a top-k table (LARGE's last entry): k = E (every expert per token). */
    static final int K_ALL = 0;

    final int[] tokens;
    final int[] experts;
    final int[] hidden;
    /** Top-k table, or null for the original rule k = 1 + below(min(E, 8)) (SMALL, MEDIUM). */
    final int[] topK;
    /** Most payload elements one case of this class moves (the CPU oracle's budget; H, then k, then T shrink to fit). */
    final long maxElements;
    /** Most routing-map entries T * E (routing_map, probs and row_id_map are all about this big; T shrinks to fit). */
    final long maxMap;

    SizeClass(int[] tokens, int[] experts, int[] hidden, int[] topK, long maxElements, long maxMap) {
        this.tokens = tokens;
        this.experts = experts;
        this.hidden = hidden;
        this.topK = topK;
        this.maxElements = maxElements;
        this.maxMap = maxMap;
    }

    /** The lower-case name used by --sizes, the spec mix and the feature labels. */
    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** The feature label of a case of this class (closed list, FeatureLabels). */
    public String label() { return "size-" + id(); }

    public static SizeClass byId(String id) {
        for (SizeClass c : values()) if (c.id().equals(id.trim().toLowerCase(Locale.ROOT))) return c;
        throw new IllegalArgumentException("unknown size class '" + id + "' (known: small, medium, boundary, large, xl)");
    }

    /**
     * The class of a spec that was not drawn from a mix (an edge case, a spec: replay): the first of
     * SMALL, MEDIUM whose largest T, E and H it stays within, else LARGE (BOUNDARY is only drawn).
     */
    public static SizeClass of(CaseSpec s) {
        for (SizeClass c : new SizeClass[] {SMALL, MEDIUM}) {
            if (s.tokens() <= max(c.tokens) && s.experts() <= max(c.experts) && s.hidden() <= max(c.hidden)) return c;
        }
        return LARGE;
    }

    private static int max(int[] table) { return java.util.Arrays.stream(table).max().orElse(0); }

    /** Largest number of payload elements one sampled case may move (MEDIUM shrinks H to fit). */
    static final long MAX_ELEMENTS = 1L << 22;
}
