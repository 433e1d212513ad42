package org.permcheck.engine.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Port;
import org.permcheck.contract.Rule;
import org.permcheck.engine.check.GuardBandCheck;
import org.permcheck.engine.model.Robustness;
import org.permcheck.engine.check.CheckContext;
import org.permcheck.engine.check.Checks;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.ExpectationMatch;
import org.permcheck.engine.model.NotJudged;
import org.permcheck.engine.model.RunInfo;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.UnlistedPasses;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Outputs;

/**
 * Runs cases against one backend: for each case the oracle's answer, the backend's answer (on a
 * worker thread, under the per-case limit), optionally a second answer (determinism) and a
 * follow-up combine (round trip), then every check; the verdict is one {@link Status}.
 *
 * <pre>
 *   try (Runner r = new Runner(BackendFactory.byName("cpu"), RunOptions.defaults())) {
 *       RunResult result = r.run(Tier.QUICK.cases(seed, Shard.ALL));
 *   }
 * </pre>
 */
public final class Runner implements AutoCloseable {
    private final RunOptions options;
    private final BackendSession session;

    public Runner(BackendFactory factory, RunOptions options) {
        this.options = options;
        this.session = new BackendSession(factory);
    }

    public RunOptions options() { return options; }

    /** The backend's self-description (null when it cannot be created). */
    public BackendInfo backendInfo() { return session.info(); }

