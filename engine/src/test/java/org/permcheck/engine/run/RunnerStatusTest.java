package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendCrashedException;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Capabilities;
import org.permcheck.spi.NotSupportedException;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** The closed set of statuses: how each backend behaviour is reported, and what conformance means. */
class RunnerStatusTest {

    private static final Case DISPATCH = Tier.caseById("quick/edge/dispatch-uniform-f32").orElseThrow();
    private static final Case COMBINE = Tier.caseById("quick/edge/combine-plain").orElseThrow();

    /** Delegates to the CPU backend; the behaviour on the first call is the test's. */
    abstract static class Scripted implements Backend {
        final CpuBackend cpu = new CpuBackend();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public BackendInfo info() { return cpu.info(); }

        @Override
        public Outputs run(Invocation inv) throws Exception {
            return calls.getAndIncrement() == 0 ? first(inv) : cpu.run(inv);
        }

        abstract Outputs first(Invocation inv) throws Exception;
    }

    private static RunResult run(BackendFactory f, RunOptions o, Case... cases) {
        try (Runner r = new Runner(f, o)) {
            return r.run(List.of(cases));
        }
    }

    private static RunOptions plain() { return RunOptions.defaults().withDeterminism(false).withRoundTrip(false); }

    @Test
    void hangIsTimeoutTheBackendIsCancelledAndRecreated() {
        AtomicInteger created = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);
        BackendFactory f = () -> {
            boolean firstBackend = created.incrementAndGet() == 1;
            return new Scripted() {
                @Override
                Outputs first(Invocation inv) throws Exception {
                    if (!firstBackend) return cpu.run(inv);
                    never.await(); // hangs until interrupted by the abandoned worker's shutdown
                    throw new IllegalStateException("unreachable");
                }

                @Override
                public void cancel() { cancelled.incrementAndGet(); }
            };
        };
        RunResult r = run(f, plain().withCaseTimeout(Duration.ofMillis(300)), DISPATCH, DISPATCH);
        assertEquals(Status.TIMEOUT, r.results().get(0).status());
        assertTrue(r.results().get(0).detail().contains("300 ms"), r.results().get(0).detail());
        assertEquals(1, cancelled.get());
        assertEquals(2, created.get(), "a fresh backend for the case after the timeout");
        assertEquals(Status.PASS, r.results().get(1).status());
        assertFalse(r.conformant());
    }

    @Test
    void crashIsCrashAndTheBackendIsRecreated() {
        AtomicInteger created = new AtomicInteger();
        BackendFactory f = () -> {
            created.incrementAndGet();
            return new Scripted() {
                @Override
                Outputs first(Invocation inv) throws Exception { throw new BackendCrashedException("process exited with 139"); }
            };
        };
        RunResult r = run(f, plain(), DISPATCH, DISPATCH);
        assertEquals(Status.CRASH, r.results().get(0).status());
        assertTrue(r.results().get(0).detail().contains("exited with 139"));
        assertEquals(2, created.get(), "one backend re-created after the crash, none for the report");
        assertEquals(Status.CRASH, r.results().get(1).status(), "the re-created backend crashes on its first call too");
    }

    @Test
    void otherExceptionsAreErrorWithOneLine() {
        RunResult r = run(() -> new Scripted() {
            @Override
            Outputs first(Invocation inv) { throw new IllegalStateException("bad launch\n  at kernel.cu:12"); }
        }, plain(), DISPATCH, COMBINE);
        CaseResult e = r.results().get(0);
        assertEquals(Status.ERROR, e.status());
        assertEquals("IllegalStateException: bad launch", e.detail());
        assertEquals(Status.PASS, r.results().get(1).status());
        assertFalse(r.conformant());
    }

    @Test
    void notSupportedIsReportedAndNeverAPassAndARunOfOnlyThatJudgedNothing() {
        Capabilities dispatchOnly = new Capabilities(EnumSet.of(Op.DISPATCH), Capabilities.everything().dtypes(),
                Capabilities.everything().profiles(), Capabilities.everything().features());
        BackendFactory f = () -> new Scripted() {
            @Override
            public BackendInfo info() {
                BackendInfo i = cpu.info();
                return new BackendInfo(i.name(), i.version(), i.device(), dispatchOnly, Optional.empty(), Map.of());
            }

            @Override
            Outputs first(Invocation inv) throws Exception { throw new NotSupportedException("no fp32 path yet"); }
        };
        RunResult r = run(f, plain(), DISPATCH, COMBINE);
        assertEquals(Status.NOT_SUPPORTED, r.results().get(0).status());
        assertEquals("no fp32 path yet", r.results().get(0).detail());
        assertEquals(Status.NOT_SUPPORTED, r.results().get(1).status());
        assertTrue(r.results().get(1).detail().contains("token_combine not implemented"));
        assertEquals(org.permcheck.engine.model.NotJudged.REFUSED, r.results().get(0).notJudged());
        assertEquals(org.permcheck.engine.model.NotJudged.DECLARED, r.results().get(1).notJudged());
        // nothing was judged: never CONFORMANT (issue 9)
        assertEquals(org.permcheck.engine.model.RunVerdict.NOTHING_JUDGED, r.verdict());
    }

    @Test
    void oracleRejectingAGeneratedCaseIsHarnessError() {
        Map<String, Tensor> in = new LinkedHashMap<>(DISPATCH.invocation().inputs());
        Map<String, Long> attrs = Map.of("num_out_tokens", 1L); // below the routed pairs: X3
        Case bad = new Case("generated/bad", new Invocation(Op.DISPATCH, DISPATCH.invocation().profile(), in, attrs),
                List.of("X3"), java.util.Set.of(), 1L, "fuzz");
        RunResult r = run(CpuBackend::new, plain(), bad);
        assertEquals(Status.HARNESS_ERROR, r.results().get(0).status());
        assertTrue(r.results().get(0).detail().contains("[X3]"), r.results().get(0).detail());
        assertFalse(r.conformant());
    }

    @Test
    void aBackendThatChangesItsAnswerFailsR1() {
        BackendFactory f = () -> new Scripted() {
            @Override
            Outputs first(Invocation inv) {
                Outputs o = cpu.run(inv);
                Map<String, Tensor> m = new LinkedHashMap<>(o.tensors());
                Tensor out = m.get("output").copy();
                out.setBits(0, 0, out.bits(0, 0) ^ 1); // the first call differs in one bit
                m.put("output", out);
                return new Outputs(m);
            }
        };
        // the first answer is the wrong one, so D2 fails too; R1 must be reported beside it
        CaseResult r = run(f, RunOptions.defaults(), DISPATCH).results().get(0);
        assertEquals(Status.FAIL, r.status());
        assertTrue(r.violations().stream().anyMatch(v -> v.rule().equals("R1")), r.violations().toString());
    }

    /** R2: the round trip uses the backend's own combine; a combine that fails makes the dispatch case fail R2. */
    @Test
    void aFailingRoundTripCombineIsR2() {
        BackendFactory f = () -> new Scripted() {
            @Override
            public Outputs run(Invocation inv) throws Exception {
                if (inv.op() == Op.COMBINE) throw new IllegalStateException("combine kernel missing");
                return cpu.run(inv);
            }

            @Override
            Outputs first(Invocation inv) { throw new AssertionError(); }
        };
        CaseResult r = run(f, RunOptions.defaults().withDeterminism(false), DISPATCH).results().get(0);
        assertEquals(Status.FAIL, r.status());
        assertEquals("R2", r.violations().get(0).rule());
        assertTrue(r.violations().get(0).message().contains("the combine failed: ERROR: IllegalStateException: combine kernel missing"),
                r.violations().get(0).message());
    }

    @Test
    void reductionsReportBitFaithfulAgreementAsInformation() {
        CaseResult r = run(CpuBackend::new, RunOptions.defaults(), COMBINE).results().get(0);
        assertEquals(Status.PASS, r.status());
        assertTrue(r.detail().contains("bit-faithful agreement"), r.detail());
    }

    @Test
    void progressIsToldAfterEveryCase() {
        List<String> seen = new ArrayList<>();
        run(CpuBackend::new, plain().withProgress((done, total, res) -> seen.add(done + "/" + total + " " + res.status())), DISPATCH, COMBINE);
        assertEquals(List.of("1/2 PASS", "2/2 PASS"), seen);
    }

    @Test
    void failureSinkGetsEveryNonPassingCaseAndItsDirIsRecorded() {
        List<String> sunk = new ArrayList<>();
        RunOptions o = plain().withFailureSink((c, expected, actual, res) -> {
            sunk.add(c.id() + " " + res.status() + " expected=" + (expected != null) + " actual=" + (actual != null));
            return "/tmp/repro/" + sunk.size();
        });
        RunResult r = run(org.permcheck.engine.testbackends.Int64CountsBackend::new, o, DISPATCH, COMBINE);
        assertEquals(List.of("quick/edge/dispatch-uniform-f32 FAIL expected=true actual=true"), sunk);
        assertEquals("/tmp/repro/1", r.results().get(0).reproDir());
        assertNull(r.results().get(1).reproDir());
    }

    @Test
    void runInfoRecordsBackendAndSeeds() {
        Case sampled = Tier.caseById("quick/seed=5/3").orElseThrow();
        RunResult r = run(CpuBackend::new, plain(), sampled);
        assertEquals("cpu", r.info().backend().get("name"));
        assertEquals(List.of(5L), r.info().seeds());
        assertEquals(DType.F32, DType.F32);
    }
}
