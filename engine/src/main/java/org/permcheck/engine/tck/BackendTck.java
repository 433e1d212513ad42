package org.permcheck.engine.tck;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunVerdict;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.UnlistedPasses;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.run.Conformance;
import org.permcheck.engine.run.Expectations;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Shard;
import org.permcheck.engine.run.Tier;
import org.permcheck.engine.run.Verdict;
import org.permcheck.engine.vectors.VectorSet;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;

/**
 * The conformance suite as JUnit 5 tests, for a backend written in Java (the Reactive Streams TCK
 * pattern): extend this class in your test sources and implement {@link #createBackend()}; every
 * quick-tier case becomes one dynamic test named with its rule ids and case id.
 *
 * <pre>
 *   class MyBackendTckTest extends BackendTck {
 *       protected Backend createBackend() { return new MyBackend(); }
 *   }
 * </pre>
 *
 * PASS passes; FAIL, ERROR, TIMEOUT, CRASH and HARNESS_ERROR fail with the rendered violations or
 * the reason; NOT_SUPPORTED (outside the declared capabilities) is skipped, never passed; a backend
 * whose {@link BackendInfo#unavailable()} is set (no GPU here) skips every test. A last test fails
 * when the cases that ran judged nothing, or under half of an op inside the declared capabilities
 * ({@link Conformance}): a backend that refuses every call is not green.
 *
 * <p>Known failures: {@link #expectations()} names the backend's expectations file (docs/checks.md
 * section 5). Its skips never run; a failure an expected-failure entry excuses is a skipped test
 * that says "expected FAIL (excused: reason)"; an entry that passes, fails differently or matches no
 * case fails the closing test, as it breaks the gate of {@code permcheck run --expectations}.
 */
public abstract class BackendTck {

    /** A fresh backend; called again after a TIMEOUT or CRASH. */
    protected abstract Backend createBackend() throws Exception;

    /** Run options (per-case limit, determinism, round trip); override to change them. */
    protected RunOptions options() { return RunOptions.defaults().withTier("tck"); }

    /** The seed of the sampled cases. */
    protected long seed() { return Tier.DEFAULT_SEED; }

    /**
     * A vector directory to run first (e.g. {@code Path.of("../vectors")} from a module's tests), or
     * null for none. A directory that does not load fails every test with the loader's message. By
     * default the set of the {@code permcheck-tck-vectors} jar when it is on the test class path
     * ({@link BundledVectors}, docs/tck.md), else none.
     */
    protected java.nio.file.Path vectors() { return BundledVectors.find(); }

    /** The share of the tier this test class runs (split a slow backend across classes). */
    protected Shard shard() { return Shard.ALL; }

    /** The backend's expectations file (known failures and skips), or null for none. */
    protected java.nio.file.Path expectations() { return null; }

    @TestFactory
    Stream<DynamicTest> quickTier() {
        List<Case> vectorCases;
        try {
            vectorCases = vectors() == null ? List.of() : VectorSet.load(vectors());
        } catch (java.io.IOException e) {
            String why = e.getMessage();
            return Stream.of(DynamicTest.dynamicTest("vectors " + vectors(), () -> Assertions.fail("cannot load vectors: " + why)));
        }
        RunOptions opts = options();
        if (expectations() != null) {
            try {
                opts = opts.withExpectations(Expectations.load(expectations()));
            } catch (java.io.IOException | IllegalArgumentException e) {
                String why = e.getMessage();
                return Stream.of(DynamicTest.dynamicTest("expectations " + expectations(), () -> Assertions.fail("cannot load expectations: " + why)));
            }
        }
        Expectations known = opts.expectations();
        Shard shard = shard();
        List<Case> cases = Tier.QUICK.cases(seed(), shard, vectorCases);
        Runner runner = new Runner(this::createBackend, opts);
        BackendInfo info = runner.backendInfo();
        List<CaseResult> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Stream<DynamicTest> perCase = cases.stream().map(c -> DynamicTest.dynamicTest(displayName(c), () -> {
            if (info != null) {
                Assumptions.assumeTrue(info.available(), () -> "backend unavailable: " + info.unavailable().orElse(""));
            }
            Verdict v = runner.judge(c);
            seen.add(v.result());
            check(v);
        }));
        // last: the run's verdict, so a backend that refuses (or declares away) everything is not green
        DynamicTest verdict = DynamicTest.dynamicTest(VERDICT, () -> {
            if (info != null) Assumptions.assumeTrue(info.available(), () -> "backend unavailable: " + info.unavailable().orElse(""));
            checkVerdict(seen);
            List<String> problems = known.problems(seen, shard); // as the runner gates: staleness only on a whole tier
            if (!problems.isEmpty()) Assertions.fail("expectations: " + String.join("; ", problems));
        });
        return Stream.concat(perCase, Stream.of(verdict)).onClose(runner::close);
    }

    /** The display name of the closing test. */
    static final String VERDICT = "verdict: something was judged (docs/checks.md, Guarantees)";

    /** Fails unless the cases judged so far reach the verdict CONFORMANT or NOT CONFORMANT (never NOTHING JUDGED). */
    static void checkVerdict(List<CaseResult> results) {
        Conformance.Judgement j = Conformance.judge(results, UnlistedPasses.NONE, List.of(), null);
        if (j.verdict() == RunVerdict.NOTHING_JUDGED) Assertions.fail(j.verdict().label() + ": " + String.join("; ", j.reasons()));
    }

    /** "[D1 D2 ...] quick/edge/dispatch-uniform-f32". */
    static String displayName(Case c) {
        return "[" + String.join(" ", c.rules()) + "] " + c.id();
    }

    /** Turns a verdict into a JUnit outcome. */
    static void check(Verdict v) {
        CaseResult r = v.result();
        if (r.status() == Status.PASS) return;
        Assumptions.assumeFalse(r.status() == Status.NOT_SUPPORTED, () -> "NOT_SUPPORTED: " + r.detail());
        Assumptions.assumeFalse(r.excused(), () -> "expected " + r.status() + " (excused: " + r.excuse() + ")");
        String why = r.violations().isEmpty() ? r.detail()
                : r.violations().stream().map(Violation::render).collect(Collectors.joining("\n"));
        Assertions.fail(r.status() + " " + r.caseId() + ": " + why);
    }
}
