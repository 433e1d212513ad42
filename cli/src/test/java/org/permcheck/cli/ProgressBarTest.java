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
        bar.onCase(1, 3, Status.PASS);
        bar.onCase(2, 3, Status.FAIL);
        bar.onCase(3, 3, Status.NOT_SUPPORTED);
        bar.finish();
        String s = sw.toString();
        assertFalse(s.contains("\r"));
        assertEquals(3, s.lines().count());
        assertTrue(s.lines().toList().get(2).startsWith("run: 3/3 cases, 1 not passing"), s);
    }

    @Test
    void withALongIntervalOnlyTheFirstAndLastLinesAppear() {
        StringWriter sw = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(sw), false, "run", 3600);
        for (int i = 1; i <= 100; i++) bar.onCase(i, 100, Status.PASS);
        assertEquals(2, sw.toString().lines().count(), sw.toString());
    }

    @Test
    void onATerminalItRedrawsOneBar() {
        StringWriter sw = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(sw), true, "run", 10);
        bar.onCase(5, 10, Status.PASS);
        bar.onCase(10, 10, Status.PASS);
        bar.finish();
        String s = sw.toString();
        assertTrue(s.startsWith("\rrun [###############...............] 5/10"), s);
        assertTrue(s.contains("\rrun [##############################] 10/10"), s);
        assertTrue(s.endsWith("\n"));
    }
}
