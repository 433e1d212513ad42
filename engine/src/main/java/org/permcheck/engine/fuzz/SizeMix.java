package org.permcheck.engine.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

/**
 * Which size classes a fuzz campaign draws and the bounds on their shapes (fuzz --sizes,
 * --max-tokens, --max-experts, --max-hidden, --max-topk; 0 = no bound). A class is drawn with a
 * weight that gives it a fixed share of the campaign's oracle time, not of its cases: the weight
 * is the share divided by the class's mean cost (about T * k * H moved elements plus a fixed
 * per-case cost), so big cases stay a small fraction of the time (docs/generator.md section 9).
 *
 * <p>{@link #legacy} is the draw of the tiers and of the first fuzz campaigns: one class, no class
 * draw, no routing-dtype or distinct-values draws ({@link SpecSampler#sample(long, SizeClass)}).
 *
 * @param sizes      classes to draw from, in {@link SizeClass} order, or one class when legacy
 * @param maxTokens  T at most this (0: unbounded)
 * @param maxExperts E at most this
 * @param maxHidden  H at most this
 * @param maxTopK    k at most this
 * @param legacy     the original single-class draw (no class, routing dtype or distinct draws)
 */
public record SizeMix(List<SizeClass> sizes, int maxTokens, int maxExperts, int maxHidden, int maxTopK, boolean legacy) {

    /** Time shares per class, in SizeClass order (SMALL, MEDIUM, BOUNDARY, LARGE, XL), in percent (relative: a mix normalizes them). */
    static final int[] TIME_SHARE = {55, 20, 15, 10, 10};
    /** The fixed cost of a case in moved-element equivalents (a backend call, the oracle, judging). */
    static final long CASE_COST = 4096;
    /** Class weights are integers summing to about this (so the draw is one below()). */
    static final long WEIGHT_SCALE = 1L << 20;

    /** The bounds' names, in {@link #bounds()} order: the keys of {@link #text()} and the fuzz options of {@link #cliArgs()}. */
    private static final List<String> BOUNDS = List.of("max-tokens", "max-experts", "max-hidden", "max-topk");

    public SizeMix {
        sizes = List.copyOf(new ArrayList<>(EnumSet.copyOf(sizes)));
        if (sizes.isEmpty()) throw new IllegalArgumentException("no size class to draw");
        if (legacy && (sizes.size() != 1 || maxTokens != 0 || maxExperts != 0 || maxHidden != 0 || maxTopK != 0)) {
            throw new IllegalArgumentException("a legacy size draw has one class and no bounds");
        }
        for (int b : new int[] {maxTokens, maxExperts, maxHidden, maxTopK}) {
            if (b < 0) throw new IllegalArgumentException("size bounds must be >= 1 (0 = none)");
        }
    }

    /** The original draw from one class (the tiers; FuzzOptions.of). */
    public static SizeMix legacy(SizeClass c) { return new SizeMix(List.of(c), 0, 0, 0, 0, true); }

    /** Every default class (all but XL), no bounds: what {@code permcheck fuzz} draws by default. */
    public static SizeMix all() { return new SizeMix(SizeClass.DEFAULTS, 0, 0, 0, 0, false); }

    public SizeMix withBounds(int tokens, int experts, int hidden, int topK) {
        return new SizeMix(sizes, tokens, experts, hidden, topK, false);
    }

    /** A class's table with the bound applied: the values <= bound, or {bound} when none is. */
    static int[] bounded(int[] table, int bound) {
        if (bound <= 0) return table;
        int[] kept = Arrays.stream(table).filter(v -> v <= bound).toArray();
        return kept.length > 0 ? kept : new int[] {bound};
    }

    int[] tokens(SizeClass c) { return bounded(c.tokens, maxTokens); }

    int[] experts(SizeClass c) { return bounded(c.experts, maxExperts); }

    int[] hidden(SizeClass c) { return bounded(c.hidden, maxHidden); }

    /**
     * The integer weights of {@link #sizes}: share / mean cost, scaled to {@link #WEIGHT_SCALE},
     * at least 1 each. The mean cost is over the class's (bounded) tables, k at its mean and each
     * case capped by the class's element budget.
     */
    long[] weights() { return WEIGHTS.computeIfAbsent(this, SizeMix::computeWeights).clone(); }