    /** Runs every case in order, reports progress and failures, and judges conformance. */
    public RunResult run(List<Case> cases) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<CaseResult> results = new ArrayList<>();
        List<Long> seeds = new ArrayList<>(); // of the cases judged: a tier's list builds its cases on demand
        RunControl control = options.control();
        long done = 0, failures = 0;
        // each case is built (and its oracle answer computed) once, on the lookahead's threads
        try (Lookahead<Prepared> ahead = new Lookahead<>(i -> Prepared.of(cases.get((int) i)), 4, cases.size())) {
            for (int i = 0; i < cases.size(); i++) {
                if (control.stopped()) break;
                Prepared p = ahead.take();
                Case c = p.testCase();
                seeds.add(c.seed());
                Verdict v = judge(c, p.answer());
                if (control.dropsInFlight(v.result(), options.log())) break;
                CaseResult r = report(v);
                results.add(r);
                if (r.status().breaksConformance()) failures++;
                options.progress().onCase(++done, cases.size(), r);
                if (control.due(failures)) {
                    control.save(summarize(results, UnlistedPasses.NONE, seeds, started, (System.nanoTime() - t0) / 1_000_000, RunControl.IN_PROGRESS), failures);
                }
            }
        }
        String incomplete = control.stopped() ? control.stopReason() + " after " + done + " of " + cases.size() + " cases" : null;
        return summarize(results, UnlistedPasses.NONE, seeds, started, (System.nanoTime() - t0) / 1_000_000, incomplete);
    }

    /**
     * The reports a run writes before its first case (docs/checks.md, "Guarantees"): no case,
     * verdict INCOMPLETE ({@link RunControl#IN_PROGRESS}), the run info known so far. A run
     * killed before its first checkpoint leaves these, never an older run's verdict.
     */
    public static RunResult placeholder(RunOptions options, Map<String, String> backend, List<Long> seeds) {
        Conformance.Judgement j = Conformance.judge(List.of(), UnlistedPasses.NONE, List.of(), RunControl.IN_PROGRESS);
        return new RunResult(runInfo(options, backend, Instant.now(), 0, seeds), List.of(), Map.of(), j.verdict(), j.reasons(),
                List.of(), UnlistedPasses.NONE);
    }

    /** Hands a non-passing verdict to the failure sink and returns the result with its repro dir. */
    CaseResult report(Verdict v) {
        CaseResult r = v.result();
        if (r.status() == Status.PASS || r.status() == Status.NOT_SUPPORTED) return r;
        try {
            String dir = options.failureSink().write(v.testCase(), v.expected(), v.actual(), r);
            if (dir != null) return r.withRepro(dir);
        } catch (Exception e) {
            options.log().accept("could not write the repro bundle of " + r.caseId() + ": " + BackendSession.oneLine(e));
        }
        return r;
    }

    /**
     * Builds the run's result: coverage, expectation problems and the verdict ({@link Conformance}),
     * with passing cases that were tallied instead of listed (they count in the coverage too) and,
     * for a run cut short, why (null when it ran to its end).
     */
    RunResult summarize(List<CaseResult> results, UnlistedPasses unlisted, List<Long> caseSeeds, Instant started, long wallMillis,
                        String incomplete) {
        // a shard's entries may match cases of other shards: staleness is judged on the merged result (docs/checks.md section 5)
        List<ExpectationMatch> matches = options.expectations().matches(results);
        List<String> problems = options.expectations().problems(results, options.shard());
        Conformance.Judgement judgement = Conformance.judge(results, unlisted, problems, incomplete);
        Map<String, Long> coverage = new TreeMap<>();
        for (CaseResult r : results) {
            for (String f : r.features()) coverage.merge(f, 1L, Long::sum);
            if (r.judged()) {
                for (String rule : r.rules()) coverage.merge("rule:" + rule, 1L, Long::sum);
            }
        }
        unlisted.features().forEach((f, n) -> coverage.merge(f, n, Long::sum));
        unlisted.perRule().forEach((rule, n) -> coverage.merge("rule:" + rule, n, Long::sum));
        LinkedHashSet<Long> seeds = new LinkedHashSet<>();
        for (Long seed : caseSeeds) if (seed != null) seeds.add(seed);
        return new RunResult(runInfo(started, wallMillis, new ArrayList<>(seeds)), results, coverage, judgement.verdict(),
                judgement.reasons(), problems, unlisted, matches);
    }

    RunInfo runInfo(Instant started, long wallMillis, List<Long> seeds) {
        Map<String, String> backend = new LinkedHashMap<>();
        BackendInfo info = session.lastInfo();
        if (info != null) {
            backend.put("name", info.name());
            backend.put("version", info.version());
            backend.put("device", info.device());
            info.unavailable().ifPresent(u -> backend.put("unavailable", u));
            // what R1 judged the second calls against, so a reader sees what was promised
            String declared = info.capabilities().determinismLine();
            if (!declared.isEmpty()) backend.put(RunInfo.DETERMINISM, declared);
            backend.putAll(info.details());
        } else {
            backend.put("error", String.valueOf(session.lastCreateError()));
        }
        return runInfo(options, backend, started, wallMillis, seeds);
    }

    private static RunInfo runInfo(RunOptions options, Map<String, String> backend, Instant started, long wallMillis, List<Long> seeds) {
        return new RunInfo(options.suiteVersion(), options.gitCommit(), options.commandLine(), options.tier(), seeds, backend,
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")", started.toString(), wallMillis, null,
                options.shard().toString());
    }

    /** Judges one case (no progress, no failure sink): what the fuzzer's shrinker calls repeatedly. */
    public Verdict judge(Case c) { return judge(c, null); }

    /** Judges one case with the oracle's answer already computed (null: compute it here). */
    Verdict judge(Case c, OracleAnswer precomputed) {
        InFlight.set("judging " + c.id());
        Invocation inv = c.invocation();
        Optional<Expectations.Entry> skip = options.expectations().skipFor(c);
        if (skip.isPresent()) return notJudged(c, NotJudged.SKIPPED, "skipped by expectations: " + skip.get().reason());
        BackendInfo info = session.info();
        if (info == null) return verdict(c, Status.ERROR, List.of(), session.createError(), 0, null, null);
        if (!info.available()) return notJudged(c, NotJudged.UNAVAILABLE, "backend unavailable: " + info.unavailable().get());
        String why = info.capabilities().whyNot(inv);
        if (why != null) return notJudged(c, NotJudged.DECLARED, why);

        if (oracleFree(c)) return judgeByRelations(c);
        OracleAnswer answer = precomputed != null ? precomputed : OracleAnswer.of(inv);
        if (ProbeCases.isProbe(c)) return judgeProbe(c, answer);
        if (answer.harnessError() != null) return verdict(c, Status.HARNESS_ERROR, List.of(), answer.harnessError(), 0, null, null);
        Expected expected = answer.expected();

        BackendSession.Answer first = session.call(inv, options.caseTimeout());
        if (!first.ok()) return verdict(c, first.status(), List.of(), first.detail(), first.nanos(), expected, null);
        Outputs second = null;
        if (options.determinism()) {
            BackendSession.Answer again = session.call(inv, options.caseTimeout());
            if (!again.ok()) {
                return verdict(c, again.status(), List.of(), "on the second (determinism) call: " + again.detail(), first.nanos(), expected, first.outputs());
            }
            second = again.outputs();
        }
        CheckContext.FollowUp roundTrip = null;
        if (options.roundTrip()) {
            BackendInfo now = session.info();
            Invocation combine = now == null ? null : RoundTrip.combineAfter(inv, first.outputs(), now.capabilities());
            if (combine != null) {
                BackendSession.Answer rt = session.call(combine, options.caseTimeout());
                if (rt.status() == Status.NOT_SUPPORTED) combine = null; // the backend declines the combine: no round trip
                if (combine != null) {
                    roundTrip = new CheckContext.FollowUp(combine, rt.ok() ? rt.outputs() : null, rt.ok() ? null : rt.status() + ": " + rt.detail());
                }
            }
        }
        List<String> relationNotes = new ArrayList<>();
        CheckContext ctx;
        List<Violation> violations;
        try {
            // building a relation's calls is the harness's work too: a bug there is this case's HARNESS_ERROR, not the campaign's end
            List<CheckContext.Related> relations = withRelations(c) ? relations(c, relationNotes) : List.of();
            // R1 judges the second call against what the backend promised for this op (docs/spec.md R1)
            ctx = new CheckContext(inv, expected, first.outputs(), second, roundTrip, relations)
                    .declaring(info.capabilities().determinismOf(inv.op()));
            relationNotes.forEach(ctx::note);
            violations = Checks.run(ctx);
        } catch (RuntimeException e) {
            return verdict(c, Status.HARNESS_ERROR, List.of(), "a check failed: " + BackendSession.oneLine(e), first.nanos(), expected, first.outputs());
        }
        String notes = ctx.notes().isEmpty() ? null : String.join("; ", ctx.notes());
        Status status = violations.isEmpty() ? Status.PASS : Status.FAIL;
        return verdict(c, status, violations, notes, first.nanos(), expected, first.outputs());
    }

    /** A case the relations judge too (docs/checks.md, "Relations"): labelled so by its generator. */
    static boolean withRelations(Case c) {
        return c.features().contains(org.permcheck.engine.fuzz.CaseFeatures.RELATIONS) || oracleFree(c);
    }

    /** A case beyond the oracle's budget (the xl size class): judged by the relations only. */
    static boolean oracleFree(Case c) { return c.features().contains(org.permcheck.engine.fuzz.CaseFeatures.ORACLE_NOT_RUN); }

    /**
     * Makes the follow-up calls of every relation of the case (R3, R4) and records their answers; a
     * relation whose call the backend does not claim or declines is left out with a note.
     */
    private List<CheckContext.Related> relations(Case c, List<String> notes) {
        Invocation inv = c.invocation();
        long seed = (c.seed() == null ? 0 : c.seed()) * 31 + c.id().hashCode();
        List<CheckContext.Related> out = new ArrayList<>();
        for (RelationCalls.Plan p : RelationCalls.of(inv, seed)) {
            List<Invocation> calls = new ArrayList<>();
            List<Outputs> results = new ArrayList<>();
            String failure = null;
            boolean skipped = false;
            for (int i = 0; i < p.steps().size() && failure == null && !skipped; i++) {
                InFlight.set("relation " + p.name() + " of " + c.id() + ", call " + (i + 1));
                Invocation call = p.steps().get(i).apply(results);
                if (call == null) {
                    failure = "call " + (i + 1) + " could not be built from the answer to call " + i + " (an output is missing or malformed)";
                    break;
                }
                BackendInfo now = session.info();
                String why = now == null ? "the backend is gone" : now.capabilities().whyNot(call);
                if (why != null) {
                    notes.add("relation " + p.name() + " not judged: " + why);
                    skipped = true;
                    break;
                }
                BackendSession.Answer a = session.call(call, options.caseTimeout());
                if (a.status() == Status.NOT_SUPPORTED) {
                    notes.add("relation " + p.name() + " not judged: the backend declined " + call.op().wireName() + ": " + a.detail());
                    skipped = true;
                    break;
                }
                calls.add(call);
                if (!a.ok()) failure = "call " + (i + 1) + " (" + call.op().wireName() + ") gave " + a.status() + ": " + a.detail();
                else results.add(a.outputs());
            }
            if (!skipped) out.add(new CheckContext.Related(p.name(), calls, results, failure, p.permutation()));
        }
        return out;
    }

    /**
     * A case beyond the oracle's budget (docs/checks.md, "Relations"): one call, its outputs within the
     * call's bounds (B1's budget) and guard bands (B2), then the relations (R3, R4); the oracle is not
     * run and the detail says so, so a PASS here is never mistaken for an oracle-judged one.
     */
    private Verdict judgeByRelations(Case c) {
        Invocation inv = c.invocation();
        BackendSession.Answer first = session.call(inv, options.caseTimeout());
        String how = org.permcheck.engine.check.Relations.ORACLE_NOT_RUN;
        if (!first.ok()) return verdict(c, first.status(), List.of(), how + "; " + first.detail(), first.nanos(), null, null);
        List<Violation> violations = new ArrayList<>(bounds(inv, first.outputs(), "the call " + inv.describe() + " (judged without the oracle)"));
        List<String> notes = new ArrayList<>();
        long t0 = System.nanoTime();
        List<CheckContext.Related> relations;
        try {
            relations = relations(c, notes);
            CheckContext ctx = new CheckContext(inv, null, first.outputs(), null, null, relations);
            violations.addAll(Checks.runOracleFree(ctx));
        } catch (RuntimeException e) {
            return verdict(c, Status.HARNESS_ERROR, List.of(), how + "; a check failed: " + BackendSession.oneLine(e), first.nanos(), null, first.outputs());
        }
        List<String> judged = new ArrayList<>();
        for (CheckContext.Related r : relations) judged.add(r.name());
        // no relation applied and no oracle: only the bounds judged the answer, which is no verdict on its contents
        // (NOT_SUPPORTED when the backend declined the follow-up calls, the notes say which; our generator's gap otherwise)
        if (judged.isEmpty()) {
            if (!notes.isEmpty()) return verdict(c, Status.NOT_SUPPORTED, List.of(), how + "; " + String.join("; ", notes), first.nanos(), null, first.outputs());
            return verdict(c, Status.HARNESS_ERROR, List.of(), how + "; no relation applies to this case, so nothing judged its outputs", first.nanos(), null, first.outputs());
        }
        String detail = how + " (relations " + String.join(", ", judged) + "; "
                + (System.nanoTime() - t0) / 1_000_000 + " ms of follow-up calls and judging)" + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
        return verdict(c, violations.isEmpty() ? Status.PASS : Status.FAIL, violations, detail, first.nanos(), null, first.outputs());
    }

    /** Every output of the answer within its port's declared bound for the call (B1's budget, OutputShape). */
    private static List<Violation> bounds(Invocation inv, Outputs outputs, String what) {
        List<Violation> violations = new ArrayList<>();
        for (Map.Entry<String, org.permcheck.tensor.Tensor> o : outputs.tensors().entrySet()) {
            Optional<Port> port = inv.op().outputs().stream().filter(p -> p.name().equals(o.getKey())).findFirst();
            if (port.isEmpty()) continue; // an output the op does not have: nothing to bound (a reader refuses it before here)
            long budget = Math.max(0, port.get().shape().maxElements(inv));
            long got = o.getValue().numel();
            if (got > budget) {
                violations.add(Violation.of(Rule.B1.id(), what + ": output '" + o.getKey() + "' holds " + got + " elements "
                        + o.getValue().shapeString() + ", more than the call's budget of " + budget + " (docs/spec.md B1)"));
            }
        }
        return violations;
    }

    /**
     * A precondition probe (docs/checks.md, "Robustness"): the oracle must refuse it under the probe's
     * X rule (else HARNESS_ERROR, a probe generator bug); the backend's refusal passes B1, an answer
     * passes when every output fits the call's budget (B1) and no guard band changed (B2); a crash
     * or a hang fails B1. One call: no determinism, no round trip.
     */
    private Verdict judgeProbe(Case c, OracleAnswer answer) {
        String rule = ProbeCases.intendedRule(c);
        String problem = answer.probeProblem(rule);
        if (problem != null) return verdict(c, Status.HARNESS_ERROR, List.of(), problem, 0, null, null);
        Invocation inv = c.invocation();
        BackendSession.Answer a = session.call(inv, options.caseTimeout());
        String probe = "precondition probe " + c.id() + " (violates " + rule + ")";
        if (a.status() == Status.TIMEOUT || a.status() == Status.CRASH) {
            String what = a.status() == Status.TIMEOUT ? "hung" : "crashed";
            return verdict(c, Status.FAIL, List.of(Violation.of(Rule.B1.id(), probe + ": the backend " + what + ": " + a.detail())), what + ": " + a.detail(), a.nanos(), null, null);
        }
        if (a.status() == Status.HARNESS_ERROR) return verdict(c, Status.HARNESS_ERROR, List.of(), a.detail(), a.nanos(), null, null);
        if (a.malformed()) {
            return verdict(c, Status.FAIL, List.of(Violation.of(Rule.B1.id(), probe + ": the backend answered, but the answer was refused: " + a.detail())),
                    null, a.nanos(), null, null);
        }
        if (!a.ok()) return verdict(c, Status.PASS, List.of(), Robustness.REFUSED + a.detail(), a.nanos(), null, null);
        List<Violation> violations = bounds(inv, a.outputs(), probe);
        violations.addAll(GuardBandCheck.violations(probe, a.outputs()));
        if (violations.isEmpty()) return verdict(c, Status.PASS, List.of(), "answered within bounds; contents unspecified", a.nanos(), null, a.outputs());
        return verdict(c, Status.FAIL, violations, null, a.nanos(), null, a.outputs());
    }

    private Verdict notJudged(Case c, NotJudged why, String detail) {
        return new Verdict(c, result(c, Status.NOT_SUPPORTED, List.of(), detail, 0, why), null, null);
    }

    /**
     * The one place a case result is made from an answer. A breaking status that an expectations
     * entry honours (same status, the named rule among the violations) is marked excused here, once;
     * nobody downstream re-derives it. A NOT_SUPPORTED answer from the backend itself is REFUSED: it
     * was inside the declared capabilities (those outside never reach the backend).
     */
    private Verdict verdict(Case c, Status status, List<Violation> violations, String detail, long nanos,
                            Expected expected, Outputs actual) {
        CaseResult r = result(c, status, violations, detail, nanos, status == Status.NOT_SUPPORTED ? NotJudged.REFUSED : null);
        if (status.breaksConformance()) {
            Optional<Expectations.Entry> xf = options.expectations().excuseFor(r);
            if (xf.isPresent()) r = r.withExcuse(xf.get().reason());
        }
        return new Verdict(c, r, expected, actual);
    }

    /** The result of case {@code c}: its id, op, rules, sorted features and input size, and how it went. */
    private static CaseResult result(Case c, Status status, List<Violation> violations, String detail, long nanos, NotJudged why) {
        List<String> features = new ArrayList<>(c.features());
        features.sort(null);
        return new CaseResult(c.id(), c.invocation().op().wireName(), c.rules(), features, status, violations, detail, nanos,
                c.invocation().inputBytes(), c.seed(), null, null, why, null);
    }

    @Override
    public void close() { session.close(); }

    /** A case and its oracle answer, made together ahead of the backend call. */
    private record Prepared(Case testCase, OracleAnswer answer) {
        /** No oracle answer for a case judged by the relations only (it is beyond the oracle's budget). */
        static Prepared of(Case c) { return new Prepared(c, oracleFree(c) ? null : OracleAnswer.of(c.invocation())); }
    }
}
