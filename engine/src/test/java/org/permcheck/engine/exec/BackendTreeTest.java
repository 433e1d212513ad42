package org.permcheck.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Profile;
import org.permcheck.engine.fuzz.CaseRules;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Issue 9, "children, daemonised grandchildren and workers of a backend outlive permcheck's exit":
 * a backend that starts a child, an orphaned grandchild (reparented to init, same session) and a
 * daemon (double fork and setsid: a session of its own) leaves none of them alive after close, after
 * a timeout, or after it crashed (docs/protocol.md section 6). On the code before BackendTree only
 * the child died: the other two are no descendants of the backend once their parent has exited.
 */
class BackendTreeTest {
    static final Path SPAWNING = Path.of("src/test/resources/fake-backends/spawning_backend.py").toAbsolutePath();

    @TempDir Path pids;
    final List<ProcessHandle> leftovers = new ArrayList<>();

    @BeforeAll
    static void needPythonAndProc() {
        assumeTrue(Python.hasPython(), "python3 not found");
        assumeTrue(Files.isDirectory(Path.of("/proc")), "no /proc: only descendants are found on this system (docs/protocol.md section 6)");
    }

    @AfterEach
    void killWhatSurvived() {
        leftovers.forEach(ProcessHandle::destroyForcibly); // a failing test must not leave sleepers behind
    }

    static Invocation chunkSort() {
        return new Invocation(Op.SORT_CHUNKS, Profile.TE_JAX,
                Map.of(Ports.INP, Tensor.zeros(DType.F32, 2, 1), Ports.SPLIT_SIZES, Tensor.i32(new long[] {1}, 2),
                        Ports.SORTED_INDICES, Tensor.i32(new long[] {1}, 0)), Map.of());
    }

    private List<ProcessHandle> spawned() throws Exception {
        List<ProcessHandle> found = new ArrayList<>();
        for (String kind : List.of("child", "orphan", "daemon")) {
            Path f = pids.resolve(kind + ".pid");
            assertTrue(Files.exists(f), kind + " was started (the backend records it before hello)");
            Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(Files.readString(f).trim()));
            h.ifPresent(found::add);
        }
        leftovers.addAll(found);
        return found;
    }

    private static void assertAllGone(List<ProcessHandle> procs) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline && procs.stream().anyMatch(ProcessHandle::isAlive)) Thread.sleep(20);
        List<Long> alive = procs.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
        assertEquals(List.of(), alive, "processes of the backend still alive");
    }

    @Test
    void closeEndsTheChildTheOrphanAndTheDaemon() throws Exception {
        List<ProcessHandle> procs;
        try (ExecBackend b = ExecBackend.forCommand("python3 " + SPAWNING + " " + pids)) {
            assertEquals("spawning", b.info().name());
            procs = spawned();
            assertEquals(3, procs.size());
            assertTrue(procs.stream().allMatch(ProcessHandle::isAlive), "all three run while the backend serves");
        }
        assertAllGone(procs);
    }

    @Test
    void aTimeoutEndsThemToo() throws Exception {
        // through the runner: its case limit cancels the backend (Backend.cancel kills the tree)
        RunOptions o = RunOptions.defaults().withDeterminism(false).withCaseTimeout(Duration.ofMillis(1500));
        try (Runner r = new Runner(() -> ExecBackend.forCommand("python3 " + SPAWNING + " " + pids + " hang"), o)) {
            CaseResult res = r.judge(new Case("tree/hang", chunkSort(), CaseRules.of(chunkSort()), Set.of(), null, "property")).result();
            assertEquals(Status.TIMEOUT, res.status(), res.detail());
            assertAllGone(spawned()); // at the timeout, before the runner closes
        }
    }

    @Test
    void aProcessThatIsNotTheBackendsSurvives() throws Exception {
        // the scan must select only the backend's own: a sleeper of ours, started beside it, lives on
        Process bystander = new ProcessBuilder("sleep", "60").start();
        leftovers.add(bystander.toHandle());
        try (ExecBackend b = ExecBackend.forCommand("python3 " + SPAWNING + " " + pids)) {
            b.info();
            spawned();
        }
        assertTrue(bystander.isAlive(), "a process outside the backend's tree was killed");
        assertTrue(ProcessHandle.current().isAlive());
    }
}