    /** Weights per mix, computed once (a campaign draws its class for every case). */
    private static final java.util.Map<SizeMix, long[]> WEIGHTS = new java.util.concurrent.ConcurrentHashMap<>();

    private long[] computeWeights() {
        double[] w = new double[sizes.size()];
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            SizeClass c = sizes.get(i);
            w[i] = TIME_SHARE[c.ordinal()] / meanCost(c);
            sum += w[i];
        }
        long[] out = new long[w.length];
        for (int i = 0; i < w.length; i++) out[i] = Math.max(1, Math.round(w[i] / sum * WEIGHT_SCALE));
        return out;
    }

    private double meanCost(SizeClass c) {
        double total = 0;
        long n = 0;
        for (int t : tokens(c)) {
            for (int e : experts(c)) {
                double k = meanTopK(c, e);
                for (int h : hidden(c)) {
                    total += CASE_COST + Math.min((double) t * k * h, c.maxElements);
                    n++;
                }
            }
        }
        return total / n;
    }

    private double meanTopK(SizeClass c, int experts) {
        if (c.topK == null) return (1 + Math.min(experts, 8)) / 2.0;
        double s = 0;
        for (int k : c.topK) s += topK(k == SizeClass.K_ALL ? experts : Math.min(k, experts));
        return s / c.topK.length;
    }

    /** k under the --max-topk bound. */
    int topK(int k) { return maxTopK > 0 ? Math.min(k, maxTopK) : k; }

    /** The class of draw x in [0, sum of weights). */
    SizeClass pick(long x) {
        long[] w = WEIGHTS.computeIfAbsent(this, SizeMix::computeWeights);
        for (int i = 0; i < w.length; i++) {
            if (x < w[i]) return sizes.get(i);
            x -= w[i];
        }
        return sizes.get(sizes.size() - 1);
    }

    int totalWeight() { return (int) Arrays.stream(WEIGHTS.computeIfAbsent(this, SizeMix::computeWeights)).sum(); }

    /**
     * The text form, part of a fuzz campaign's case ids so that an id rebuilds its case:
     * "small+medium+boundary+large" then ",max-tokens=N" per bound given; "legacy-small" etc.
     */
    public String text() {
        if (legacy) return "legacy-" + sizes.get(0).id();
        StringBuilder sb = new StringBuilder();
        for (SizeClass c : sizes) sb.append(sb.length() > 0 ? "+" : "").append(c.id());
        int[] b = bounds();
        for (int i = 0; i < b.length; i++) if (b[i] > 0) sb.append(',').append(BOUNDS.get(i)).append('=').append(b[i]);
        return sb.toString();
    }

    /** The fuzz options that draw this mix (" --sizes small,large --max-tokens 4096"); empty for a legacy mix. */
    public String cliArgs() {
        if (legacy) return "";
        StringBuilder sb = new StringBuilder(" --sizes ");
        for (int i = 0; i < sizes.size(); i++) sb.append(i > 0 ? "," : "").append(sizes.get(i).id());
        int[] b = bounds();
        for (int i = 0; i < b.length; i++) if (b[i] > 0) sb.append(" --").append(BOUNDS.get(i)).append(' ').append(b[i]);
        return sb.toString();
    }

    private int[] bounds() { return new int[] {maxTokens, maxExperts, maxHidden, maxTopK}; }

    /** Reads {@link #text()} back; a bad part gives a one-line IllegalArgumentException. */
    public static SizeMix parse(String text) {
        if (text.startsWith("legacy-")) return legacy(SizeClass.byId(text.substring("legacy-".length())));
        String[] parts = text.split(",");
        List<SizeClass> sizes = new ArrayList<>();
        for (String s : parts[0].split("\\+")) sizes.add(SizeClass.byId(s));
        int[] bounds = new int[BOUNDS.size()];
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            int k = eq < 0 ? -1 : BOUNDS.indexOf(parts[i].substring(0, eq));
            if (k < 0) throw new IllegalArgumentException("bad size bound '" + parts[i] + "' (known: " + String.join(", ", BOUNDS) + ")");
            try {
                bounds[k] = Integer.parseInt(parts[i].substring(eq + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad size bound '" + parts[i] + "'");
            }
        }
        return new SizeMix(sizes, bounds[0], bounds[1], bounds[2], bounds[3], false);
    }
}
