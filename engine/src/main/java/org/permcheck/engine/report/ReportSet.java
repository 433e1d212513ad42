package org.permcheck.engine.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.permcheck.engine.model.RunResult;

/**
 * Writes every report of one run into one directory: report.json, summary.md, report.html and
 * junit.xml. (Repro bundles are written while the run goes, by {@link ReproBundle}, into
 * {@code repro/} of the same directory, and are referenced from the reports.)
 */
public final class ReportSet {
    public static final String JSON = "report.json", MARKDOWN = "summary.md", HTML = "report.html", JUNIT = "junit.xml";
    public static final String REPRO_DIR = "repro";

    private ReportSet() {}

    /** Writes the four reports and returns their paths, in the order above. */
    public static List<Path> write(RunResult run, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path json = dir.resolve(JSON), md = dir.resolve(MARKDOWN), html = dir.resolve(HTML), junit = dir.resolve(JUNIT);
        JsonReport.write(run, json);
        MarkdownSummary.write(run, md);
        HtmlReport.write(run, html);
        JUnitXmlReport.write(run, junit);
        return List.of(json, md, html, junit);
    }
}
