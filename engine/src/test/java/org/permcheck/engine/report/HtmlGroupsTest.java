package org.permcheck.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Mismatch;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;

/** report.html's failure groups, filter, matrix links and failure bars (issue 13). */
class HtmlGroupsTest {
    private static CaseResult d3Fail(int i, String dtype, long bytes) {
        Violation v = new Violation("D3", "token_dispatch(...) output row " + i + " not zeroed",
                new Mismatch("output", i, 0, i, 0, "0x00000000 (0.0)", "0x3f800000 (1.0)"), 1);
        return new CaseResult("fuzz/seed=1/" + i, "token_dispatch", List.of("D1", "D2", "D3"), List.of("generated", dtype), Status.FAIL,
                List.of(v), null, 1000, bytes, 1L, null, null);
    }

    /** 12 D3 failures (one signature), one C1 ERROR, one PASS: hand-made, so the counts are known. */
    static RunResult manyOfOne() {
        List<CaseResult> rs = new ArrayList<>();
        for (int i = 0; i < 12; i++) rs.add(d3Fail(i, i < 4 ? "dtype:bf16" : "f32", i < 6 ? 100 : 2048));
        rs.add(new CaseResult("fuzz/seed=1/12", "token_combine", List.of("C1"), List.of("generated", "f16"), Status.ERROR,
                List.of(), "backend threw: boom", 10, 100, 1L, null, null));
        rs.add(new CaseResult("fuzz/seed=1/13", "token_combine", List.of("C1"), List.of("generated", "f16"), Status.PASS,
                List.of(), null, 10, 100, 1L, null, null));
        return new RunResult(SampleRuns.info(), rs, Map.of(), false, List.of());
    }

    @Test
    void groupsComeCountsFirstAndShowOnlyAFewFailuresWhole() {
        String html = HtmlReport.render(manyOfOne(), null);
        int d3 = html.indexOf("<b>12 cases</b> token_dispatch FAIL [D3] output");
        int err = html.indexOf("<b>1 case</b> token_combine ERROR");
        assertTrue(d3 > 0 && err > d3, "the 12-case group before the 1-case group");
        assertTrue(html.contains("D3 zero probability zeroes the row"), "the rule's title from the Rule enum");
        // 12 D3 cases + 1 ERROR: 5 whole blocks of the D3 group, the ERROR whole, 7 D3 cases one line each
        assertEquals(HtmlGroups.SHOWN_WHOLE + 1, count(html, "<div class=\"failure\">"));
        assertEquals(12 - HtmlGroups.SHOWN_WHOLE, count(html, "<li><code>fuzz/seed=1/"));
        assertTrue(html.contains("<option>token_combine</option>") && html.contains("<option>D3</option>") && html.contains("<option>ERROR</option>"));
    }

    @Test
    void matrixCellsLinkToTheGroupOfTheirRuleAndStatus() {
        HtmlGroups g = new HtmlGroups(manyOfOne());
        String d3 = g.anchorFor("D3", Status.FAIL), c1 = g.anchorFor("C1", Status.ERROR);
        assertEquals("token_dispatch FAIL [D3] output", groupOf(g, d3).table().signature().label());
        assertEquals("token_combine ERROR", groupOf(g, c1).table().signature().label());
        assertEquals(null, g.anchorFor("D1", Status.FAIL), "D1 held in every case: no failure group");
        String html = HtmlReport.render(manyOfOne(), null);
        assertTrue(html.contains("<td class=\"FAIL\"><a href=\"#" + d3 + "\">12</a></td>"), html);
        assertTrue(html.contains("<td class=\"ERROR\"><a href=\"#" + c1 + "\">1</a></td>"), html);
    }

    @Test
    void thePageIsBalancedAndEveryGroupIsLinkedAndEveryLinkLands() {
        for (RunResult run : List.of(manyOfOne(), SampleRuns.mixed())) {
            String html = HtmlReport.render(run, null);
            assertBalanced(html);
            Set<String> anchors = matches(html, "<details class=\"group\" id=\"([^\"]+)\"");
            Set<String> links = matches(html, "href=\"#([^\"]+)\"");
            assertEquals(new HtmlGroups(run).groups().size(), anchors.size());
            assertTrue(links.containsAll(anchors), "every group anchor linked: " + anchors + " vs " + links);
            assertTrue(anchors.containsAll(links), "every link lands on a group: " + links);
        }
    }

