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

import org.permcheck.contract.Op;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.ExpectationMatch;
import org.permcheck.engine.model.Status;

/**
 * What a backend is known not to do, one JSON file per backend (docs/checks.md section 5):
 *
 * <pre>
 * {
 *   "backend": "cuda",
 *   "expected_failures": [ {"case": "vec/dispatch-prob-zero", "status": "FAIL", "rule": "D4", "reason": "...", "issue": "https://..."},
 *                          {"op": "token_combine", "rule": "C5", "reason": "bf16 accumulation, a class of failures"} ],
 *   "skips":             [ {"case": "quick/edge/combine-*", "reason": "hangs on ..."}, {"rule": "G4", "reason": "no grad_merging_probs"} ]
 * }
 * </pre>
 *
 * An entry selects cases by any of {@code case} (a {@link CasePattern}: an exact id, or {@code *}
 * wildcards), {@code op} (a wire name) and {@code rule}; at least one is given. {@code status}
 * defaults to FAIL. Skipped cases are never run (NOT_SUPPORTED with the reason); a skip's
 * {@code rule} selects the cases that exercise the rule.
 *
 * <p>An expected failure naming one exact case is strict, as it always was: the case must fail
 * with that status (and {@code rule} among its violations), and a pass is a problem ("now
 * passes"). An entry with a wildcard, an {@code op} or no {@code case} names a <em>class</em> of
 * failures: it excuses every failure it matches with that status and rule, passing cases among
 * those it selects are fine, and it is stale when it excused no failure of the run (the bug is
 * gone everywhere). Staleness is an error: a stale or violated entry is reported in
 * {@link org.permcheck.engine.model.RunResult#expectationProblems()} and breaks conformance.
 * Under {@code --shard i/n} (n > 1) an entry matching no case of the shard is not stale: its cases
 * may be in another shard, so the shard records its {@link #matches} and the merge of all shards
 * decides (docs/checks.md section 5).
 */
public final class Expectations {

    /**
     * One entry of either list: what it selects ({@code pattern}, {@code op}, and for skips
     * {@code rule}; null: any), the failure it expects (status, and {@code rule} among the
     * violations) and why.
     */
    public record Entry(String pattern, String op, Status status, String rule, String reason) {
        /** Selects the case of an expected failure: id and op (its rule is the failure's, see {@link #honours}). */
        boolean selects(String caseId, String caseOp) {
            return (pattern == null || CasePattern.matches(pattern, caseId)) && (op == null || op.equals(caseOp));
        }

        /** Selects the case of a skip: id, op, and the rules the case exercises. */
        boolean selectsForSkip(String caseId, String caseOp, List<String> caseRules) {
            return selects(caseId, caseOp) && (rule == null || caseRules.contains(rule));
        }

        /** One exact case id and nothing else: a pass of the case is a problem. */
        public boolean strict() { return pattern != null && !CasePattern.isWildcard(pattern) && op == null; }

        /** True when {@code r} is the failure this entry expects: same status, the named rule among its violations. */
        boolean honours(CaseResult r) {
            if (r.status() != status) return false;
            return rule == null || r.violations().stream().anyMatch(v -> v.rule().equals(rule));
        }

        /** How reports name the entry: its case pattern when it selects by case alone (the old form), else its selectors. */
        public String describe() {
            if (op == null && pattern != null) return pattern;
            List<String> parts = new ArrayList<>();
            if (pattern != null) parts.add("case=" + pattern);
            if (op != null) parts.add("op=" + op);
            if (rule != null) parts.add("rule=" + rule);
            return String.join(" ", parts);
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
            if (!n.isObject()) throw new IllegalArgumentException(where + ": expected an object");
            String pattern = text(n, "case");
            String op = text(n, "op");
            String rule = text(n, "rule");
            String reason = text(n, "reason");
            if (pattern != null && pattern.isBlank()) throw new IllegalArgumentException(where + ": empty 'case'");
            if (pattern == null && op == null && rule == null) {
                throw new IllegalArgumentException(where + ": missing 'case' (or 'op' or 'rule': what the entry selects)");
            }
            if (reason == null || reason.isBlank()) throw new IllegalArgumentException(where + ": missing 'reason' (every entry says why)");
            if (op != null) {
                try {
                    Op.byWireName(op);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": unknown op '" + op + "'");
                }
            }
            if (rule != null && Rule.byId(rule).isEmpty()) throw new IllegalArgumentException(where + ": unknown rule '" + rule + "' (docs/spec.md)");
            Status status = Status.FAIL;
            String s = text(n, "status");
            if (s != null) {
                try {
                    status = Status.valueOf(s.toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": unknown status '" + s + "'");
                }
            }
            out.add(new Entry(pattern, op, status, rule, reason));
        }
        return out;
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The first skip selecting the case (by id, op or the rules it exercises). */
    public Optional<Entry> skipFor(Case c) { return skipFor(c.id(), c.invocation().op().wireName(), c.rules()); }

