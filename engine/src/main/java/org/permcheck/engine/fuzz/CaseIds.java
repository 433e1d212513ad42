package org.permcheck.engine.fuzz;

import java.util.Optional;

/**
 * The ids of generated cases, written and read in this one place: "{tier}/edge/{name}",
 * "{prefix}/seed={seed}/{i}" (a sampled case of a tier or a fuzz campaign) and "spec:{spec line}"
 * (a shrunk case, replayable from its id alone). Reports, expectations and replay match on them.
 */
public final class CaseIds {
    private static final String SPEC = "spec:";
    private static final String EDGE = "edge";
    private static final String SEED = "seed=";

    private CaseIds() {}

    public static String edge(String tier, String name) { return tier + "/" + EDGE + "/" + name; }

    public static String sampled(String prefix, long seed, long index) { return prefix + "/" + SEED + seed + "/" + index; }

    public static String spec(CaseSpec spec) { return SPEC + spec; }

    /** An id read back: exactly one of the three forms. */
    public record Parsed(CaseSpec spec, String tier, String edge, String prefix, long seed, long index) {
        public boolean isSpec() { return spec != null; }

        public boolean isEdge() { return edge != null; }
    }

    /** The parts of an id, or empty when it is none of the generated forms (a vector's id, a typo). */
    public static Optional<Parsed> parse(String id) {
        if (id.startsWith(SPEC)) {
            try {
                return Optional.of(new Parsed(CaseSpec.parse(id.substring(SPEC.length())), null, null, null, 0, 0));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        String[] p = id.split("/", -1);
        if (p.length == 3 && p[1].equals(EDGE)) return Optional.of(new Parsed(null, p[0], p[2], null, 0, 0));
        if (p.length == 3 && p[1].startsWith(SEED)) {
            try {
                return Optional.of(new Parsed(null, null, null, p[0], Long.parseLong(p[1].substring(SEED.length())), Long.parseLong(p[2])));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
