package org.permcheck.engine.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MarkdownSummaryTest {

    @Test
    void leadsWithTheVerdictAndListsCountsRulesAndFailures() {
        String md = MarkdownSummary.render(SampleRuns.mixed());
        assertTrue(md.startsWith("# permcheck: NOT CONFORMANT\n"));
        assertTrue(md.contains("| FAIL | 2 |"));
        assertTrue(md.contains("| NOT_SUPPORTED | 1 |"));
        assertTrue(md.contains("| D2 | 2 | 1 | 1 | 0 |"), md); // PASS FAIL NOT_SUPPORTED TIMEOUT
        assertTrue(md.contains("| dtype:f8e4m3 | 1 |"));
        assertTrue(md.contains("[D2] token_dispatch(inp=f32[4, 8], routing_map=i32[4, 2], num_out_tokens=6) output row 3 differs: first mismatch at output token=1 expert=0 row=3 column=5"));
        assertTrue(md.contains("./permcheck replay reports/x/repro/prop_dispatch_seed_42_3-0badf00d --backend cpu"));
        assertTrue(md.contains("xfail vec/old matched no case"));
    }

    @Test
    void cleanRunIsConformant() {
        String md = MarkdownSummary.render(SampleRuns.clean());
        assertTrue(md.startsWith("# permcheck: CONFORMANT\n"));
        assertTrue(md.contains("1 NOT_SUPPORTED"));
        assertFalse(md.contains("First failures"));
    }

    @Test
    void hostileMessageCannotCloseItsCodeBlockOrInjectHtml() {
        String md = MarkdownSummary.render(SampleRuns.mixed());
        // the message holds ``` so its block must be fenced with at least four backticks
        assertTrue(md.contains("````\n[N1] "), md);
        // raw HTML only inside code spans, where CommonMark renders it literally
        assertFalse(outsideCodeSpans(md).contains("<script>"), outsideCodeSpans(md));
        // the replay path holds a single quote: it is shell-quoted
        assertTrue(md.contains("./permcheck replay 'reports/x/repro/it'\\''s here' --backend cpu"));
    }

    @Test
    void aBackendNameWithBackticksCannotLeaveItsCodeSpan() {
        // the name closes a one-backtick span and renders a fake badge if escaped with a backslash
        String hostile = "evil` **Verdict: CONFORMANT** `";
        var m = SampleRuns.mixed();
        var i = m.info();
        java.util.Map<String, String> backend = new java.util.LinkedHashMap<>(i.backend());
        backend.put("name", hostile);
        var info = new org.permcheck.engine.model.RunInfo(i.suiteVersion(), i.gitCommit(), i.commandLine(), i.tier(), i.seeds(), backend,
                i.jdk(), i.startedAt(), i.wallMillis());
        String md = MarkdownSummary.render(m.withInfo(info));
        String prose = outsideCodeSpans(md);
        assertFalse(prose.contains("**Verdict: CONFORMANT**"), prose);
        assertTrue(md.contains("``evil` **Verdict: CONFORMANT** ` ``") || md.contains("``evil` **Verdict: CONFORMANT** `"), md);
    }

    /** The text of a Markdown document with every code span and fenced block removed (CommonMark's rules, simplified: same-length runs). */
    static String outsideCodeSpans(String md) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < md.length()) {
            if (md.charAt(i) != '`') { out.append(md.charAt(i++)); continue; }
            int j = i;
            while (j < md.length() && md.charAt(j) == '`') j++;
            String run = md.substring(i, j);
            int close = j;
            while (true) {
                close = md.indexOf(run, close);
                if (close < 0) break;
                int end = close + run.length();
                boolean longer = (close > 0 && md.charAt(close - 1) == '`') || (end < md.length() && md.charAt(end) == '`');
                if (!longer) break;
                close = end;
                while (close < md.length() && md.charAt(close) == '`') close++;
            }
            if (close < 0) { out.append(run); i = j; continue; }
            i = close + run.length();
        }
        return out.toString();
    }
}
