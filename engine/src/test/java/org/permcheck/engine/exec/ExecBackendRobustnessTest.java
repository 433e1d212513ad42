package org.permcheck.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.NotJudged;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.run.BackendFactory;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Verdict;
import org.permcheck.spi.NotSupportedException;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The bad-backend corpus of docs/protocol.md section 4, through the one path a run takes (the
 * runner's {@link Runner#judge}, with a factory making the {@link ExecBackend}): a scripted fake
 * backend (src/test/resources/fake-backends/fake_backend.py) misbehaves in one way per case, and
 * each misbehaviour must give its documented status and a one-line detail, never an answer to judge.
 */
class ExecBackendRobustnessTest {
    static final Duration LIMIT = Duration.ofSeconds(20);

    @BeforeAll
    static void needPython() {
        assumeTrue(Python.hasPython(), "python3 not found: the protocol robustness tests need it to run the fake backends");
    }

    /** A chunk sort of 64 x 256 f32 rows (64 KiB, so that a tenfold output exceeds the budget). */
    static Invocation chunkSort() {
        Tensor inp = Tensor.zeros(DType.F32, 64, 256);
        for (long i = 0; i < inp.numel(); i++) inp.setF32(i, i);
        return new Invocation(Op.SORT_CHUNKS, Profile.TE_JAX,
                Map.of("inp", inp, "split_sizes", Tensor.i32(new long[] {2}, 24, 40), "sorted_indices", Tensor.i32(new long[] {2}, 1, 0)),
                Map.of());
    }

    static Case chunkSortCase() {
        return new Case("exec-robustness/sort_chunks", chunkSort(), List.of("S1"), Set.of(), null, "vector");
    }

    /** One call per case: no determinism repeat, no round trip, so the fake's i-th mode meets the i-th case. */
    static RunOptions options(Duration limit) {
        return RunOptions.defaults().withTier("robustness").withDeterminism(false).withRoundTrip(false).withCaseTimeout(limit);
    }

    /** The fake backend's answer to one chunk sort, judged by a runner of its own. */
    static Verdict once(String command, Duration limit) {
        try (Runner r = new Runner(() -> ExecBackend.forCommand(command), options(limit))) {
            return r.judge(chunkSortCase());
        }
    }

    /** Makes ExecBackends and keeps them, so that a test can count the processes they started. */
    static final class Made implements BackendFactory {
        final List<ExecBackend> backends = new ArrayList<>();
        final String command;
        final Path scratch;

        Made(String command, Path scratch) {
            this.command = command;
            this.scratch = scratch;
        }

        @Override
        public ExecBackend create() {
            ExecBackend b = ExecBackend.forCommand(command, scratch);
            backends.add(b);
            return b;
        }

        int processes() { return backends.stream().mapToInt(ExecBackend::starts).sum(); }
    }

    static void assertOneLine(CaseResult r, String fragment) {
        String d = r.detail();
        assertNotNull(d, r.status() + " without a detail");
        assertTrue(d.contains(fragment.strip()), r.status() + ": detail '" + d + "' should contain '" + fragment + "'");
        assertFalse(d.contains("\n"), "one line");
        assertTrue(d.length() < 2600, "bounded detail");
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
    void eachMisbehaviourGetsItsDocumentedStatus(String mode, Status status, String fragment) {
        Verdict v = once(Python.fake(mode), LIMIT);
        assertEquals(status, v.result().status(), mode + ": " + v.result().detail());
        assertNull(v.actual(), "no answer to judge");
        assertEquals(List.of(), v.result().violations(), "nothing was judged");
        assertOneLine(v.result(), fragment);
    }

    @Test
    void aWellFormedAnswerIsJudgedByTheChecks() {
        // the fake copies inp to output and names no row_id_map: the checks see the answer and fail it
        Verdict v = once(Python.fake("good"), LIMIT);
        assertEquals(Status.FAIL, v.result().status(), v.result().detail());
        assertTrue(v.actual().get("output").bitEquals(chunkSort().input("inp")), "the fake echoes inp");
    }

    @Test
    void crashDetailCarriesTheBackendsStderr() {
        CaseResult r = once(Python.fake("crash"), LIMIT).result();
        assertOneLine(r, "stderr: fake backend: segmentation fault (simulated)");
        assertTrue(r.detail().endsWith("(backend re-created)"), r.detail());
    }

    @Test
    void aHangIsATimeoutAndTheProcessTreeIsKilled() throws Exception {
        CaseResult r = once(Python.fake("hang"), Duration.ofMillis(1500)).result();
        assertEquals(Status.TIMEOUT, r.status(), r.detail());
        assertOneLine(r, "no answer within 1500 ms (backend cancelled and re-created)");
        Thread.sleep(300);
        long alive = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(Python.FAKE.toString() + " hang"))
                .filter(ProcessHandle::isAlive).count();
        assertEquals(0, alive, "no fake backend process survives the cancel");
    }

    @Test
    void anUnknownProtocolVersionMakesInfoFail() {
        try (ExecBackend b = ExecBackend.forCommand(Python.fake("--version", "2", "good"))) {
            BackendStartException e = assertThrows(BackendStartException.class, b::info);
            assertEquals("protocol version 2 not supported; this engine speaks 1", e.getMessage());
        }
    }

    /** A backend that speaks another protocol is ERROR on every case, never "supports nothing". */
    @Test
    void theRunnerReportsAnUnusableBackendAsErrors() {
        List<Case> cases = List.of(
                new Case("a", chunkSort(), List.of("S1"), Set.of(), null, "vector"),
                new Case("b", chunkSort(), List.of("S1"), Set.of(), null, "vector"));
        RunResult r;
        try (Runner runner = new Runner(() -> ExecBackend.forCommand(Python.fake("--version", "2")), RunOptions.defaults())) {
            r = runner.run(cases);
        }
        assertFalse(r.conformant());
        assertEquals(2, r.results().size());
        for (CaseResult c : r.results()) {
            assertEquals(Status.ERROR, c.status());
            assertOneLine(c, "protocol version 2 not supported; this engine speaks 1");
        }
    }

    /** docs/protocol.md 3.1: a determinism level we do not know is a claim R1 cannot check, so every case is ERROR, in one line. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "sort_chunks_by_index=bitwise | protocol: hello declares determinism of sort_chunks_by_index 'bitwise' (known: bit_exact, group_order, multiset)",
            "token_shuffle=bit_exact      | protocol: hello declares determinism for unknown op 'token_shuffle'"})
    void anUnknownDeterminismLevelOrOpIsAnErrorForEveryCase(String declared, String message) {
        List<Case> cases = List.of(
                new Case("a", chunkSort(), List.of("S1"), Set.of(), null, "vector"),
                new Case("b", chunkSort(), List.of("S1"), Set.of(), null, "vector"));
        RunResult r;
        try (Runner runner = new Runner(() -> ExecBackend.forCommand(Python.fake("--determinism", declared, "good", "good")), RunOptions.defaults())) {
            r = runner.run(cases);
        }
        assertFalse(r.conformant());
        assertEquals(2, r.results().size());
        for (CaseResult c : r.results()) {
            assertEquals(Status.ERROR, c.status(), c.detail());
            assertOneLine(c, message);
        }
    }

    /** A known level is taken as declared: the backend's capabilities carry it, the ops it leaves out keep their default. */
    @Test
    void aKnownDeterminismLevelIsTakenAsDeclared() {
        try (ExecBackend b = ExecBackend.forCommand(Python.fake("--determinism", "sort_chunks_by_index=bit_exact", "good"))) {
            org.permcheck.spi.Capabilities caps = b.info().capabilities();
            assertEquals(org.permcheck.contract.Determinism.BIT_EXACT, caps.determinismOf(Op.SORT_CHUNKS));
            assertEquals(org.permcheck.contract.Determinism.GROUP_ORDER, caps.determinismOf(Op.DISPATCH));
        }
    }

    /** docs/protocol.md section 4: a process that dies before hello is ERROR for every case. */
    @Test
    void aBackendThatExitsBeforeHelloIsAnError() {
        try (ExecBackend b = ExecBackend.forCommand(Python.fake("--no-hello"))) {
            assertTrue(assertThrows(BackendStartException.class, b::info).getMessage().startsWith("backend exited during hello"));
        }
        CaseResult r = once(Python.fake("--no-hello"), LIMIT).result();
        assertEquals(Status.ERROR, r.status(), r.detail());
        assertOneLine(r, "backend exited during hello (exit status 0)");
    }

    @Test
    void garbageInsteadOfHelloIsAProtocolError() {
        CaseResult r = once(Python.fake("--hello-garbage", "good"), LIMIT).result();
        assertEquals(Status.ERROR, r.status(), r.detail());
        assertOneLine(r, "protocol: not JSON: HELLO!!");
    }

    /** The shell starts and exits 127: the backend never says hello, so every case is ERROR with the shell's message. */
    @Test
    void aCommandThatDoesNotExistIsAnErrorWithTheShellsMessage() {
        CaseResult r = once("/nonexistent/permcheck-backend --serve", LIMIT).result();
        assertEquals(Status.ERROR, r.status(), r.detail());
        assertOneLine(r, "exit status 127");
        assertTrue(r.detail().contains("not found") || r.detail().contains("No such file"), r.detail());
    }

    @Test
    void claimsAreEnforcedBeforeAnythingIsSent(@TempDir Path scratch) throws Exception {
        Invocation combine = new Invocation(Op.COMBINE, Profile.TE_JAX,
                Map.of("inp", Tensor.zeros(DType.F32, 1, 1), "row_id_map", Tensor.i32(new long[] {1, 3}, 0, 0, 1)), Map.of());
        Made made = new Made(Python.fake("crash"), scratch);
        try (Runner runner = new Runner(made, options(LIMIT))) {
            CaseResult r = runner.judge(new Case("exec-robustness/combine", combine, List.of("C1"), Set.of(), null, "vector")).result();
            assertEquals(Status.NOT_SUPPORTED, r.status());
            assertEquals(NotJudged.DECLARED, r.notJudged());
            assertEquals("op token_combine not implemented", r.detail());
            // and the client itself refuses it too, when called without the runner
            assertEquals("op token_combine not implemented",
                    assertThrows(NotSupportedException.class, () -> made.backends.get(0).run(combine)).getMessage());
            assertEquals(1, made.processes(), "the backend was not crashed by a call it never got");
        }
    }

    /** A file an earlier case wrote is gone before the next case: naming it again without writing it is "no file". */
    @Test
    void aStaleOutputOfAnEarlierCaseIsNeverTaken() {
        try (Runner runner = new Runner(() -> ExecBackend.forCommand(Python.fake("good", "stale")), options(LIMIT))) {
            assertNotNull(runner.judge(chunkSortCase()).actual(), "the first case is answered");
            CaseResult r = runner.judge(chunkSortCase()).result();
            assertEquals(Status.ERROR, r.status(), r.detail());
            assertOneLine(r, "output 'output': no file at ");
        }
    }

    /**
     * The run goes on: after a crash, a hang and garbage, the next case is answered by a fresh
     * process. The scratch directory is shared by the backends the runner re-creates, so the fake's
     * case counter (kept there) runs on across them.
     */
    @Test
    void otherResultsAreKeptAcrossCrashesHangsAndGarbage(@TempDir Path scratch) {
        Made made = new Made(Python.fake("good", "crash", "good", "hang", "good", "garbage", "good", "error", "good"), scratch);
        List<Status> seen = new ArrayList<>();
        try (Runner runner = new Runner(made, options(Duration.ofSeconds(4)))) {
            for (int i = 0; i < 9; i++) {
                Verdict v = runner.judge(chunkSortCase());
                boolean answered = v.actual() != null;
                seen.add(answered ? null : v.result().status());
                if (answered) assertTrue(v.actual().get("output").bitEquals(chunkSort().input("inp")), "the fake echoes inp");
            }
        }
        assertEquals(Arrays.asList(null, Status.CRASH, null, Status.TIMEOUT, null, Status.ERROR, null, Status.ERROR, null), seen);
        assertEquals(3, made.backends.size(), "the runner re-created the backend after the crash and the hang");
        assertEquals(4, made.processes(), "restarted after the crash, the hang and the garbage; not after a well-formed error");
    }
}
