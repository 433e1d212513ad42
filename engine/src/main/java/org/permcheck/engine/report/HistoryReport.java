package org.permcheck.engine.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * {@code permcheck report history}: a history file ({@link History}) as history.md (a table, oldest
 * first) and history.html (the same table and two inline SVG plots over time: cases per second and
 * failures per run). Runs are placed in the order they started, evenly spaced: the plot is a
 * scoreboard across commits, not a clock.
 */
public final class HistoryReport {
    public static final String MARKDOWN = "history.md", HTML = "history.html";
    static final int WIDTH = 720, HEIGHT = 220, LEFT = 70, RIGHT = 20, TOP = 28, BOTTOM = 40;

    private HistoryReport() {}

    /** Oldest first (ISO-8601 dates sort as text; equal dates keep file order). */
    static List<History.Entry> ordered(List<History.Entry> entries) {
        List<History.Entry> out = new ArrayList<>(entries);
        out.sort(Comparator.comparing(History.Entry::date));
        return out;
    }

    public static List<Path> write(List<History.Entry> entries, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path md = dir.resolve(MARKDOWN), html = dir.resolve(HTML);
        Files.writeString(md, markdown(entries), StandardCharsets.UTF_8);
        Files.writeString(html, html(entries), StandardCharsets.UTF_8);
        return List.of(md, html);
    }

    private static final String[] COLUMNS = {"date", "suite", "commit", "backend", "tier", "seed", "cases", "cases/s", "failures", "signatures", "verdict"};

    private static String[] row(History.Entry e) {
        String backend = e.backend().getOrDefault("name", "?") + (e.backend().containsKey("version") ? " " + e.backend().get("version") : "");
        String commit = e.gitCommit().length() > 12 ? e.gitCommit().substring(0, 12) : e.gitCommit();
        String cases = e.cases() + (e.campaign().containsKey("cases") ? " (campaign " + e.campaign().get("cases") + ")" : "");
        String failures = e.failures() + (e.campaign().containsKey("failures") ? " (campaign " + e.campaign().get("failures") + ")" : "");
        String sigs = e.signatures() + (e.campaign().containsKey("signatures") ? " (campaign " + e.campaign().get("signatures") + ")" : "");
        return new String[] {e.date(), e.suiteVersion(), commit, backend, e.tier(), e.seed(), cases,
                String.format(Locale.ROOT, "%.1f", e.casesPerSecond()), failures, sigs, e.verdict()};
    }

    public static String markdown(List<History.Entry> entries) {
        List<History.Entry> es = ordered(entries);
        StringBuilder md = new StringBuilder("# permcheck history\n\n").append(es.size()).append(es.size() == 1 ? " run" : " runs").append(", oldest first.\n\n|");
        for (String c : COLUMNS) md.append(' ').append(c).append(" |");
        md.append("\n|");
        for (String c : COLUMNS) md.append(c.equals("cases") || c.equals("cases/s") || c.equals("failures") || c.equals("signatures") ? "---:|" : "---|");
        md.append('\n');
        for (History.Entry e : es) {
            md.append('|');
            for (String cell : row(e)) md.append(' ').append(Markup.mdCell(cell)).append(" |");
            md.append('\n');
        }
        return md.toString();
    }

    public static String html(List<History.Entry> entries) {
        List<History.Entry> es = ordered(entries);
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>permcheck history</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}\n")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}\n")
                .append("</style>\n</head>\n<body>\n<h1>permcheck history</h1>\n<p>").append(es.size()).append(es.size() == 1 ? " run" : " runs")
                .append(", oldest first.</p>\n");
        h.append(plot("cases per second", es, History.Entry::casesPerSecond, "#1565c0"));
        h.append(plot("failures per run", es, e -> e.failures(), "#c62828"));
        h.append("<table id=\"history\"><tr>");
        for (String c : COLUMNS) h.append("<th>").append(Markup.escape(c)).append("</th>");
        h.append("</tr>\n");
        for (History.Entry e : es) {
            h.append("<tr>");
            for (String cell : row(e)) h.append("<td>").append(Markup.escape(cell)).append("</td>");
            h.append("</tr>\n");
        }
        return h.append("</table>\n</body>\n</html>\n").toString();
    }

    /** One series over the runs: a line through a dot per run, y from 0 to the series' largest value. */
    static String plot(String title, List<History.Entry> es, ToDoubleFunction<History.Entry> value, String colour) {
        double max = 0;
        for (History.Entry e : es) max = Math.max(max, value.applyAsDouble(e));
        if (max <= 0) max = 1;
        int pw = WIDTH - LEFT - RIGHT, ph = HEIGHT - TOP - BOTTOM;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ")
         .append(WIDTH).append(' ').append(HEIGHT).append("\" role=\"img\" aria-label=\"").append(Markup.attr(title)).append(" over time\">\n");
        s.append("<text x=\"").append(LEFT).append("\" y=\"16\" font-size=\"13\" font-weight=\"bold\">").append(Markup.escape(title)).append("</text>\n");
        s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(pw).append("\" height=\"").append(ph)
         .append("\" fill=\"#fafafa\" stroke=\"#888\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"12\">%s</text>\n", LEFT - 6, TOP + 4, number(max)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"12\">0</text>\n", LEFT - 6, TOP + ph + 4));
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < es.size(); i++) {
            double x = x(i, es.size(), pw), y = TOP + ph - value.applyAsDouble(es.get(i)) / max * ph;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        if (es.size() > 1) s.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\" points=\"").append(points.toString().strip()).append("\"/>\n");
        int labelEvery = Math.max(1, es.size() / 6);
        for (int i = 0; i < es.size(); i++) {
            History.Entry e = es.get(i);
            double x = x(i, es.size(), pw), y = TOP + ph - value.applyAsDouble(e) / max * ph;
            s.append(String.format(Locale.ROOT, "<circle class=\"run\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>", x, y, colour))
             .append(Markup.escape(e.date() + " " + e.gitCommit() + ": " + number(value.applyAsDouble(e)))).append("</title></circle>\n");
            if (i % labelEvery == 0 || i == es.size() - 1) {
                String day = e.date().length() >= 10 ? e.date().substring(0, 10) : e.date();
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%s</text>\n", x, TOP + ph + 16, Markup.escape(day)));
            }
        }
        return s.append("</svg>\n").toString();
    }

    /** Runs evenly spaced across the plot; a single run in the middle. */
    static double x(int i, int n, int pw) {
        return n == 1 ? LEFT + pw / 2.0 : LEFT + 10 + (double) i / (n - 1) * (pw - 20);
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
