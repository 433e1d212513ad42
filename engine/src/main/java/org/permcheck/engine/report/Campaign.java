package org.permcheck.engine.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.engine.codec.JsonFile;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Status;

/**
 * campaign.json: what a fuzz campaign needs to go on after a kill ({@code fuzz --resume DIR},
 * docs/cli.md "Campaigns"): the options it was started with (a resume with other options or another
 * backend is refused), the index of the next case of its seed stream, its cases, failures and time
 * so far, and every failure signature it has seen with its cases and bundles (so a resumed session
 * bundles a known signature no further: failures are deduplicated by signature across the campaign).
 *
 * <p>Written whole or not at all (a partial file renamed into place, ATOMIC_MOVE), when the campaign
 * starts, at each checkpoint of its reports and at its end: after a kill -9 the state is the last
 * checkpoint's, and the cases after it, which no report counted either, run again.
 */
public final class Campaign {
    public static final String FILE = "campaign.json";
    public static final String FORMAT = "permcheck-campaign";
    public static final int FORMAT_VERSION = 1;

    /** One signature of the campaign: its cases, the first of them, and the bundles written for it. */
    public record Seen(FailureSignature signature, long cases, String firstCase, int bundles) {}

    private final Map<String, String> options;
    private final Map<String, String> backend = new LinkedHashMap<>();
    private final Map<FailureSignature, Seen> seen = new TreeMap<>();
    private long next, cases, failures, elapsedMillis, elapsedBefore, sessions;

    private Campaign(Map<String, String> options) {
        this.options = new LinkedHashMap<>(options);
    }

    /**
     * A new campaign with these options (option name, as typed after --, to its value as text; what
     * a resume compares).
     */
    public static Campaign start(Map<String, String> options) {
        Campaign c = new Campaign(options);
        c.sessions = 1;
        return c;
    }

    /** The campaign of {@code dir}; one line when there is none or it is not a campaign file. */
    public static Campaign read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) throw new IOException(dir + " holds no " + FILE + " (not a fuzz campaign's --out directory)");
        JsonNode root = JsonFile.object(file, FORMAT, FORMAT_VERSION);
        Map<String, String> opts = new LinkedHashMap<>();
        root.path("options").fields().forEachRemaining(e -> opts.put(e.getKey(), e.getValue().asText()));
        Campaign c = new Campaign(opts);
        root.path("backend").fields().forEachRemaining(e -> c.backend.put(e.getKey(), e.getValue().asText()));
        c.next = root.path("next_index").asLong();
        c.cases = root.path("cases").asLong();
        c.failures = root.path("failures").asLong();
        c.elapsedMillis = root.path("elapsed_millis").asLong();
        c.elapsedBefore = c.elapsedMillis;
        c.sessions = root.path("sessions").asLong() + 1; // this one
        for (JsonNode s : root.path("signatures")) {
            Status status;
            try {
                status = Status.valueOf(s.path("status").asText());
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": unknown status '" + s.path("status").asText() + "' in signatures");
            }
            FailureSignature sig = new FailureSignature(s.path("op").asText(), status, s.path("rule").asText(), s.path("output").asText());
            c.seen.put(sig, new Seen(sig, s.path("cases").asLong(), s.path("first_case").asText(), s.path("bundles").asInt()));
        }
        return c;
    }

    /**
     * The options of {@code given} that differ from the campaign's, one "--name X (campaign: Y)"
     * each; empty when a resume may go on. Only the options named in {@code given} are compared.
     */
    public List<String> differences(Map<String, String> given) {
        List<String> out = new ArrayList<>();
        given.forEach((k, v) -> {
            String had = options.get(k);
            if (!v.equals(had)) out.add("--" + k + " " + v + " (campaign: " + (had == null ? "not given" : had) + ")");
        });
        return out;
    }

    /** The campaign's backend, name and version as it reported them; empty before its first session ran. */
    public Map<String, String> backend() { return backend; }

    /** Records the backend of the session (the first session's is what a resume must match). */
    public synchronized void backend(String name, String version) {
        backend.put("name", name);
        backend.put("version", version);
    }

    public Map<String, String> options() { return options; }

    /** The index (within its shard) of the next case of the seed stream. */
    public synchronized long next() { return next; }

    public synchronized long cases() { return cases; }

    public synchronized long failures() { return failures; }

    /** The campaign's time before this session (what a --time budget has left: the budget minus this). */
    public long elapsedBefore() { return elapsedBefore; }

    /** This session's number: 1 for the first. */
    public long sessions() { return sessions; }

    public synchronized List<Seen> signatures() { return List.copyOf(seen.values()); }

    /**
     * Counts one case of the stream, whose index was {@code index}: the next case is index + 1.
     * Returns true when it failed with a signature the campaign had not seen.
     */
    public synchronized boolean record(long index, CaseResult r) {
        next = index + 1;
        cases++;
        if (r.status() == Status.PASS || r.status() == Status.NOT_SUPPORTED) return false;
        if (r.status().breaksConformance()) failures++;
        FailureSignature s = FailureSignature.of(r);
        Seen had = seen.get(s);
        int bundles = (had == null ? 0 : had.bundles()) + (r.reproDir() != null ? 1 : 0);
        seen.put(s, new Seen(s, (had == null ? 0 : had.cases()) + 1, had == null ? r.caseId() : had.firstCase(), bundles));
        return had == null;
    }

    /** The bundles the campaign already wrote per signature, so a budget lets no signature have more. */
    public synchronized void preload(BundleBudget budget) {
        for (Seen s : seen.values()) budget.written(s.signature(), s.bundles());
    }

    /** Writes campaign.json into {@code dir} atomically; {@code sessionMillis}: this session's time so far. */
    public synchronized void save(Path dir, long sessionMillis) throws IOException {
        elapsedMillis = elapsedBefore + sessionMillis;
        ObjectNode root = JsonReport.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        ObjectNode o = root.putObject("options");
        options.forEach(o::put);
        ObjectNode b = root.putObject("backend");
        backend.forEach(b::put);
        root.put("next_index", next);
        root.put("cases", cases);
        root.put("failures", failures);
        root.put("elapsed_millis", elapsedMillis);
        root.put("sessions", sessions);
        ArrayNode sigs = root.putArray("signatures");
        for (Seen s : seen.values()) {
            ObjectNode n = sigs.addObject();
            n.put("signature", s.signature().label());
            n.put("op", s.signature().op());
            n.put("status", s.signature().status().name());
            n.put("rule", s.signature().rule());
            n.put("output", s.signature().output());
            n.put("cases", s.cases());
            n.put("first_case", s.firstCase());
            n.put("bundles", s.bundles());
        }
        Path partial = ReportSet.partial(dir, FILE);
        JsonReport.MAPPER.writeValue(partial.toFile(), root);
        ReportSet.sync(partial);
        ReportSet.moveIntoPlace(partial, dir.resolve(FILE));
    }
}
