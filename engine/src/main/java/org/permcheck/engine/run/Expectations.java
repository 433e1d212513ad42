package org.permcheck.engine.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.ExpectationMatch;
import org.permcheck.engine.model.Status;

/**
 * What a backend is known not to do, one JSON file per backend (docs/expectations.md):
 *
 * <pre>
 * {
 *   "backend": "cuda",
 *   "expected_failures": [ {"case": "vec/dispatch-prob-zero", "status": "FAIL", "rule": "D4", "reason": "...", "issue": "https://..."} ],
 *   "skips":             [ {"case": "prop/quick/*", "reason": "hangs on ..."} ]
 * }
 * </pre>
 *
 * A {@code case} pattern is an exact case id, or a prefix followed by {@code *}. {@code status}
 * defaults to FAIL; {@code rule}, when given, must be among the failure's rules. Skipped cases are
 * never run (reported NOT_SUPPORTED with the reason). Staleness is an error: an expected failure
 * that now passes or fails differently, or an entry that matches no case of the run, is reported
 * in {@link org.permcheck.engine.model.RunResult#expectationProblems()} and breaks conformance.
 * Under {@code --shard i/n} (n > 1) an entry matching no case of the shard is not stale: its cases
 * may be in another shard, so the shard records its {@link #matches} and the merge of all shards
 * decides (docs/checks.md section 5).
 */
public final class Expectations {

    /** One entry of either list. */
    public record Entry(String pattern, Status status, String rule, String reason) {
        public boolean matches(String caseId) {
            return CasePattern.matches(pattern, caseId);
        }
    }

    private final List<Entry> expectedFailures;
    private final List<Entry> skips;

    public Expectations(List<Entry> expectedFailures, List<Entry> skips) {
        this.expectedFailures = List.copyOf(expectedFailures);
        this.skips = List.copyOf(skips);
    }

    public static Expectations none() { return new Expectations(List.of(), List.of()); }

    public List<Entry> expectedFailures() { return expectedFailures; }

    public List<Entry> skips() { return skips; }

    /** Reads a file; a malformed one is a one-line IllegalArgumentException naming the file and the problem. */
    public static Expectations load(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException(file + ": expected a JSON object");
        return new Expectations(entries(file, root, "expected_failures"), entries(file, root, "skips"));
    }

    private static List<Entry> entries(Path file, JsonNode root, String key) {
        List<Entry> out = new ArrayList<>();
        JsonNode list = root.get(key);
        if (list == null) return out;
        if (!list.isArray()) throw new IllegalArgumentException(file + ": '" + key + "' must be a list");
        int i = 0;
        for (JsonNode n : list) {
            String where = file + ": " + key + "[" + i++ + "]";
            String pattern = text(n, "case");
            String reason = text(n, "reason");
            if (pattern == null || pattern.isBlank()) throw new IllegalArgumentException(where + ": missing 'case'");
            if (reason == null || reason.isBlank()) throw new IllegalArgumentException(where + ": missing 'reason' (every entry says why)");
            Status status = Status.FAIL;
            String s = text(n, "status");
            if (s != null) {
                try {
                    status = Status.valueOf(s.toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": unknown status '" + s + "'");
                }
            }
            out.add(new Entry(pattern, status, text(n, "rule"), reason));
        }
        return out;
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    public Optional<Entry> skipFor(String caseId) {
        for (Entry e : skips) if (e.matches(caseId)) return Optional.of(e);
        return Optional.empty();
    }

    public Optional<Entry> expectedFailureFor(String caseId) {
        for (Entry e : expectedFailures) if (e.matches(caseId)) return Optional.of(e);
        return Optional.empty();
    }

    /** True when {@code r} is a failure this file expects (same status, and the named rule among its rules). */
    public boolean excuses(CaseResult r) {
        Optional<Entry> e = expectedFailureFor(r.caseId());
        return e.isPresent() && honoured(e.get(), r);
    }

    private static boolean honoured(Entry e, CaseResult r) {
        if (r.status() != e.status()) return false;
        if (e.rule() == null) return true;
        return r.violations().stream().anyMatch(v -> v.rule().equals(e.rule()));
    }

    /**
     * Stale or violated entries, given every result of a whole run (one line each): {@link #violations}
     * then {@link #stale} of {@link #matches}.
     */
    public List<String> problems(Collection<CaseResult> results) {
        return problems(results, Shard.ALL);
    }

    /**
     * The problems of a run of {@code shard}: its violations, and, for a whole run only, its stale
     * entries (a shard's entries may match cases of other shards: the merge judges those).
     */
    public List<String> problems(Collection<CaseResult> results, Shard shard) {
        List<String> out = violations(results);
        if (shard.count() == 1) out.addAll(stale(matches(results)));
        return out;
    }

    /**
     * Expected failures that passed or failed differently (one line each). These are problems of
     * any run that holds the case, a shard included: the case ran here, and nowhere else.
     */
    public List<String> violations(Collection<CaseResult> results) {
        List<String> out = new ArrayList<>();
        for (CaseResult r : results) {
            Optional<Entry> x = expectedFailureFor(r.caseId());
            if (x.isEmpty() || skipFor(r.caseId()).isPresent()) continue;
            if (r.status() == Status.PASS) {
                out.add("expected failure now passes (remove the entry): " + r.caseId() + " [" + x.get().reason() + "]");
            } else if (!honoured(x.get(), r)) {
                out.add("expected " + x.get().status() + (x.get().rule() == null ? "" : " of rule " + x.get().rule())
                        + " but got " + r.status() + " for " + r.caseId());
            }
        }
        return out;
    }

    /**
     * Per entry, in file order (expected failures, then skips), the cases of {@code results} it
     * matched. A case counts for every skip it matches but only for the first expected failure that
     * matches it (the one {@link #excuses} consults).
     */
    public List<ExpectationMatch> matches(Collection<CaseResult> results) {
        Map<Entry, Long> hits = new IdentityHashMap<>(); // two equal entries of a file are two entries
        for (CaseResult r : results) {
            for (Entry e : skips) if (e.matches(r.caseId())) hits.merge(e, 1L, Long::sum);
            expectedFailureFor(r.caseId()).ifPresent(x -> hits.merge(x, 1L, Long::sum));
        }
        List<ExpectationMatch> out = new ArrayList<>();
        for (Entry e : expectedFailures) out.add(new ExpectationMatch(ExpectationMatch.EXPECTED_FAILURES, e.pattern(), hits.getOrDefault(e, 0L)));
        for (Entry e : skips) out.add(new ExpectationMatch(ExpectationMatch.SKIPS, e.pattern(), hits.getOrDefault(e, 0L)));
        return out;
    }

    /**
     * The entries that matched no case (one line each), given the matches of a whole run: an
     * unsharded run's own, or the shards' added up by the merge (docs/checks.md section 5).
     */
    public static List<String> stale(List<ExpectationMatch> matches) {
        List<String> out = new ArrayList<>();
        for (ExpectationMatch m : matches) {
            if (m.cases() == 0) out.add("expectation matches no case of this run: '" + m.pattern() + "'");
        }
        return out;
    }
}
