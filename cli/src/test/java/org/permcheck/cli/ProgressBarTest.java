package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import org.permcheck.engine.model.Status;

class ProgressBarTest {

    @Test
    void withoutATerminalItPrintsPlainLinesOnly() {
        StringWriter sw = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(sw), false, "run", 0);
        bar.onCase(1, 3, Status.PASS, null);
        bar.onCase(2, 3, Status.FAIL, null);
        bar.onCase(3, 3, Status.NOT_SUPPORTED, null);
        bar.finish();
        String s = sw.toString();
        assertFalse(s.contains("\r"));
        assertEquals(3, s.lines().count());
        assertTrue(s.lines().toList().get(2).matches("run: 3/3 cases \\(\\d+/s\\), 1 not passing, \\d+ s"), s);
    }

    @Test
    void withALongIntervalOnlyTheFirstAndLastLinesAppear() {
        StringWriter sw = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(sw), false, "run", 3600);
        for (int i = 1; i <= 100; i++) bar.onCase(i, 100, Status.PASS, null);
        assertEquals(2, sw.toString().lines().count(), sw.toString());
    }

    @Test
    void onATerminalItRedrawsOneBar() {
        StringWriter sw = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(sw), true, "run", 10);
        bar.onCase(5, 10, Status.PASS, null);
        bar.onCase(10, 10, Status.PASS, null);
        bar.finish();
        String s = sw.toString();
        assertTrue(s.startsWith("\rrun [###############...............] 5/10"), s);
        assertTrue(s.contains("\rrun [##############################] 10/10"), s);
        assertTrue(s.endsWith("\n"));
    }

    @Test
    void aLineSaysTheRateTheSignaturesAndWhatIsLeft() {
        // a fuzz budget of an hour: the line counts distinct signatures of the cases that did not pass
        StringWriter sw = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(sw), false, "fuzz", 0).withBudget(java.time.Duration.ofHours(1));
        bar.onCase(1, -1, Status.FAIL, "token_dispatch FAIL [D1] output");
        bar.onCase(2, -1, Status.FAIL, "token_dispatch FAIL [D1] output");
        bar.onCase(3, -1, Status.ERROR, "token_combine ERROR");
        bar.onCase(4, -1, Status.PASS, null);
        String last = sw.toString().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.matches("fuzz: 4 cases \\(\\d+/s\\), 3 not passing in 2 signatures, \\d+ s of 3600 s \\(3\\d\\d\\d s left\\)"), last);
        // a known case count: what is left at the rate so far
        StringWriter sw2 = new StringWriter();
        ProgressBar run = new ProgressBar(new PrintWriter(sw2), false, "run", 0);
        run.onCase(1, 1000, Status.PASS, null);
        assertTrue(sw2.toString().strip().matches("run: 1/1000 cases \\(\\d+/s\\), 0 not passing, \\d+ s \\(about \\d+ s left\\)"), sw2.toString());
    }
}
