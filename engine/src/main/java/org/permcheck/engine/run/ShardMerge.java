package org.permcheck.engine.run;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.ExpectationMatch;
import org.permcheck.engine.model.RunInfo;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.RunVerdict;
import org.permcheck.engine.model.UnlistedPasses;

/**
 * The shards of one sharded run put back together (docs/cli.md, "report merge"; docs/checks.md
 * section 5): one result as if the tier had run unsharded, judged by {@link Conformance} like any
 * run. An expectation entry is stale only when it matched no case in any shard.
 *
 * <p>Shards that do not belong to one run are refused, one line naming the shard: another suite
 * version, tier, run seed, vector set, backend selector or expectations file, a shard count that
 * differs, a shard missing or given twice, a case in two shards, or an INCOMPLETE shard (its cases
 * are not all there, so no verdict of the whole could be right).
 */
public final class ShardMerge {
    private ShardMerge() {}

    /** One shard's report and where it came from (a directory, as the user typed it). */
    public record Part(String where, RunResult result) {}

    /**
     * @param parts every shard's result, in any order
     * @throws IllegalArgumentException one line: why these shards do not make one run
     */
    public static RunResult merge(List<Part> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("no shard report given");
        Part[] byIndex = byIndex(parts);
        Part first = byIndex[0];
        for (Part p : parts) {
            if (p.result().verdict() == RunVerdict.INCOMPLETE) {
                throw new IllegalArgumentException(p.where() + ": shard " + p.result().info().shard()
                        + " is INCOMPLETE (interrupted or still running); rerun it before merging");
            }
            same(p, first, "suite version", RunInfo::suiteVersion);
            same(p, first, "tier", RunInfo::tier);
            same(p, first, "seed", i -> i.seeds().isEmpty() ? "none" : String.valueOf(i.seeds().get(0)));
            same(p, first, "vector set", i -> i.vectorSet() == null ? "none" : i.vectorSet().line());
            same(p, first, "backend selector", i -> String.valueOf(i.backend().get(RunInfo.SELECTOR)));
            if (!sameEntries(p.result().expectationMatches(), first.result().expectationMatches())) {
                throw new IllegalArgumentException(p.where() + ": ran with other expectations than " + first.where());
            }
        }

        List<CaseResult> results = interleave(byIndex);
        Map<String, Long> coverage = new TreeMap<>();
        long unlistedCases = 0;
        Map<String, Long> unlistedRules = new TreeMap<>(), unlistedFeatures = new TreeMap<>();
        List<ExpectationMatch> matches = new ArrayList<>(first.result().expectationMatches().size());
        for (ExpectationMatch m : first.result().expectationMatches()) matches.add(new ExpectationMatch(m.list(), m.pattern(), 0));
        List<String> problems = new ArrayList<>();
        LinkedHashSet<Long> seeds = new LinkedHashSet<>();
        seeds.addAll(first.result().info().seeds()); // the run seed first, as in every report
        Instant started = null;
        long wallMillis = 0;
        for (Part p : byIndex) {
            RunResult r = p.result();
            r.coverage().forEach((k, v) -> coverage.merge(k, v, Long::sum));
            unlistedCases += r.unlisted().cases();
            r.unlisted().perRule().forEach((k, v) -> unlistedRules.merge(k, v, Long::sum));
            r.unlisted().features().forEach((k, v) -> unlistedFeatures.merge(k, v, Long::sum));
            for (int i = 0; i < matches.size(); i++) matches.set(i, matches.get(i).plus(r.expectationMatches().get(i).cases()));
            // a shard's violations are the merge's too; a whole run (0/1) judged its own staleness, judged again below
            List<String> ownStale = Expectations.stale(r.expectationMatches());
            for (String line : r.expectationProblems()) if (!ownStale.contains(line)) problems.add(line);
            seeds.addAll(r.info().seeds());
            Instant s = instant(r.info().startedAt());
            if (s != null && (started == null || s.isBefore(started))) started = s;
            // the shards ran side by side: the gate waited for the slowest
            wallMillis = Math.max(wallMillis, r.info().wallMillis());
        }
        problems.addAll(Expectations.stale(matches));
        UnlistedPasses unlisted = unlistedCases == 0 ? UnlistedPasses.NONE : new UnlistedPasses(unlistedCases, unlistedRules, unlistedFeatures);
        Conformance.Judgement j = Conformance.judge(results, unlisted, problems, null);
        RunInfo fi = first.result().info();
        RunInfo info = new RunInfo(fi.suiteVersion(), fi.gitCommit(), fi.commandLine(), fi.tier(), new ArrayList<>(seeds), fi.backend(),
                fi.jdk(), started == null ? fi.startedAt() : started.toString(), wallMillis, fi.vectorSet(), RunInfo.WHOLE);
        return new RunResult(info, results, coverage, j.verdict(), j.reasons(), problems, unlisted, matches);
    }

    /** The parts by shard index: every i/n of one n exactly once. */
    private static Part[] byIndex(List<Part> parts) {
        Part[] out = null;
        Part firstSeen = null;
        for (Part p : parts) {
            Shard s;
            try {
                s = Shard.parse(p.result().info().shard());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(p.where() + ": " + e.getMessage());
            }
            if (out == null) {
                out = new Part[s.count()];
                firstSeen = p;
            } else if (s.count() != out.length) {
                throw new IllegalArgumentException(p.where() + ": shard " + s + " is not a shard of " + out.length + " like "
                        + firstSeen.where() + " (" + firstSeen.result().info().shard() + ")");
            }
            if (out[s.index()] != null) {
                throw new IllegalArgumentException("shard " + s + " given twice: " + out[s.index()].where() + " and " + p.where());
            }
            out[s.index()] = p;
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < out.length; i++) if (out[i] == null) missing.add(i + "/" + out.length);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("shard" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " missing (every i/" + out.length + " must be given once)");
        }
        return out;
    }

    /**
     * Case i of the unsharded list is case i/n of shard i mod n (docs/cli.md, {@link Shard}): taking
     * the shards' cases in turn restores the unsharded order.
     */
    private static List<CaseResult> interleave(Part[] byIndex) {
        List<CaseResult> out = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        int[] next = new int[byIndex.length];
        boolean more = true;
        while (more) {
            more = false;
            for (int s = 0; s < byIndex.length; s++) {
                List<CaseResult> rs = byIndex[s].result().results();
                if (next[s] >= rs.size()) continue;
                CaseResult r = rs.get(next[s]++);
                String other = seen.putIfAbsent(r.caseId(), byIndex[s].where());
                if (other != null) {
                    throw new IllegalArgumentException("case " + r.caseId() + " is in two shards: " + other + " and " + byIndex[s].where());
                }
                out.add(r);
                more = true;
            }
        }
        return out;
    }

    private static void same(Part p, Part first, String what, java.util.function.Function<RunInfo, String> field) {
        String a = field.apply(p.result().info()), b = field.apply(first.result().info());
        if (!Objects.equals(a, b)) {
            throw new IllegalArgumentException(p.where() + ": " + what + " " + a + " differs from " + first.where() + "'s " + b
                    + " (shards of one run share it)");
        }
    }

    private static boolean sameEntries(List<ExpectationMatch> a, List<ExpectationMatch> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!a.get(i).sameEntry(b.get(i))) return false;
        return true;
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException | NullPointerException e) {
            return null; // an unreadable start time leaves the first shard's
        }
    }
}
