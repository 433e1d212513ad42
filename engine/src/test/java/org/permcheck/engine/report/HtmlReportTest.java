package org.permcheck.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class HtmlReportTest {

    @Test
    void containsVerdictMatrixFailuresAndAnInlineSvg() {
        String html = HtmlReport.render(SampleRuns.mixed(), null);
        assertTrue(html.contains("id=\"verdict\">NOT CONFORMANT<"));
        assertTrue(html.contains("id=\"rule-matrix\""));
        // rule D2 row: PASS 2, FAIL 1 (hand count from SampleRuns.mixed), its title, the FAIL linked to its group
        assertTrue(html.contains("<tr><td class=\"l\">D2 <span class=\"title\">row copy</span></td><td class=\"PASS\">2</td><td class=\"FAIL\"><a href=\"#sig-"), html);
        assertTrue(html.contains("<svg"));
        assertTrue(html.contains("minimal counterexample"));
        assertTrue(html.contains("./permcheck replay reports/x/repro/prop_dispatch_seed_42_3-0badf00d --backend cpu"));
        // self-contained: no external assets; one inline script (the filter), no script file
        assertEquals(1, html.split("<script", -1).length - 1);
        assertTrue(html.contains("<script>\n"));
        assertFalse(html.contains("<script src"));
        assertFalse(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "").contains("http"), "only the SVG namespace names a URL");
        assertFalse(html.contains("src=\"http"));
        assertFalse(html.contains("<link"));
    }

    @Test
    void bundlesUnderTheReportDirectoryAreLinkedRelatively() {
        java.nio.file.Path reports = java.nio.file.Path.of("reports", "x").toAbsolutePath();
        String html = HtmlReport.render(SampleRuns.mixed(), reports);
        // SampleRuns.mixed holds reports/x/repro/prop_dispatch_seed_42_3-0badf00d and reports/x/repro/it's here
        assertTrue(html.contains("<a href=\"repro/prop_dispatch_seed_42_3-0badf00d/\">"), html);
        assertTrue(html.contains("<a href=\"repro/it%27s%20here/\">"), html);
        assertEquals(null, HtmlReport.bundleLink("/elsewhere/repro/a", reports));
    }

    @Test
    void hostileStringsAreEscaped() {
        String html = HtmlReport.render(SampleRuns.mixed(), null);
        assertFalse(html.contains("<script>alert"));
        assertFalse(html.contains("<img src=x"));
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assertFalse(html.contains("\u0000"));
        assertFalse(html.contains("\u0001"));
    }

    @Test
    void svgIsWellFormedXmlWithOneDotPerCase() throws Exception {
        String svg = TimeSizePlot.svg(SampleRuns.mixed().results());
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals(7, doc.getElementsByTagName("circle").getLength() - countLegendDots(svg));
    }

    @Test
    void logLogAxesPlaceLargerCasesFurtherRightAndSlowerCasesHigher() {
        String svg = TimeSizePlot.svg(SampleRuns.clean().results().subList(0, 2));
        // vec/a: 100 B, 1000 ns; vec/b: 200 B, 2000 ns -> b is right of and above a
        Matcher m = Pattern.compile("cx=\"([0-9.]+)\" cy=\"([0-9.]+)\" r=\"3\"").matcher(svg);
        assertTrue(m.find());
        double ax = Double.parseDouble(m.group(1)), ay = Double.parseDouble(m.group(2));
        assertTrue(m.find());
        double bx = Double.parseDouble(m.group(1)), by = Double.parseDouble(m.group(2));
        assertTrue(bx > ax);
        assertTrue(by < ay); // SVG y grows downwards
        // one decade (1e2..1e3 bytes) spans the plot, and log10(2) of it separates the dots
        double plotWidth = TimeSizePlot.WIDTH - 70 - 20;
        assertEquals(Math.log10(2) * plotWidth, bx - ax, 0.2);
    }

    private static int countLegendDots(String svg) {
        Matcher m = Pattern.compile("r=\"4\"").matcher(svg);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
