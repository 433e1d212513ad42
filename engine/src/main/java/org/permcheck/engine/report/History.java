package org.permcheck.engine.report;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.engine.model.RunInfo;
import org.permcheck.engine.model.RunResult;

/**
 * A campaign history (docs/cli.md "Campaign history"): one JSON line per finished run or fuzz
 * session, appended to a file that outlives the runs, so {@code permcheck report history} can show
 * a backend's scoreboard across its commits. Each line is written with one write call in append
 * mode, so concurrent runs appending to one file do not interleave inside a line.
 */
public final class History {
    public static final String FILE = "history.jsonl";
    public static final String FORMAT = "permcheck-history";
    public static final int FORMAT_VERSION = 1;

    private static final ObjectWriter LINE = JsonReport.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    /**
     * One run's summary.
     *
     * @param date        when it started (ISO-8601, from the run info)
     * @param backend     name, version and --backend selector
     * @param failures    cases that broke conformance
     * @param signatures  distinct failure signatures among the run's non-passing cases
     * @param campaign    for a fuzz session: the campaign's totals so far (cases, failures, signatures, session); empty otherwise
     */
    public record Entry(String date, String suiteVersion, String gitCommit, Map<String, String> backend, String tier, String seed,
                        long cases, long failures, long signatures, String verdict, long wallMillis, Map<String, Long> campaign) {
        public Entry {
            backend = Map.copyOf(backend);
            campaign = Map.copyOf(campaign);
        }

        /** Cases per second of wall time (0 for a run that took no time). */
        public double casesPerSecond() { return wallMillis <= 0 ? 0 : cases * 1000.0 / wallMillis; }
    }

    private History() {}

    /** The entry of a finished run; {@code campaign} as {@link Entry#campaign}. */
    public static Entry of(RunResult run, Map<String, Long> campaign) {
        RunInfo i = run.info();
        Map<String, String> b = new LinkedHashMap<>();
        for (String k : List.of("name", "version", RunInfo.SELECTOR)) if (i.backend().containsKey(k)) b.put(k, i.backend().get(k));
        StatusTable t = new StatusTable(run);
        long failures = t.failures().stream().filter(r -> r.status().breaksConformance() && !r.excused()).count();
        return new Entry(i.startedAt(), i.suiteVersion(), i.gitCommit(), b, i.tier(), i.seeds().isEmpty() ? "" : String.valueOf(i.seeds().get(0)),
                run.totalCases(), failures, SignatureTable.of(run).size(), run.verdict().label(), i.wallMillis(), campaign);
    }

    /** Appends one line (creating the file and its directory when missing). */
    public static void append(Path file, Entry e) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        byte[] line = (LINE.writeValueAsString(node(e)) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
            out.write(line);
        }
    }

    static ObjectNode node(Entry e) {
        ObjectNode n = JsonReport.MAPPER.createObjectNode();
        n.put("format", FORMAT);
        n.put("format_version", FORMAT_VERSION);
        n.put("date", e.date());
        n.put("suite_version", e.suiteVersion());
        n.put("git_commit", e.gitCommit());
        ObjectNode b = n.putObject("backend");
        new java.util.TreeMap<>(e.backend()).forEach(b::put);
        n.put("tier", e.tier());
        n.put("seed", e.seed());
        n.put("cases", e.cases());
        n.put("failures", e.failures());
        n.put("signatures", e.signatures());
        n.put("verdict", e.verdict());
        n.put("wall_millis", e.wallMillis());
        if (!e.campaign().isEmpty()) {
            ObjectNode c = n.putObject("campaign");
            new java.util.TreeMap<>(e.campaign()).forEach(c::put);
        }
        return n;
    }

    /** Every entry of a history file, in file order; one line naming the line that is not an entry. */
    public static List<Entry> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such history file");
        List<Entry> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty()) continue;
            JsonNode n;
            try {
                n = JsonReport.MAPPER.readTree(l);
            } catch (JsonProcessingException e) {
                throw new IOException(file + ":" + (i + 1) + ": not a JSON line (" + e.getOriginalMessage() + ")");
            }
            if (!FORMAT.equals(n.path("format").asText())) throw new IOException(file + ":" + (i + 1) + ": not a " + FORMAT + " line");
            if (n.path("format_version").asInt() != FORMAT_VERSION) {
                throw new IOException(file + ":" + (i + 1) + ": " + FORMAT + " version " + n.path("format_version").asText() + ", this suite reads " + FORMAT_VERSION);
            }
            Map<String, String> b = new LinkedHashMap<>();
            n.path("backend").fields().forEachRemaining(f -> b.put(f.getKey(), f.getValue().asText()));
            Map<String, Long> c = new LinkedHashMap<>();
            n.path("campaign").fields().forEachRemaining(f -> c.put(f.getKey(), f.getValue().asLong()));
            out.add(new Entry(n.path("date").asText(), n.path("suite_version").asText(), n.path("git_commit").asText(), b, n.path("tier").asText(),
                    n.path("seed").asText(), n.path("cases").asLong(), n.path("failures").asLong(), n.path("signatures").asLong(),
                    n.path("verdict").asText(), n.path("wall_millis").asLong(), c));
        }
        return out;
    }
}
