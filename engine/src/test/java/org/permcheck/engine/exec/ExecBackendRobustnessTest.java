package org.permcheck.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.engine.exec.GuardedCall.Attempt;
import org.permcheck.engine.model.Status;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The bad-backend corpus of docs/protocol.md section 4: a scripted fake backend
 * (src/test/resources/fake-backends/fake_backend.py) misbehaves in one way per case, and each
 * misbehaviour must give its documented status and a one-line detail, never an answer to judge.
 */
class ExecBackendRobustnessTest {
    static final Duration LIMIT = Duration.ofSeconds(20);
    static GuardedCall guard;

    @BeforeAll
    static void setUp() {
        assumeTrue(Python.hasPython(), "python3 not found: the protocol robustness tests need it to run the fake backends");
        guard = new GuardedCall();
    }

    @AfterAll
    static void tearDown() {
        if (guard != null) guard.close();
    }

    /** A chunk sort of 64 x 256 f32 rows (64 KiB, so that a tenfold output exceeds the budget). */
    static Invocation chunkSort() {
        Tensor inp = Tensor.zeros(DType.F32, 64, 256);
        for (long i = 0; i < inp.numel(); i++) inp.setF32(i, i);
        return new Invocation(Op.SORT_CHUNKS, Profile.TE_JAX,
                Map.of("inp", inp, "split_sizes", Tensor.i32(new long[] {2}, 24, 40), "sorted_indices", Tensor.i32(new long[] {2}, 1, 0)),
                Map.of());
    }

    static Attempt once(String command, Duration limit) throws Exception {
        try (ExecBackend b = ExecBackend.forCommand(command)) {
            return guard.call(b, chunkSort(), limit);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "crash,          CRASH,         exit status 3",
            "exit-clean,     CRASH,         backend exited during case",
            "garbage,        ERROR,         'protocol: not JSON: this is not json {'",
            "not-object,     ERROR,         protocol: not a JSON object",
            "wrong-id,       ERROR,         protocol: answer for id 1001 while waiting for id 1",
            "unknown-type,   ERROR,         protocol: unexpected answer type 'maybe'",
            "long-line,      ERROR,         longer than 1 MiB",
            "error,          ERROR,         'backend error: RuntimeError: CUDA error: an illegal memory access'",
            "not-supported,  NOT_SUPPORTED, fp8 with padding",
            "traversal,      ERROR,         is outside the case directory (refused)",
            "absolute,       ERROR,         is outside the case directory (refused)",
            "symlink,        ERROR,         leads outside the case directory (refused)",
            "missing,        ERROR,         no file at",
            "oversized,      ERROR,         over the limit of",
            "truncated,      ERROR,         truncated",
            "bad-magic,      ERROR,         bad magic",
            "bad-header,     ERROR,         bad .npy header dictionary",
            "big-endian,     ERROR,         big-endian dtype '>f4'",
            "fortran,        ERROR,         fortran_order True is not supported",
            "mismatch,       ERROR,         'reply says f32[65, 256], file holds <f4[64, 256]'",
            "unknown-output, ERROR,         unknown output 'surprise' for sort_chunks_by_index",
    })
    void eachMisbehaviourGetsItsDocumentedStatus(String mode, Status status, String fragment) throws Exception {
        Attempt a = once(Python.fake(mode), LIMIT);
        assertEquals(status, a.status(), mode + ": " + a.detail());
        assertNull(a.outputs(), "no answer to judge");
        assertTrue(a.detail().contains(fragment.strip()), mode + ": detail '" + a.detail() + "' should contain '" + fragment + "'");
        assertFalse(a.detail().contains("\n"), "one line");
        assertTrue(a.detail().length() < 2600, "bounded detail");
    }

    @Test
    void crashDetailCarriesTheBackendsStderr() throws Exception {
        Attempt a = once(Python.fake("crash"), LIMIT);
        assertTrue(a.detail().contains("stderr: fake backend: segmentation fault (simulated)"), a.detail());
    }