    @Test
    void balanceCheckSeesAnUnclosedGroup() {
        String broken = "<html><body><details class=\"group\" id=\"a\"><summary>x</summary></body></html>";
        assertTrue(assertThrowsAssertion(() -> assertBalanced(broken)));
    }

    @Test
    void sizeClassesAndDtypesComeFromBytesAndFeatureLabels() {
        assertEquals("< 1 KiB", FailureBars.sizeClass(1023));
        assertEquals("1 KiB - 64 KiB", FailureBars.sizeClass(1024));
        assertEquals(">= 64 MiB", FailureBars.sizeClass(1L << 26));
        assertEquals("bf16", FailureBars.dtype(d3Fail(0, "dtype:bf16", 1)));
        assertEquals("fp8-e4m3", FailureBars.dtype(d3Fail(0, "fp8-e4m3", 1)));
        assertEquals("-", FailureBars.dtype(d3Fail(0, "padding", 1)));
        RunResult run = manyOfOne();
        // by dtype: bf16 4 of 4 failed, f32 8 of 8, f16 1 of 2 (the ERROR; the PASS is not a failure)
        Map<String, long[]> byDtype = FailureBars.tally(run.results(), FailureBars::dtype, List.of());
        assertEquals(List.of("bf16", "f32", "f16"), List.copyOf(byDtype.keySet()));
        assertEquals(List.of(4L, 4L), List.of(byDtype.get("bf16")[0], byDtype.get("bf16")[1]));
        assertEquals(List.of(2L, 1L), List.of(byDtype.get("f16")[0], byDtype.get("f16")[1]));
        String html = HtmlReport.render(run, null);
        assertTrue(html.contains("8 failed of 8</text>"), "the f32 bar");
        assertTrue(html.contains("1 failed of 2</text>"), "the f16 bar");
        // by size: 6 D3 + ERROR + PASS under 1 KiB (7 failed of 8), 6 D3 in 1-64 KiB
        assertTrue(html.contains("7 failed of 8</text>") && html.contains("6 failed of 6</text>"), html);
    }

    private static HtmlGroups.Group groupOf(HtmlGroups g, String anchor) {
        return g.groups().stream().filter(x -> x.anchor().equals(anchor)).findFirst().orElseThrow();
    }

    private static boolean assertThrowsAssertion(Runnable r) {
        try {
            r.run();
            return false;
        } catch (AssertionError e) {
            return true;
        }
    }

    private static final Set<String> VOID = Set.of("meta", "br", "hr", "img", "input", "link", "col", "wbr");

    /**
     * Every element closed in order (void elements and self-closing SVG aside), script bodies
     * skipped: "well-formed enough" for a page a browser renders without repairs.
     */
    static void assertBalanced(String html) {
        String body = html.replaceAll("(?s)<script>.*?</script>", "<script></script>").replaceFirst("<!DOCTYPE html>", "");
        Matcher m = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>\"]|\"[^\"]*\")*?)(/?)>").matcher(body);
        Deque<String> open = new ArrayDeque<>();
        while (m.find()) {
            String tag = m.group(2).toLowerCase();
            if (!m.group(4).isEmpty() || VOID.contains(tag)) continue;
            if (m.group(1).isEmpty()) {
                open.push(tag);
            } else {
                String top = open.poll();
                if (!tag.equals(top)) throw new AssertionError("</" + tag + "> closes <" + top + "> at " + m.start());
            }
        }
        if (!open.isEmpty()) throw new AssertionError("unclosed: " + open);
    }

    private static Set<String> matches(String s, String regex) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = Pattern.compile(regex).matcher(s);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    private static int count(String s, String needle) {
        return s.split(Pattern.quote(needle), -1).length - 1;
    }
}
