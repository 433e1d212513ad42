package org.permcheck.engine.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.vectors.FeatureLabels;

/**
 * report.html's bar plots of where failures are: cases and failures per size class (the input bytes
 * of a case, in decades) and per payload dtype (its feature label). Inline SVG, like
 * {@link TimeSizePlot}: a bar per class, its failing part drawn over the whole in red.
 */
final class FailureBars {
    static final int WIDTH = 560, ROW = 22, LEFT = 130, RIGHT = 150;

    private FailureBars() {}

    /** Upper bounds (exclusive) of the size classes and their names; the last class is open. */
    private static final long[] BOUNDS = {1L << 10, 1L << 16, 1L << 20, 1L << 26};
    private static final String[] SIZE_NAMES = {"< 1 KiB", "1 KiB - 64 KiB", "64 KiB - 1 MiB", "1 MiB - 64 MiB", ">= 64 MiB"};

    static String sizeClass(long bytes) {
        for (int i = 0; i < BOUNDS.length; i++) if (bytes < BOUNDS[i]) return SIZE_NAMES[i];
        return SIZE_NAMES[SIZE_NAMES.length - 1];
    }

    /**
     * The payload dtype a case's feature labels name: a closed-list label described as a payload
     * dtype (vectors/features.txt via {@link FeatureLabels}), after mapping the generator's
     * "dtype:bf16" form; "-" when none does (index-only ops, or no label).
     */
    static String dtype(CaseResult r) {
        for (String f : r.features()) {
            String l = FeatureLabels.fromEngineLabel(f);
            if (l != null && FeatureLabels.all().getOrDefault(l, "").startsWith("payload dtype")) return l;
        }
        return "-";
    }

    /** Cases and failures (neither PASS nor NOT_SUPPORTED) per class, classes in first-seen order. */
    static Map<String, long[]> tally(List<CaseResult> results, java.util.function.Function<CaseResult, String> classOf, List<String> order) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (String o : order) m.put(o, new long[2]);
        for (CaseResult r : results) {
            long[] c = m.computeIfAbsent(classOf.apply(r), k -> new long[2]);
            c[0]++;
            if (r.status() != Status.PASS && r.status() != Status.NOT_SUPPORTED) c[1]++;
        }
        m.values().removeIf(c -> c[0] == 0);
        return m;
    }

    /** Both plots for the listed cases (a campaign's unlisted passes are not in them: said below the plots). */
    static String html(RunResult run) {
        List<CaseResult> rs = run.results();
        StringBuilder h = new StringBuilder();
        h.append("<h2>Failures by size class and dtype</h2>\n");
        h.append(svg("failures by size class (input bytes)", tally(rs, r -> sizeClass(r.sizeBytes()), List.of(SIZE_NAMES))));
        h.append(svg("failures by payload dtype", tally(rs, FailureBars::dtype, List.of())));
        if (run.unlisted().cases() > 0) {
            h.append("<p>The plots count the listed cases; ").append(run.unlisted().cases()).append(" further passing cases were tallied, not listed.</p>\n");
        }
        return h.toString();
    }

    static String svg(String title, Map<String, long[]> bars) {
        long max = 1;
        for (long[] c : bars.values()) max = Math.max(max, c[0]);
        int height = 30 + ROW * Math.max(1, bars.size());
        int pw = WIDTH - LEFT - RIGHT;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bars\" width=\"").append(WIDTH).append("\" height=\"").append(height)
         .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\" role=\"img\" aria-label=\"").append(Markup.attr(title)).append("\">\n");
        s.append("<text x=\"0\" y=\"14\" font-size=\"13\" font-weight=\"bold\">").append(Markup.escape(title)).append("</text>\n");
        int y = 24;
        for (Map.Entry<String, long[]> e : bars.entrySet()) {
            long all = e.getValue()[0], bad = e.getValue()[1];
            double wAll = (double) all / max * pw, wBad = (double) bad / max * pw;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"12\">%s</text>\n", LEFT - 6, y + 14, Markup.escape(e.getKey())));
            s.append(String.format(Locale.ROOT, "<rect class=\"all\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#c8e6c9\"/>\n", LEFT, y + 2, wAll));
            s.append(String.format(Locale.ROOT, "<rect class=\"failed\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#c62828\"/>\n", LEFT, y + 2, wBad));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%d failed of %d</text>\n", LEFT + wAll + 6, y + 14, bad, all));
            y += ROW;
        }
        return s.append("</svg>\n").toString();
    }
}