    private Optional<Entry> skipFor(String caseId, String op, List<String> rules) {
        for (Entry e : skips) if (e.selectsForSkip(caseId, op, rules)) return Optional.of(e);
        return Optional.empty();
    }

    /** The strict entry (one exact case id) naming the result's case, if any. */
    private Optional<Entry> strictFor(CaseResult r) {
        for (Entry e : expectedFailures) if (e.strict() && e.selects(r.caseId(), r.op())) return Optional.of(e);
        return Optional.empty();
    }

    /**
     * The entry that excuses {@code r}, if one does: the strict entry of its case when that one
     * honours it, else the first class entry that selects and honours it. The runner asks this
     * once per result (docs/checks.md section 5).
     */
    public Optional<Entry> excuseFor(CaseResult r) {
        Optional<Entry> strict = strictFor(r);
        if (strict.isPresent()) return strict.get().honours(r) ? strict : Optional.empty();
        for (Entry e : expectedFailures) if (!e.strict() && e.selects(r.caseId(), r.op()) && e.honours(r)) return Optional.of(e);
        return Optional.empty();
    }

    /** True when an entry already speaks for {@code r}'s case: a strict entry of it, or an entry excusing it. */
    public boolean covers(CaseResult r) {
        return strictFor(r).isPresent() || excuseFor(r).isPresent();
    }

    /**
     * The problems of a run of {@code shard} (one line each): its {@link #violations}, and, for a whole
     * run only, the {@link #stale} entries of its {@link #matches} (a shard's entries may match cases of
     * other shards: the merge judges those).
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
            Optional<Entry> x = strictFor(r);
            if (x.isEmpty() || skipFor(r.caseId(), r.op(), r.rules()).isPresent()) continue;
            if (r.status() == Status.PASS) {
                out.add("expected failure now passes (remove the entry): " + r.caseId() + " [" + x.get().reason() + "]");
            } else if (!x.get().honours(r)) {
                out.add("expected " + x.get().status() + (x.get().rule() == null ? "" : " of rule " + x.get().rule())
                        + " but got " + r.status() + " for " + r.caseId());
            }
        }
        return out;
    }

    /**
     * Per entry, in file order (expected failures, then skips), the cases of {@code results} it
     * matched. A case counts for every skip it matches but only for the first expected failure that
     * matches it (the one {@link #excuseFor} consults); a class entry counts the failures it excused.
     */
    public List<ExpectationMatch> matches(Collection<CaseResult> results) {
        Map<Entry, Long> hits = new IdentityHashMap<>(); // two equal entries of a file are two entries
        for (CaseResult r : results) {
            for (Entry e : skips) if (e.selectsForSkip(r.caseId(), r.op(), r.rules())) hits.merge(e, 1L, Long::sum);
            Optional<Entry> strict = strictFor(r);
            if (strict.isPresent()) hits.merge(strict.get(), 1L, Long::sum);
            else excuseFor(r).ifPresent(x -> hits.merge(x, 1L, Long::sum)); // a class entry counts the failures it excused
        }
        List<ExpectationMatch> out = new ArrayList<>();
        for (Entry e : expectedFailures) out.add(new ExpectationMatch(ExpectationMatch.EXPECTED_FAILURES, e.describe(), hits.getOrDefault(e, 0L)));
        for (Entry e : skips) out.add(new ExpectationMatch(ExpectationMatch.SKIPS, e.describe(), hits.getOrDefault(e, 0L)));
        return out;
    }

    /**
     * The entries that matched no case (one line each), given the matches of a whole run: an
     * unsharded run's own, or the shards' added up by the merge (docs/checks.md section 5).
     */
    public static List<String> stale(List<ExpectationMatch> matches) {
        List<String> out = new ArrayList<>();
        for (ExpectationMatch m : matches) {
            if (m.cases() == 0) {
                boolean cls = m.list().equals(ExpectationMatch.EXPECTED_FAILURES) && (CasePattern.isWildcard(m.pattern()) || m.pattern().contains("="));
                out.add("expectation matches no case of this run: '" + m.pattern() + "'" + (cls ? " (a class of failures: none of the run's failures is one)" : ""));
            }
        }
        return out;
    }
}
