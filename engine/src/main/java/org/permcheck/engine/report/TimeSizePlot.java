package org.permcheck.engine.report;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Status;

/**
 * An inline SVG scatter plot of time per case against case size, both axes logarithmic, drawn by
 * hand so report.html needs no script or external asset. One dot per case, coloured by status,
 * with the case id as a tooltip; decade grid lines labelled 1e3, 1e4, ...
 */
public final class TimeSizePlot {
    static final int WIDTH = 720, HEIGHT = 420;
    private static final int LEFT = 70, RIGHT = 20, TOP = 20, BOTTOM = 50;

    static final Map<Status, String> COLOURS = new EnumMap<>(Status.class);
    static {
        COLOURS.put(Status.PASS, "#2e7d32");
        COLOURS.put(Status.FAIL, "#c62828");
        COLOURS.put(Status.NOT_SUPPORTED, "#9e9e9e");
        COLOURS.put(Status.ERROR, "#ef6c00");
        COLOURS.put(Status.TIMEOUT, "#6a1b9a");
        COLOURS.put(Status.CRASH, "#000000");
        COLOURS.put(Status.HARNESS_ERROR, "#1565c0");
    }

    private TimeSizePlot() {}

    public static String svg(List<CaseResult> results) {
        // log10 ranges, widened to whole decades; sizes and times of 0 are drawn at 1 (log of 0 is undefined)
        double xMin = Double.MAX_VALUE, xMax = -Double.MAX_VALUE, yMin = Double.MAX_VALUE, yMax = -Double.MAX_VALUE;
        for (CaseResult r : results) {
            double x = log(r.sizeBytes()), y = log(r.nanos());
            xMin = Math.min(xMin, x); xMax = Math.max(xMax, x);
            yMin = Math.min(yMin, y); yMax = Math.max(yMax, y);
        }
        if (results.isEmpty()) { xMin = 0; xMax = 1; yMin = 0; yMax = 1; }
        xMin = Math.floor(xMin); xMax = Math.max(xMin + 1, Math.ceil(xMax));
        yMin = Math.floor(yMin); yMax = Math.max(yMin + 1, Math.ceil(yMax));

        int pw = WIDTH - LEFT - RIGHT, ph = HEIGHT - TOP - BOTTOM;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
         .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" role=\"img\" aria-label=\"time per case versus case size, log-log\">\n");
        s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(pw).append("\" height=\"").append(ph)
         .append("\" fill=\"#fafafa\" stroke=\"#888\"/>\n");
        for (int d = (int) xMin; d <= (int) xMax; d++) {
            double px = LEFT + (d - xMin) / (xMax - xMin) * pw;
            s.append(line(px, TOP, px, TOP + ph)).append(text(px, TOP + ph + 16, "middle", "1e" + d));
        }
        for (int d = (int) yMin; d <= (int) yMax; d++) {
            double py = TOP + ph - (d - yMin) / (yMax - yMin) * ph;
            s.append(line(LEFT, py, LEFT + pw, py)).append(text(LEFT - 6, py + 4, "end", "1e" + d));
        }
        s.append(text(LEFT + pw / 2.0, HEIGHT - 8, "middle", "case size (input bytes, log scale)"));
        s.append("<text x=\"14\" y=\"").append(TOP + ph / 2).append("\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 14 ")
         .append(TOP + ph / 2).append(")\">time per case (ns, log scale)</text>\n");
        for (CaseResult r : results) {
            double px = LEFT + (log(r.sizeBytes()) - xMin) / (xMax - xMin) * pw;
            double py = TOP + ph - (log(r.nanos()) - yMin) / (yMax - yMin) * ph;
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" fill-opacity=\"0.7\" class=\"pt %s\">",
                    px, py, COLOURS.get(r.status()), r.status().name()));
            s.append("<title>").append(Markup.escape(r.caseId() + ": " + r.status() + ", " + r.sizeBytes() + " B, " + r.nanos() + " ns"))
             .append("</title></circle>\n");
        }
        // legend
        int lx = LEFT + 10, ly = TOP + 14;
        for (Map.Entry<Status, String> e : COLOURS.entrySet()) {
            if (results.stream().noneMatch(r -> r.status() == e.getKey())) continue;
            s.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/>", lx, ly - 4, e.getValue()));
            s.append(text(lx + 8, ly, "start", e.getKey().name()));
            ly += 16;
        }
        return s.append("</svg>\n").toString();
    }

    private static double log(long v) { return Math.log10(Math.max(1, v)); }

    private static String line(double x1, double y1, double x2, double y2) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x1, y1, x2, y2);
    }

    private static String text(double x, double y, String anchor, String t) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"12\">%s</text>\n", x, y, anchor, Markup.escape(t));
    }
}
