package org.permcheck.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.engine.report.RatioBars;
import org.permcheck.spi.bench.BenchRow;

/**
 * bench.md, bench.json and bench.html: one row per subject, each with its same-run baseline and
 * ratio; bench.html draws the ratios as bars against the copy and each ratio target
 * (engine.report.RatioBars).
 */
public final class BenchTable {
    public static final String MARKDOWN = "bench.md", JSON = "bench.json", HTML = "bench.html";

    private BenchTable() {}

    public static List<Path> write(List<BenchResult> results, Map<String, String> machine, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path md = dir.resolve(MARKDOWN), json = dir.resolve(JSON), html = dir.resolve(HTML);
        Files.writeString(md, markdown(results, machine), StandardCharsets.UTF_8);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), tree(results, machine));
        Files.writeString(html, RatioBars.page(machine, bars(results), markdown(results, machine)), StandardCharsets.UTF_8);
        return List.of(md, json, html);
    }

    public static String markdown(List<BenchResult> results, Map<String, String> machine) {
        StringBuilder sb = new StringBuilder("# permcheck bench\n\n");
        for (Map.Entry<String, String> e : machine.entrySet()) {
            sb.append("- ").append(e.getKey()).append(": ").append(cell(e.getValue())).append('\n');
        }
        sb.append("\nEach subject is timed in the same run as its baseline (a plain copy of the same output bytes); ")
          .append("the ratio is subject time / baseline time (median of the repeats).\n\n");
        sb.append("| subject | shape | output MB | time ms | baseline ms | ratio | target | peak MB | notes |\n");
        sb.append("|---|---|---:|---:|---:|---:|---|---:|---|\n");
        for (BenchResult r : results) {
            BenchRow w = r.row();
            sb.append("| ").append(cell(w.subject())).append(" | ").append(cell(w.shape()))
              .append(" | ").append(String.format(Locale.ROOT, "%.1f", w.bytes() / 1e6))
              .append(" | ").append(String.format(Locale.ROOT, "%.4f", w.nanos() / 1e6))
              .append(" | ").append(String.format(Locale.ROOT, "%.4f", w.baselineNanos() / 1e6))
              .append(" | ").append(String.format(Locale.ROOT, "%.2f", w.ratio()))
              .append(" | ").append(r.target() == null ? "" : cell(r.target()) + (r.met() ? " (met)" : " (**MISSED**)"))
              .append(" | ").append(w.peakBytes() < 0 ? "" : String.format(Locale.ROOT, "%.0f", w.peakBytes() / 1e6))
              .append(" | ").append(cell(notes(w))).append(" |\n");
        }
        sb.append("\nBaselines: ");
        results.stream().map(r -> r.row().baseline()).distinct().forEach(b -> sb.append(cell(b)).append("; "));
        return sb.append('\n').toString();
    }

    /** A bar per subject: its ratio, the ratio its target allows (when the target is one), and whether it missed. */
    static List<RatioBars.Bar> bars(List<BenchResult> results) {
        return results.stream().map(r -> new RatioBars.Bar(r.row().subject(), r.row().ratio(), RatioBars.limitOf(r.target()),
                r.target() != null && !r.met())).toList();
    }

    private static String notes(BenchRow w) {
        StringBuilder sb = new StringBuilder();
        w.notes().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return sb.toString();
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    static ObjectNode tree(List<BenchResult> results, Map<String, String> machine) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("format", "permcheck-bench");
        root.put("format_version", 1);
        ObjectNode mach = root.putObject("machine");
        machine.forEach(mach::put);
        ArrayNode rows = root.putArray("rows");
        for (BenchResult r : results) {
            BenchRow w = r.row();
            ObjectNode o = rows.addObject();
            o.put("subject", w.subject());
            o.put("shape", w.shape());
            o.put("bytes", w.bytes());
            o.put("nanos", w.nanos());
            o.put("baseline_nanos", w.baselineNanos());
            o.put("baseline", w.baseline());
            o.put("ratio", w.ratio());
            o.put("peak_bytes", w.peakBytes());
            if (r.target() != null) {
                o.put("target", r.target());
                o.put("target_met", r.met());
            }
            ObjectNode notes = o.putObject("notes");
            w.notes().forEach(notes::put);
        }
        return root;
    }
}
