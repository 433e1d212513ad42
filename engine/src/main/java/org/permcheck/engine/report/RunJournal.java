package org.permcheck.engine.report;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunInfo;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;

/**
 * journal.jsonl: the run's findings as they happen, one JSON object a line, append-only, each line
 * handed to the OS as it is written (docs/checks.md, "Guarantees"), so a kill -9 loses at most the
 * case in flight. Lines ({@code "type"}):
 * <ul>
 *   <li>{@code start}: format, version, run_info (as in report.json);</li>
 *   <li>{@code case}: every case that did not pass, as a report.json case entry plus its signature;</li>
 *   <li>{@code tally}: cases so far and counts per status (passes are tallied, not listed), every
 *       {@link #TALLY_CASES} cases or {@link #TALLY_MILLIS} ms;</li>
 *   <li>{@code end}: the final tally and the verdict.</li>
 * </ul>
 */
public final class RunJournal implements Closeable {
    public static final String FILE = "journal.jsonl";
    public static final String FORMAT = "permcheck-journal";
    public static final int FORMAT_VERSION = 1;
    static final long TALLY_CASES = 1000, TALLY_MILLIS = 10_000;

    private static final ObjectWriter LINE = JsonReport.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final FileOutputStream out;
    private final Map<Status, Long> counts = new EnumMap<>(Status.class);
    private long cases, casesAtTally, tallyNanos = System.nanoTime();

    private RunJournal(Path file, FileOutputStream out) {
        this.file = file;
        this.out = out;
        for (Status s : Status.values()) counts.put(s, 0L);
    }

    /** Starts a journal (appending: a run's claimed directory was cleared of the last one). */
    public static RunJournal open(Path file, RunInfo info) throws IOException {
        RunJournal j = new RunJournal(file, new FileOutputStream(file.toFile(), true));
        ObjectNode start = j.line("start");
        start.put("format", FORMAT);
        start.put("format_version", FORMAT_VERSION);
        start.set("run_info", JsonReport.runInfo(info));
        j.append(start);
        return j;
    }

    /** Counts one case; a case that did not pass is written whole. A failed write is an UncheckedIOException. */
    public synchronized void record(CaseResult r) {
        cases++;
        counts.merge(r.status(), 1L, Long::sum);
        if (r.status() != Status.PASS) {
            ObjectNode n = line("case");
            n.put("signature", FailureSignature.of(r).label());
            n.setAll(JsonReport.caseNode(r));
            append(n);
        }
        if (cases - casesAtTally >= TALLY_CASES || System.nanoTime() - tallyNanos >= TALLY_MILLIS * 1_000_000) append(tally("tally"));
    }

    /** The last line: the final tally and the verdict. */
    public synchronized void end(RunResult run) {
        ObjectNode n = tally("end");
        n.put("verdict", run.verdict().label());
        n.put("total_cases", run.totalCases());
        append(n);
    }

    private ObjectNode tally(String type) {
        casesAtTally = cases;
        tallyNanos = System.nanoTime();
        ObjectNode n = line(type);
        n.put("cases", cases);
        ObjectNode c = n.putObject("counts");
        counts.forEach((s, v) -> c.put(s.name(), v));
        return n;
    }

    private ObjectNode line(String type) {
        ObjectNode n = JsonReport.MAPPER.createObjectNode();
        n.put("type", type);
        return n;
    }

    /** One write call per line, unbuffered: once it returns, the line survives the process. */
    private void append(ObjectNode n) {
        try {
            out.write((LINE.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("could not write the journal " + file + ": " + e.getMessage(), e));
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
