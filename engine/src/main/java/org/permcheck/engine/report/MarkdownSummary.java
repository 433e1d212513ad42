package org.permcheck.engine.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.permcheck.engine.fuzz.ClassCounts;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunInfo;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;

/**
 * summary.md: what a person reads first (and what CI posts on a pull request). Verdict line, counts
 * per status, the rule x status table, NOT_SUPPORTED per feature, then the first failures with their
 * messages and the command that replays each.
 */
public final class MarkdownSummary {
    /** How many failures are spelled out; the rest are in report.json and report.html. */
    public static final int FIRST_FAILURES = 10;

    private MarkdownSummary() {}

    public static String render(RunResult run) {
        RunInfo info = run.info();
        StatusTable table = new StatusTable(run);
        String backend = BackendLabel.name(info);
        StringBuilder md = new StringBuilder();
        md.append("# permcheck: ").append(run.headline()).append("\n\n");
        md.append("**Verdict: ").append(run.headline()).append("** for backend ").append(Markup.mdCode(BackendLabel.describe(info)))
          .append(", tier ").append(Markup.mdCode(info.tier())).append(", ").append(run.totalCases()).append(" cases");
        if (table.count(Status.NOT_SUPPORTED) > 0) {
            md.append(" (").append(table.count(Status.NOT_SUPPORTED)).append(" NOT_SUPPORTED, never counted as passes)");
        }
        md.append(".\n\n");
        if (run.robustnessLine() != null) md.append("**Robustness:** ").append(Markup.mdCell(run.robustnessLine())).append("\n\n");
        for (String reason : run.verdictReasons()) md.append("- ").append(Markup.mdCell(reason)).append('\n');
        if (!run.verdictReasons().isEmpty()) md.append('\n');
        if (run.unlisted().cases() > 0) {
            md.append(run.unlisted().cases()).append(" passing cases of this long run are counted below but not listed one by one ")
              .append("(every case that did not pass is).\n\n");
        }
        md.append("- suite ").append(Markup.mdCell(info.suiteVersion())).append(" at commit ").append(Markup.mdCode(info.gitCommit())).append("\n");
        if (info.vectorSet() != null) {
            md.append("- vector set: ").append(info.vectorSet().count()).append(" vectors, sha256 ").append(Markup.mdCode(info.vectorSet().sha256())).append('\n');
        }
        if (info.backend().containsKey(RunInfo.DETERMINISM)) {
            md.append("- determinism declared (R1): ").append(Markup.mdCell(info.backend().get(RunInfo.DETERMINISM))).append('\n');
        }
        md.append("- seeds: ").append(info.seeds().isEmpty() ? "none" : Markup.mdCell(String.valueOf(info.seeds()))).append('\n');
        md.append("- JDK ").append(Markup.mdCell(info.jdk())).append(", started ").append(Markup.mdCell(info.startedAt()))
          .append(", took ").append(String.format(Locale.ROOT, "%.1f s", info.wallMillis() / 1000.0)).append('\n');
        md.append("- command: ").append(Markup.mdCode(String.join(" ", info.commandLine()))).append("\n\n");

        md.append("## Counts\n\n| status | cases |\n|---|---:|\n");
        for (Status s : Status.values()) md.append("| ").append(s.name()).append(" | ").append(table.count(s)).append(" |\n");
        md.append('\n');

        if (!run.expectationProblems().isEmpty()) {
            md.append("## Expectation problems\n\n");
            for (String p : run.expectationProblems()) md.append("- ").append(Markup.mdCell(p)).append('\n');
            md.append('\n');
        }

        md.append("## Rules\n\nCases per rule and status; a FAIL counts against the rules it violates (the other rules of the case held).\n\n| rule |");
        List<Status> shown = table.shownStatuses();
        for (Status s : shown) md.append(' ').append(s.name()).append(" |");
        md.append("\n|---|");
        for (int i = 0; i < shown.size(); i++) md.append("---:|");
        md.append('\n');
        for (String rule : table.perRule().keySet()) {
            md.append("| ").append(Markup.mdCell(rule)).append(" |");
            for (Status s : shown) md.append(' ').append(table.count(rule, s)).append(" |");
            md.append('\n');
        }
        md.append('\n');

        appendClasses(md, ClassCounts.of(run));

        if (!table.notSupportedPerFeature().isEmpty()) {
            md.append("## NOT_SUPPORTED per feature\n\n| feature | cases |\n|---|---:|\n");
            for (Map.Entry<String, Long> e : table.notSupportedPerFeature().entrySet()) {
                md.append("| ").append(Markup.mdCell(e.getKey())).append(" | ").append(e.getValue()).append(" |\n");
            }
            md.append('\n');
        }

        List<CaseResult> failures = table.failures();
        if (!failures.isEmpty()) {
            md.append("## Failure signatures\n\nFailures grouped by op, status, rule and output of the first mismatch; each case counts, ")
              .append("only a few bundles are kept per signature.\n\n| signature | cases | bundles kept | first case |\n|---|---:|---:|---|\n");
            for (SignatureTable.Group g : SignatureTable.of(run)) {
                md.append("| ").append(Markup.mdCell(g.signature().label())).append(" | ").append(g.cases()).append(" | ")
                  .append(g.bundles().size()).append(" | ").append(Markup.mdCode(g.firstCase())).append(" |\n");
            }
            md.append('\n');
            md.append("## First failures\n\n");
            int shownCount = Math.min(FIRST_FAILURES, failures.size());
            for (int i = 0; i < shownCount; i++) appendFailure(md, failures.get(i), backend);
            if (failures.size() > shownCount) {
                md.append("... and ").append(failures.size() - shownCount).append(" more (see report.json / report.html).\n");
            }
        }
        return md.toString();
    }

