package org.permcheck.engine.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * bench.html's plot (docs/cli.md "Bench"): one bar per bench subject, its time as a ratio to the
 * same-run copy of the same bytes, on a log scale so a ratio of 2 and one of 150 both read. A line
 * marks the copy itself (ratio 1, the floor no subject can beat by much) and, for a subject whose
 * target is a ratio ("ratio <= 5"), a dashed mark at its target; a bar is red when its target was missed.
 */
public final class RatioBars {
    static final int WIDTH = 760, ROW = 26, LEFT = 250, RIGHT = 90, TOP = 30;

    /**
     * One subject.
     *
     * @param label  what was timed
     * @param ratio  subject time / copy time
     * @param limit  the ratio its target allows, or null when its target is not a ratio (or it has none)
     * @param missed whether it missed its target
     */
    public record Bar(String label, double ratio, Double limit, boolean missed) {}

    private RatioBars() {}

    /** The ratio a target such as "ratio <= 5" allows, or null for another kind of target. */
    public static Double limitOf(String target) {
        if (target == null) return null;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^ratio\\s*<=\\s*([0-9]+(?:\\.[0-9]+)?)$").matcher(target.strip());
        return m.matches() ? Double.valueOf(m.group(1)) : null;
    }

    public static String svg(List<Bar> bars) {
        double max = 10;
        for (Bar b : bars) max = Math.max(max, Math.max(b.ratio(), b.limit() == null ? 0 : b.limit()));
        double decades = Math.ceil(Math.log10(max));
        int pw = WIDTH - LEFT - RIGHT, height = TOP + ROW * Math.max(1, bars.size()) + 30;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ratios\" width=\"").append(WIDTH).append("\" height=\"").append(height)
         .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\" role=\"img\" aria-label=\"time as a ratio to a copy, log scale\">\n");
        s.append("<text x=\"0\" y=\"16\" font-size=\"13\" font-weight=\"bold\">time / copy of the same bytes (log scale; 1 = the copy)</text>\n");
        int bottom = TOP + ROW * Math.max(1, bars.size());
        for (int d = 0; d <= decades; d++) {
            double x = LEFT + d / decades * pw;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>\n", x, TOP, x, bottom, d == 0 ? "#333" : "#ddd"));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%s</text>\n", x, bottom + 14,
                    d == 0 ? "1 (copy)" : "1e" + d));
        }
        int y = TOP;
        for (Bar b : bars) {
            double w = Math.max(0, Math.log10(Math.max(1, b.ratio())) / decades * pw);
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"12\">%s</text>\n", LEFT - 6, y + 16, Markup.escape(b.label())));
            s.append(String.format(Locale.ROOT, "<rect class=\"ratio\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>\n", LEFT, y + 4, w,
                    b.missed() ? "#c62828" : "#1565c0"));
            if (b.limit() != null) {
                double lx = LEFT + Math.log10(Math.max(1, b.limit())) / decades * pw;
                s.append(String.format(Locale.ROOT, "<line class=\"target\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" stroke-dasharray=\"3,2\" stroke-width=\"2\"/>\n",
                        lx, y + 1, lx, y + 23));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%s</text>\n", LEFT + w + 6, y + 16,
                    Markup.escape(String.format(Locale.ROOT, "%.2f", b.ratio()) + (b.limit() == null ? "" : " (target <= " + limitText(b.limit()) + ")"))));
            y += ROW;
        }
        return s.append("</svg>\n").toString();
    }

    /** "5" for 5.0, "2.5" for 2.5: the target as its text wrote it. */
    static String limitText(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** bench.html: the machine, the bars, and the Markdown table as preformatted text. */
    public static String page(Map<String, String> machine, List<Bar> bars, String markdownTable) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>permcheck bench</title>\n")
                .append("<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}pre{background:#f6f8fa;padding:8px;overflow-x:auto}</style>\n")
                .append("</head>\n<body>\n<h1>permcheck bench</h1>\n<ul>\n");
        machine.forEach((k, v) -> h.append("<li>").append(Markup.escape(k)).append(": ").append(Markup.escape(v)).append("</li>\n"));
        h.append("</ul>\n").append(svg(bars)).append("<pre>").append(Markup.escape(markdownTable)).append("</pre>\n</body>\n</html>\n");
        return h.toString();
    }
}
