package org.permcheck.engine.report;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunInfo;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;

/**
 * report.html: one self-contained page (inline CSS, SVG and a few lines of inline script; no network,
 * no external asset) that can be attached to an issue or archived by CI: verdict, run info, the rule
 * x status matrix (rule titles from {@link org.permcheck.contract.Rule}, cells linking to their
 * failure group), NOT_SUPPORTED per feature, the failures grouped by signature with counts first
 * ({@link HtmlGroups}: expandable, filterable by op, rule and status), failures by size class and
 * dtype ({@link FailureBars}), the time-versus-size plot, and the full case list. Without script the
 * page still shows everything (the filter is the only thing that needs it).
 */
public final class HtmlReport {
    private HtmlReport() {}

    /** @param reportDir where the page will live, so bundle links can be relative (null: no links) */
    public static String render(RunResult run, Path reportDir) {
        RunInfo info = run.info();
        StatusTable table = new StatusTable(run);
        String backend = BackendLabel.name(info);
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>permcheck: ")
         .append(Markup.escape(run.headline())).append(" - ").append(Markup.escape(BackendLabel.describe(info))).append("</title>\n")
         .append("<style>\n")
         .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}\n")
         .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\n")
         .append("td.l,th.l{text-align:left}.verdict{font-size:1.6em;font-weight:bold}\n")
         .append(".ok{color:#2e7d32}.bad{color:#c62828}.zero{color:#bbb}\n")
         .append("td.PASS{background:#e8f5e9}td.FAIL,td.ERROR,td.TIMEOUT,td.CRASH,td.HARNESS_ERROR{background:#ffebee}td.NOT_SUPPORTED{background:#f5f5f5}\n")
         .append("pre{background:#f6f8fa;padding:8px;overflow-x:auto;white-space:pre-wrap}\n")
         .append(".failure{border-left:4px solid #c62828;padding-left:1em;margin:1.5em 0}\n")
         .append("details.group{border:1px solid #ddd;margin:.4em 0;padding:.3em .6em}details.group>summary{cursor:pointer}\n")
         .append(".title{color:#555;font-weight:normal}td a{color:inherit}#filter{margin:1em 0}svg.bars{display:block;margin:1em 0}\n")
         .append("</style>\n</head>\n<body>\n");

        h.append("<h1>permcheck report</h1>\n<p class=\"verdict ").append(run.conformant() && !run.robustness().isUnsafe() ? "ok" : "bad").append("\" id=\"verdict\">")
         .append(Markup.escape(run.headline())).append("</p>\n");
        if (run.robustnessLine() != null) {
            h.append("<p class=\"").append(run.robustness().isUnsafe() ? "bad" : "ok").append("\" id=\"robustness\">")
             .append(Markup.escape(run.robustnessLine())).append("</p>\n");
        }
        for (String reason : run.verdictReasons()) h.append("<p class=\"reason\">").append(Markup.escape(reason)).append("</p>\n");
        h.append("<table id=\"run-info\">\n");
        row(h, "backend", BackendLabel.describe(info));
        for (Map.Entry<String, String> e : info.backend().entrySet()) row(h, "backend." + e.getKey(), e.getValue());
        row(h, "tier", info.tier());
        row(h, "seeds", String.valueOf(info.seeds()));
        row(h, "suite", info.suiteVersion() + " @ " + info.gitCommit());
        row(h, "JDK", info.jdk());
        row(h, "started", info.startedAt());
        row(h, "wall time", String.format(Locale.ROOT, "%.1f s", info.wallMillis() / 1000.0));
        row(h, "command", String.join(" ", info.commandLine()));
        h.append("</table>\n");

        h.append("<h2>Counts</h2>\n<table id=\"counts\"><tr>");
        for (Status s : Status.values()) h.append("<th>").append(s.name()).append("</th>");
        h.append("</tr><tr>");
        for (Status s : Status.values()) cell(h, s, table.count(s));
        h.append("</tr></table>\n");

        if (!run.expectationProblems().isEmpty()) {
            h.append("<h2>Expectation problems</h2>\n<ul>\n");
            for (String p : run.expectationProblems()) h.append("<li>").append(Markup.escape(p)).append("</li>\n");
            h.append("</ul>\n");
        }

