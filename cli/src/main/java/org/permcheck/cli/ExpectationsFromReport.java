package org.permcheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.report.FailureSignature;
import org.permcheck.engine.report.JsonReport;
import org.permcheck.engine.report.ReportSet;
import org.permcheck.engine.run.Expectations;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code permcheck report expectations DIR}: an expectations file (docs/checks.md section 5) that
 * excuses exactly the failures of a written run, one entry per case that broke conformance with its
 * status and, for a FAIL, its first rule, and a reason to fill in ("TODO: ..."). With
 * {@code --update FILE} the file's entries stay as they are (reasons kept) and only failures no entry
 * matches are added. A run then gated on the file is conformant until something new breaks.
 */
@Command(name = "expectations", mixinStandardHelpOptions = true,
        description = {"Write the expectations file that excuses a run's failures (reasons to fill in).", ""},
        footer = {"", "Prints the file on stdout, or writes it with --update (existing entries and reasons kept).",
                "Every entry it adds says 'TODO': replace it with why the failure is known (an issue link)."})
final class ExpectationsFromReport implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REPORT", description = "a run's --out directory (or its report.json)")
    Path report;

    @Option(names = "--update", paramLabel = "FILE", description = "expectations file to extend in place (made when absent)")
    Path update;

    @Override
    public Integer call() throws IOException {
        Path file = Files.isDirectory(report) ? report.resolve(ReportSet.JSON) : report;
        if (!Files.isRegularFile(file)) throw new UsageError(report + ": no " + ReportSet.JSON + " (give a run's --out directory)");
        RunResult run = JsonReport.read(file);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root;
        Expectations known;
        if (update != null && Files.exists(update)) {
            known = Expectations.load(update); // refuses a malformed file in one line before anything is written
            root = (ObjectNode) json.readTree(Files.readString(update));
        } else {
            known = Expectations.none();
            root = json.createObjectNode();
            root.put("backend", run.info().backend().getOrDefault("selector", run.info().backend().getOrDefault("name", "")));
            root.putArray("expected_failures");
            root.putArray("skips");
        }
        JsonNode list = root.get("expected_failures");
        ArrayNode failures = list != null && list.isArray() ? (ArrayNode) list : root.putArray("expected_failures");
        List<String> added = new ArrayList<>();
        for (CaseResult r : run.results()) {
            if (!r.status().breaksConformance() || r.excused() || known.covers(r)) continue;
            ObjectNode e = failures.addObject();
            e.put("case", r.caseId());
            e.put("status", r.status().name());
            if (r.status() == Status.FAIL && !r.violations().isEmpty()) e.put("rule", r.violations().get(0).rule());
            e.put("reason", "TODO: why this failure is known (" + FailureSignature.of(r).label() + ")");
            added.add(r.caseId());
        }
        String text = json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (update == null) {
            out.print(text);
            out.flush();
        } else {
            Files.writeString(update, text);
        }
        err.println("permcheck report expectations: " + added.size() + " failure" + (added.size() == 1 ? "" : "s") + " added"
                + (update == null ? "" : " to " + update) + "; fill in each 'TODO' reason");
        err.flush();
        return 0;
    }
}