    @Test
    void aHangIsATimeoutAndTheProcessTreeIsKilled() throws Exception {
        try (ExecBackend b = ExecBackend.forCommand(Python.fake("hang"))) {
            Attempt a = guard.call(b, chunkSort(), Duration.ofMillis(1500));
            assertEquals(Status.TIMEOUT, a.status(), a.detail());
        }
        Thread.sleep(300);
        long alive = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(Python.FAKE.toString() + " hang"))
                .filter(ProcessHandle::isAlive).count();
        assertEquals(0, alive, "no fake backend process survives the cancel");
    }

    @Test
    void aBackendsOwnCaseLimitGivesTimeoutToo() throws Exception {
        try (ExecBackend b = ExecBackend.forCommand(Python.fake("hang"), null, Duration.ofMillis(1500))) {
            Attempt a = guard.call(b, chunkSort(), LIMIT);
            assertEquals(Status.TIMEOUT, a.status(), a.detail());
            assertTrue(a.detail().contains("within 1500 ms; process tree killed"), a.detail());
        }
    }

    @Test
    void anUnknownProtocolVersionMakesInfoFailAndEveryCaseAnError() throws Exception {
        try (ExecBackend b = ExecBackend.forCommand(Python.fake("--version", "2", "good"))) {
            BackendStartException e = assertThrows(BackendStartException.class, b::info);
            assertEquals("protocol version 2 not supported; this engine speaks 1", e.getMessage());
            Attempt a = guard.call(b, chunkSort(), LIMIT);
            assertEquals(Status.ERROR, a.status());
            assertTrue(a.detail().contains("protocol version 2 not supported"), a.detail());
        }
    }

    @Test
    void aBackendThatExitsBeforeHelloCrashes() throws Exception {
        try (ExecBackend b = ExecBackend.forCommand(Python.fake("--no-hello"))) {
            assertTrue(assertThrows(BackendStartException.class, b::info).getMessage().startsWith("backend exited during hello"));
            Attempt a = guard.call(b, chunkSort(), LIMIT);
            assertEquals(Status.CRASH, a.status(), a.detail());
            assertTrue(a.detail().contains("backend exited during hello (exit status 0)"), a.detail());
        }
    }

    @Test
    void garbageInsteadOfHelloIsAProtocolError() throws Exception {
        Attempt a = once(Python.fake("--hello-garbage", "good"), LIMIT);
        assertEquals(Status.ERROR, a.status());
        assertTrue(a.detail().contains("protocol: not JSON: HELLO!!"), a.detail());
    }

    @Test
    void aCommandThatDoesNotExistCrashesWithTheShellsMessage() throws Exception {
        Attempt a = once("/nonexistent/permcheck-backend --serve", LIMIT);
        assertEquals(Status.CRASH, a.status());
        assertTrue(a.detail().contains("exit status 127"), a.detail());
        assertTrue(a.detail().contains("not found") || a.detail().contains("No such file"), a.detail());
    }

    @Test
    void claimsAreEnforcedBeforeAnythingIsSent() throws Exception {
        try (ExecBackend b = ExecBackend.forCommand(Python.fake("crash"))) {
            Invocation combine = new Invocation(Op.COMBINE, Profile.TE_JAX,
                    Map.of("inp", Tensor.zeros(DType.F32, 1, 1), "row_id_map", Tensor.i32(new long[] {1, 3}, 0, 0, 1)), Map.of());
            Attempt a = guard.call(b, combine, LIMIT);
            assertEquals(Status.NOT_SUPPORTED, a.status());
            assertEquals("op token_combine not implemented", a.detail());
            assertEquals(1, b.starts(), "the backend was not crashed by a call it never got");
        }
    }

    /** A file an earlier case wrote is gone before the next case: naming it again without writing it is "no file". */
    @Test
    void aStaleOutputOfAnEarlierCaseIsNeverTaken() throws Exception {
        try (ExecBackend b = ExecBackend.forCommand(Python.fake("good", "stale"))) {
            assertTrue(guard.call(b, chunkSort(), LIMIT).answered());
            Attempt a = guard.call(b, chunkSort(), LIMIT);
            assertEquals(Status.ERROR, a.status());
            assertTrue(a.detail().startsWith("output 'output': no file at "), a.detail());
        }
    }

    /** Through the engine's runner: a backend that speaks another protocol is ERROR on every case, never "supports nothing". */
    @Test
    void theRunnerReportsAnUnusableBackendAsErrors() {
        java.util.List<org.permcheck.engine.model.Case> cases = java.util.List.of(
                new org.permcheck.engine.model.Case("a", chunkSort(), java.util.List.of("S1"), java.util.Set.of(), null, "vector"),
                new org.permcheck.engine.model.Case("b", chunkSort(), java.util.List.of("S1"), java.util.Set.of(), null, "vector"));
        org.permcheck.engine.model.RunResult r;
        try (org.permcheck.engine.run.Runner runner = new org.permcheck.engine.run.Runner(
                () -> ExecBackend.forCommand(Python.fake("--version", "2")), org.permcheck.engine.run.RunOptions.defaults())) {
            r = runner.run(cases);
        }
        assertFalse(r.conformant());
        for (org.permcheck.engine.model.CaseResult c : r.results()) {
            assertEquals(Status.ERROR, c.status());
            assertTrue(c.detail().contains("protocol version 2 not supported"), c.detail());
        }
    }

    /** The run goes on: after a crash, a hang and garbage, the next case is answered by a fresh process. */
    @Test
    void otherResultsAreKeptAcrossCrashesHangsAndGarbage() throws Exception {
        List<Status> seen = new ArrayList<>();
        try (ExecBackend b = ExecBackend.forCommand(Python.fake("good", "crash", "good", "hang", "good", "garbage", "good", "error", "good"))) {
            for (int i = 0; i < 9; i++) {
                Attempt a = guard.call(b, chunkSort(), Duration.ofSeconds(i == 3 ? 2 : 20));
                seen.add(a.answered() ? null : a.status());
                if (a.answered()) {
                    assertNotNull(a.outputs().get("output"));
                    assertTrue(a.outputs().get("output").bitEquals(chunkSort().input("inp")), "the fake echoes inp");
                }
            }
            assertEquals(java.util.Arrays.asList(null, Status.CRASH, null, Status.TIMEOUT, null, Status.ERROR, null, Status.ERROR, null), seen);
            assertEquals(4, b.starts(), "restarted after the crash, the hang and the garbage; not after a well-formed error");
        }
    }
}
