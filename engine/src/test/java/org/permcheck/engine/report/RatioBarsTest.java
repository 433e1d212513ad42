package org.permcheck.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;

/** bench.html's bars: log-scaled ratios to the copy, the target of a ratio target, escaped labels. */
class RatioBarsTest {
    @Test
    void targetsThatAreRatiosAreReadOthersAreNot() {
        assertEquals(5.0, RatioBars.limitOf("ratio <= 5"));
        assertEquals(2.5, RatioBars.limitOf(" ratio<=2.5 "));
        assertNull(RatioBars.limitOf(">= 2000 cases/s"));
        assertNull(RatioBars.limitOf(null));
    }

    @Test
    void barsAreLogScaledAndTheTargetSitsAtItsRatio() throws Exception {
        String svg = RatioBars.svg(List.of(new RatioBars.Bar("oracle <x>", 10, 5.0, true), new RatioBars.Bar("fuzz", 100, null, false)));
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertTrue(svg.contains("oracle &lt;x&gt;"));
        Matcher m = Pattern.compile("class=\"ratio\" x=\"(\\d+)\" y=\"\\d+\" width=\"([0-9.]+)\" height=\"16\" fill=\"(#[0-9a-f]+)\"").matcher(svg);
        assertTrue(m.find());
        double w10 = Double.parseDouble(m.group(2));
        assertEquals("#c62828", m.group(3), "missed target: red");
        assertTrue(m.find());
        double w100 = Double.parseDouble(m.group(2));
        // the axis spans 2 decades (largest ratio 100): ratio 10 is half the width of ratio 100 (by hand: log10 10 / log10 100)
        assertEquals(0.5, w10 / w100, 1e-3);
        Matcher t = Pattern.compile("class=\"target\" x1=\"([0-9.]+)\"").matcher(svg);
        assertTrue(t.find());
        double plot = RatioBars.WIDTH - RatioBars.LEFT - RatioBars.RIGHT;
        assertEquals(RatioBars.LEFT + Math.log10(5) / 2 * plot, Double.parseDouble(t.group(1)), 0.1);
        assertTrue(!t.find(), "no target mark for a subject whose target is not a ratio");
    }
}
