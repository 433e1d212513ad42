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
        assertFalse(md.contains("<script>"));
        // the replay path holds a single quote: it is shell-quoted
        assertTrue(md.contains("./permcheck replay 'reports/x/repro/it'\\''s here' --backend cpu"));
    }
}