    /** Generated cases per size class and routing dtype (issue 11), when the run had any. */
    private static void appendClasses(StringBuilder md, ClassCounts classes) {
        if (classes.sizes().values().stream().allMatch(c -> c.ran() == 0)) return; // no generated case
        md.append("## Size classes and routing dtypes\n\nGenerated cases per size class (docs/generator.md section 9) and per dtype of ")
          .append("dispatch's routing_map.\n\n| class | cases | failed |\n|---|---:|---:|\n");
        classes.sizes().forEach((l, c) -> md.append("| ").append(Markup.mdCell(l)).append(" | ").append(c.ran()).append(" | ").append(c.failed()).append(" |\n"));
        classes.routing().forEach((l, c) -> md.append("| ").append(Markup.mdCell(l)).append(" | ").append(c.ran()).append(" | ").append(c.failed()).append(" |\n"));
        md.append('\n');
    }

    private static void appendFailure(StringBuilder md, CaseResult r, String backend) {
        md.append("### ").append(r.status().name()).append(r.excused() ? " (expected)" : "").append(": ").append(Markup.mdCode(r.caseId())).append("\n\n");
        md.append("- op ").append(Markup.mdCode(r.op())).append(", rules ").append(Markup.mdCell(String.join(", ", r.rules())));
        if (r.seed() != null) md.append(", seed ").append(r.seed());
        md.append('\n');
        if (r.excused()) md.append("- excused by the expectations: ").append(Markup.mdCell(r.excuse())).append('\n');
        if (r.shrunk() != null) md.append("- minimal counterexample: ").append(Markup.mdCell(r.shrunk())).append('\n');
        StringBuilder text = new StringBuilder();
        for (Violation v : r.violations()) text.append(v.render()).append('\n');
        if (r.detail() != null) text.append(r.detail()).append('\n');
        if (text.length() > 0) {
            String fence = Markup.fenceFor(text.toString());
            md.append('\n').append(fence).append('\n').append(text).append(fence).append('\n');
        }
        if (r.reproDir() != null) {
            String cmd = ReplayCommand.of(r.reproDir(), backend);
            String fence = Markup.fenceFor(cmd);
            md.append("\nreplay:\n\n").append(fence).append("sh\n").append(cmd).append('\n').append(fence).append('\n');
        }
        md.append('\n');
    }
}
