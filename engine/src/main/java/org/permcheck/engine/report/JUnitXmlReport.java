package org.permcheck.engine.report;

import java.util.Locale;
import java.util.Map;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunInfo;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.RunVerdict;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;

/**
 * junit.xml: one {@code <testsuite>} with one {@code <testcase>} per case, in the Ant/Surefire dialect
 * every CI understands. FAIL is {@code <failure>}; NOT_SUPPORTED is {@code <skipped>} (visible, never
 * a pass); ERROR, TIMEOUT, CRASH and HARNESS_ERROR are {@code <error type="STATUS">}. A failure an
 * expectation excuses is {@code <skipped>} with the excuse, so a CI reading junit.xml agrees with the
 * exit code. Each expectation problem becomes a failing testcase of its own, and so does a verdict
 * that no case carries (NOTHING JUDGED, INCOMPLETE): a gate reading only this file never sees green
 * where permcheck said otherwise.
 */
public final class JUnitXmlReport {
    private JUnitXmlReport() {}

    public static String render(RunResult run) {
        RunInfo info = run.info();
        StatusTable table = new StatusTable(run);
        long excused = run.results().stream().filter(CaseResult::excused).count();
        long excusedErrors = run.results().stream().filter(r -> r.excused() && r.status() != Status.FAIL).count();
        boolean verdictCase = run.verdict() == RunVerdict.NOTHING_JUDGED || run.verdict() == RunVerdict.INCOMPLETE;
        long failures = table.count(Status.FAIL) - (excused - excusedErrors) + run.expectationProblems().size() + (verdictCase ? 1 : 0);
        long errors = table.count(Status.ERROR) + table.count(Status.TIMEOUT) + table.count(Status.CRASH) + table.count(Status.HARNESS_ERROR)
                - excusedErrors;
        long skipped = table.count(Status.NOT_SUPPORTED) + excused;
        long unlisted = run.unlisted().cases() > 0 ? 1 : 0; // one testcase stands for the tallied passes
        long tests = run.results().size() + unlisted + run.expectationProblems().size() + (verdictCase ? 1 : 0);
        String suite = "permcheck." + BackendLabel.name(info) + "." + info.tier();

        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        // (the JUnit schema CI reporters read has no skipped attribute on <testsuites>)
        x.append("<testsuites name=\"permcheck\" tests=\"").append(tests).append("\" failures=\"").append(failures)
         .append("\" errors=\"").append(errors)
         .append("\" time=\"").append(seconds(info.wallMillis() * 1_000_000L)).append("\">\n");
        x.append("  <testsuite name=\"").append(Markup.attr(suite)).append("\" tests=\"").append(tests)
         .append("\" failures=\"").append(failures).append("\" errors=\"").append(errors)
         .append("\" skipped=\"").append(skipped)
         .append("\" time=\"").append(seconds(info.wallMillis() * 1_000_000L))
         .append("\" timestamp=\"").append(Markup.attr(info.startedAt())).append("\">\n");
        x.append("    <properties>\n");
        property(x, "verdict", run.verdict().label());
        property(x, "suite_version", info.suiteVersion());
        property(x, "git_commit", info.gitCommit());
        property(x, "tier", info.tier());
        property(x, "seeds", String.valueOf(info.seeds()));
        property(x, "jdk", info.jdk());
        property(x, "command_line", String.join(" ", info.commandLine()));
        for (Map.Entry<String, String> e : info.backend().entrySet()) property(x, "backend." + e.getKey(), e.getValue());
        x.append("    </properties>\n");

        for (CaseResult r : run.results()) testcase(x, r, BackendLabel.name(info));
        if (unlisted > 0) {
            x.append("    <testcase classname=\"permcheck.").append(Markup.attr(BackendLabel.name(info)))
             .append(".unlisted\" name=\"").append(run.unlisted().cases()).append(" further passing cases (counted, not listed)\" time=\"0\"/>\n");
        }
        if (verdictCase) {
            String why = run.verdict().label() + (run.verdictReasons().isEmpty() ? "" : ": " + String.join("; ", run.verdictReasons()));
            x.append("    <testcase classname=\"permcheck.verdict\" name=\"").append(Markup.attr(run.verdict().label())).append("\" time=\"0\">\n")
             .append("      <failure message=\"").append(Markup.attr(why)).append("\" type=\"").append(run.verdict().name()).append("\"/>\n    </testcase>\n");
        }
        for (String p : run.expectationProblems()) {
            x.append("    <testcase classname=\"permcheck.expectations\" name=\"").append(Markup.attr(p)).append("\" time=\"0\">\n")
             .append("      <failure message=\"").append(Markup.attr(p)).append("\" type=\"EXPECTATION\"/>\n    </testcase>\n");
        }
        return x.append("  </testsuite>\n</testsuites>\n").toString();
    }

    private static void testcase(StringBuilder x, CaseResult r, String backend) {
        x.append("    <testcase classname=\"permcheck.").append(Markup.attr(r.op())).append("\" name=\"").append(Markup.attr(r.caseId()))
         .append("\" time=\"").append(seconds(r.nanos())).append('"');
        if (r.status() == Status.PASS) {
            x.append("/>\n");
            return;
        }
        x.append(">\n");
        String first = r.violations().isEmpty() ? (r.detail() == null ? r.status().name() : r.detail()) : r.violations().get(0).render();
        StringBuilder body = new StringBuilder();
        for (Violation v : r.violations()) body.append(v.render()).append('\n');
        if (r.detail() != null) body.append(r.detail()).append('\n');
        if (r.shrunk() != null) body.append("minimal counterexample: ").append(r.shrunk()).append('\n');
        if (r.seed() != null) body.append("seed: ").append(r.seed()).append('\n');
        if (r.reproDir() != null) body.append("replay: ").append(ReplayCommand.of(r.reproDir(), backend)).append('\n');
        if (r.excused()) {
            x.append("      <skipped message=\"").append(Markup.attr("expected " + r.status() + " (excused: " + r.excuse() + "): " + first)).append("\"/>\n");
            x.append("    </testcase>\n");
            return;
        }
        switch (r.status()) {
            case FAIL:
                x.append("      <failure message=\"").append(Markup.attr(first)).append("\" type=\"FAIL\">")
                 .append(Markup.escape(body.toString())).append("</failure>\n");
                break;
            case NOT_SUPPORTED:
                x.append("      <skipped message=\"").append(Markup.attr("NOT_SUPPORTED: " + first)).append("\"/>\n");
                break;
            default:
                x.append("      <error message=\"").append(Markup.attr(first)).append("\" type=\"").append(r.status().name()).append("\">")
                 .append(Markup.escape(body.toString())).append("</error>\n");
        }
        x.append("    </testcase>\n");
    }

    private static void property(StringBuilder x, String name, String value) {
        x.append("      <property name=\"").append(Markup.attr(name)).append("\" value=\"").append(Markup.attr(value)).append("\"/>\n");
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.6f", nanos / 1e9);
    }
}
