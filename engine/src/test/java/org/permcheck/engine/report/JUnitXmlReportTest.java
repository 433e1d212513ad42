package org.permcheck.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class JUnitXmlReportTest {

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void wellFormedWithOneTestcasePerCaseAndStatusesMapped() throws Exception {
        Document doc = parse(JUnitXmlReport.render(SampleRuns.mixed()));
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        // 7 cases + 1 expectation problem (SampleRuns.mixed)
        assertEquals("8", suite.getAttribute("tests"));
        assertEquals("3", suite.getAttribute("failures")); // 2 FAIL + 1 expectation problem
        assertEquals("1", suite.getAttribute("errors"));   // the TIMEOUT
        assertEquals("1", suite.getAttribute("skipped"));  // the NOT_SUPPORTED
        assertEquals(8, doc.getElementsByTagName("testcase").getLength());
        assertEquals(3, doc.getElementsByTagName("failure").getLength());
        assertEquals(1, doc.getElementsByTagName("skipped").getLength());
        Element error = (Element) doc.getElementsByTagName("error").item(0);
        assertEquals("TIMEOUT", error.getAttribute("type"));
        Element skipped = (Element) doc.getElementsByTagName("skipped").item(0);
        assertTrue(skipped.getAttribute("message").contains("f8e4m3 not implemented"));
    }

    @Test
    void hostileIdsAndMessagesSurviveEscaping() throws Exception {
        Document doc = parse(JUnitXmlReport.render(SampleRuns.mixed()));
        NodeList cases = doc.getElementsByTagName("testcase");
        Element hostile = (Element) cases.item(4);
        // control characters are not allowed in XML 1.0; they come back as U+FFFD, everything else verbatim
        String expectedId = SampleRuns.HOSTILE_ID.replace('\u0001', '\uFFFD').replace('\u0007', '\uFFFD');
        assertEquals(expectedId, hostile.getAttribute("name"));
        Element failure = (Element) hostile.getElementsByTagName("failure").item(0);
        assertTrue(failure.getTextContent().contains("</pre><img src=x onerror=alert(1)> ``` | & ]]>"));
    }

    @Test
    void cleanRunHasNoFailures() throws Exception {
        Document doc = parse(JUnitXmlReport.render(SampleRuns.clean()));
        assertEquals(0, doc.getElementsByTagName("failure").getLength());
        assertEquals(0, doc.getElementsByTagName("error").getLength());
        assertEquals(1, doc.getElementsByTagName("skipped").getLength());
    }

    private static org.permcheck.engine.model.CaseResult failing(String id, String excuse) {
        var v = new org.permcheck.engine.model.Violation("N1", "counts are int64", null, 0);
        return new org.permcheck.engine.model.CaseResult(id, "token_dispatch", java.util.List.of("N1"), java.util.List.of(),
                org.permcheck.engine.model.Status.FAIL, java.util.List.of(v), null, 0, 0, null, null, null, null, excuse);
    }

    @Test
    void anExcusedFailureIsSkippedNotFailedSoTheCiAgreesWithTheExitCode() throws Exception {
        var clean = SampleRuns.clean();
        java.util.List<org.permcheck.engine.model.CaseResult> results = new java.util.ArrayList<>(clean.results());
        results.add(failing("vec/excused", "int64 counts (issue 12)"));
        results.add(failing("vec/real", null));
        var run = new org.permcheck.engine.model.RunResult(clean.info(), results, java.util.Map.of(), false, java.util.List.of());
        Document doc = parse(JUnitXmlReport.render(run));
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertEquals("1", suite.getAttribute("failures"), "only the unexcused failure");
        assertEquals(String.valueOf(clean.results().size() + 2), suite.getAttribute("tests"));
        assertEquals("2", suite.getAttribute("skipped")); // the NOT_SUPPORTED of the clean run and the excused one
        NodeList skipped = doc.getElementsByTagName("skipped");
        boolean found = false;
        for (int i = 0; i < skipped.getLength(); i++) {
            found |= ((Element) skipped.item(i)).getAttribute("message").startsWith("expected FAIL (excused: int64 counts (issue 12)): [N1]");
        }
        assertTrue(found);
        assertEquals("", ((Element) doc.getElementsByTagName("testsuites").item(0)).getAttribute("skipped"),
                "the schema has no skipped on <testsuites>");
    }

    @Test
    void aRunThatJudgedNothingIsAFailingTestcaseOfItsOwn() throws Exception {
        var clean = SampleRuns.clean();
        var run = new org.permcheck.engine.model.RunResult(clean.info(), clean.results(), java.util.Map.of(),
                org.permcheck.engine.model.RunVerdict.NOTHING_JUDGED, java.util.List.of("no case was judged (1 refused by the backend)"),
                java.util.List.of(), null);
        Document doc = parse(JUnitXmlReport.render(run));
        assertEquals(1, doc.getElementsByTagName("failure").getLength());
        Element f = (Element) doc.getElementsByTagName("failure").item(0);
        assertEquals("NOTHING_JUDGED", f.getAttribute("type"));
        assertTrue(f.getAttribute("message").contains("no case was judged"), f.getAttribute("message"));
        assertEquals("permcheck.verdict", ((Element) f.getParentNode()).getAttribute("classname"));
    }
}
