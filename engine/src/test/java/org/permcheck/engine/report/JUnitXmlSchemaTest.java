package org.permcheck.engine.report;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

import org.junit.jupiter.api.Test;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Shard;
import org.permcheck.engine.run.Tier;
import org.xml.sax.SAXException;

/**
 * Issue 13, "validate junit.xml against the schema Jenkins and GitHub test reporters read": every
 * shape of junit.xml permcheck writes (passes, failures, errors, NOT_SUPPORTED, excused failures,
 * expectation problems, the verdict testcase of an INCOMPLETE run, a real run of a quick-tier shard)
 * validates against src/test/resources/schemas/junit-reporters.xsd, our statement of what those
 * readers accept; the schema itself refuses what they refuse (skipped on testsuites, a testcase
 * without a name).
 */
class JUnitXmlSchemaTest {
    static Schema schema() throws SAXException {
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        return f.newSchema(JUnitXmlSchemaTest.class.getResource("/schemas/junit-reporters.xsd"));
    }

    static void validate(String xml) throws Exception {
        schema().newValidator().validate(new StreamSource(new StringReader(xml)));
    }

    @Test
    void everyShapeOfReportValidates() throws Exception {
        validate(JUnitXmlReport.render(SampleRuns.mixed()));   // FAIL, TIMEOUT, NOT_SUPPORTED, hostile ids, an expectation problem
        validate(JUnitXmlReport.render(SampleRuns.clean()));
        validate(JUnitXmlReport.render(Runner.placeholder(RunOptions.defaults(), Map.of("name", "x"), List.of(1L)))); // INCOMPLETE verdict case
        RunResult real;
        try (Runner r = new Runner(CpuBackend::new, RunOptions.defaults().withLog(x -> {}))) {
            real = r.run(Tier.QUICK.cases(Tier.DEFAULT_SEED, new Shard(0, 40)));
        }
        assertTrue(real.results().size() > 40);
        validate(JUnitXmlReport.render(real));
    }

    @Test
    void theSchemaRefusesWhatTheReadersRefuse() {
        String skippedOnSuites = "<testsuites skipped=\"1\"><testsuite name=\"s\" tests=\"0\"/></testsuites>";
        assertThrows(SAXException.class, () -> validate(skippedOnSuites));
        String namelessCase = "<testsuites><testsuite name=\"s\" tests=\"1\"><testcase classname=\"c\"/></testsuite></testsuites>";
        assertThrows(SAXException.class, () -> validate(namelessCase));
        String negativeCount = "<testsuites><testsuite name=\"s\" tests=\"-1\"/></testsuites>";
        assertThrows(SAXException.class, () -> validate(negativeCount));
    }
}