        h.append("<h2>Rules &times; status</h2>\n<p>Cases per rule and status; a FAIL counts against the rules it violates (the other rules of the case held).</p>\n<table id=\"rule-matrix\"><tr><th class=\"l\">rule</th>");
        List<Status> shown = table.shownStatuses();
        for (Status s : shown) h.append("<th>").append(s.name()).append("</th>");
        h.append("</tr>\n");
        HtmlGroups groups = new HtmlGroups(run);
        for (String rule : table.perRule().keySet()) {
            h.append("<tr><td class=\"l\">").append(Markup.escape(rule));
            String title = HtmlGroups.ruleLabel(rule);
            if (!title.equals(rule)) h.append(" <span class=\"title\">").append(Markup.escape(title.substring(rule.length() + 1))).append("</span>");
            h.append("</td>");
            for (Status s : shown) {
                long n = table.count(rule, s);
                String anchor = n == 0 || s == Status.PASS || s == Status.NOT_SUPPORTED ? null : groups.anchorFor(rule, s);
                if (anchor == null) {
                    cell(h, s, n);
                } else {
                    h.append("<td class=\"").append(s.name()).append("\"><a href=\"#").append(Markup.attr(anchor)).append("\">").append(n).append("</a></td>");
                }
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");

        if (!table.notSupportedPerFeature().isEmpty()) {
            h.append("<h2>NOT_SUPPORTED per feature</h2>\n<table id=\"not-supported\"><tr><th class=\"l\">feature</th><th>cases</th></tr>\n");
            for (Map.Entry<String, Long> e : table.notSupportedPerFeature().entrySet()) {
                h.append("<tr><td class=\"l\">").append(Markup.escape(e.getKey())).append("</td><td>").append(e.getValue()).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }

        if (!table.failures().isEmpty()) groups.table(h);
        h.append("<h2>Failures</h2>\n");
        if (table.failures().isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<p>Grouped by signature, most cases first; open a group for its failures.</p>\n");
            groups.filter(h);
            groups.groups(h, (sb, r) -> failure(sb, r, backend, reportDir));
        }

        h.append(FailureBars.html(run));
        h.append("<h2>Time per case versus case size</h2>\n").append(TimeSizePlot.svg(run.results()));

        h.append("<h2>All cases</h2>\n<details><summary>").append(run.results().size()).append(" cases")
         .append(run.unlisted().cases() > 0 ? " listed; " + run.unlisted().cases() + " further passing cases counted, not listed" : "")
         .append("</summary>\n")
         .append("<table id=\"cases\"><tr><th class=\"l\">case</th><th class=\"l\">op</th><th class=\"l\">status</th><th class=\"l\">rules</th><th>bytes</th><th>ms</th></tr>\n");
        for (CaseResult r : run.results()) {
            h.append("<tr><td class=\"l\">").append(Markup.escape(r.caseId())).append("</td><td class=\"l\">").append(Markup.escape(r.op()))
             .append("</td><td class=\"l ").append(r.status().name()).append("\">").append(r.status().name())
             .append("</td><td class=\"l\">").append(Markup.escape(String.join(" ", r.rules())))
             .append("</td><td>").append(r.sizeBytes()).append("</td><td>")
             .append(String.format(Locale.ROOT, "%.3f", r.nanos() / 1e6)).append("</td></tr>\n");
        }
        h.append("</table>\n</details>\n");
        if (!table.failures().isEmpty()) h.append(HtmlGroups.SCRIPT);
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void failure(StringBuilder h, CaseResult r, String backend, Path reportDir) {
        h.append("<div class=\"failure\">\n<h3>").append(r.status().name()).append(r.excused() ? " (expected)" : "").append(": <code>")
         .append(Markup.escape(r.caseId())).append("</code></h3>\n");
        if (r.excused()) h.append("<p>excused by the expectations: ").append(Markup.escape(r.excuse())).append("</p>\n");
        h.append("<p>op <code>").append(Markup.escape(r.op())).append("</code>, rules ").append(Markup.escape(String.join(", ", r.rules())));
        if (r.seed() != null) h.append(", seed ").append(r.seed());
        h.append("</p>\n");
        if (r.shrunk() != null) {
            h.append("<p>minimal counterexample:</p>\n<pre class=\"counterexample\">").append(Markup.escape(r.shrunk())).append("</pre>\n");
        }
        if (!r.violations().isEmpty() || r.detail() != null) {
            h.append("<pre class=\"message\">");
            for (Violation v : r.violations()) h.append(Markup.escape(v.render())).append('\n');
            if (r.detail() != null) h.append(Markup.escape(r.detail())).append('\n');
            h.append("</pre>\n");
        }
        String link = bundleLink(r.reproDir(), reportDir);
        if (link != null) {
            h.append("<p>repro bundle: <a href=\"").append(Markup.attr(link)).append("\">").append(Markup.escape(link)).append("</a></p>\n");
        }
        if (r.reproDir() != null) {
            h.append("<p>replay:</p>\n<pre class=\"replay\">").append(Markup.escape(ReplayCommand.of(r.reproDir(), backend))).append("</pre>\n");
        }
        h.append("</div>\n");
    }

    /**
     * A relative link from the page to a bundle under it ("repro/x/"), percent-encoded per path
     * segment; null when there is no bundle or it lies outside the report directory.
     */
    static String bundleLink(String reproDir, Path reportDir) {
        if (reproDir == null || reportDir == null) return null;
        Path bundle;
        try {
            bundle = Path.of(reproDir).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
        Path base = reportDir.toAbsolutePath().normalize();
        if (!bundle.startsWith(base)) return null;
        StringBuilder sb = new StringBuilder();
        for (Path seg : base.relativize(bundle)) {
            sb.append(java.net.URLEncoder.encode(seg.toString(), StandardCharsets.UTF_8).replace("+", "%20")).append('/');
        }
        return sb.toString();
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th class=\"l\">").append(Markup.escape(key)).append("</th><td class=\"l\">").append(Markup.escape(value)).append("</td></tr>\n");
    }

    private static void cell(StringBuilder h, Status s, long n) {
        h.append("<td class=\"").append(n == 0 ? "zero" : s.name()).append("\">").append(n).append("</td>");
    }
}
