package org.permcheck.engine.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import org.permcheck.contract.Invocation;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.testbackends.Int64CountsBackend;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Outputs;

/** How the TCK turns verdicts into JUnit outcomes: unavailable skips, a wrong answer fails, names carry rule ids. */
class BackendTckBehaviourTest {

    /** A backend that cannot run here (like the CUDA one without a GPU). */
    static final class Unavailable implements Backend {
        @Override
        public BackendInfo info() {
            BackendInfo cpu = new CpuBackend().info();
            return new BackendInfo("nogpu", "1", "none", cpu.capabilities(), Optional.of("no CUDA driver"), Map.of());
        }

        @Override
        public Outputs run(Invocation inv) { throw new AssertionError("must never be called"); }
    }

    private static List<DynamicTest> tests(BackendTck tck) {
        try (Stream<DynamicTest> s = tck.quickTier()) {
            return s.limit(3).collect(Collectors.toList());
        }
    }

    @Test
    void unavailableBackendSkipsEveryTestNeverPasses() {
        List<DynamicTest> ts = tests(new BackendTck() {
            @Override
            protected Backend createBackend() { return new Unavailable(); }
        });
        assertEquals(3, ts.size());
        for (DynamicTest t : ts) {
            TestAbortedException e = assertThrows(TestAbortedException.class, () -> t.getExecutable().execute());
            assertTrue(e.getMessage().contains("no CUDA driver"), e.getMessage());
        }
    }

    @Test
    void brokenBackendFailsWithTheRuleInTheMessage() {
        List<DynamicTest> ts = tests(new BackendTck() {
            @Override
            protected Backend createBackend() { return new Int64CountsBackend(); }
            // the tier's own cases: the bundled vectors (on the test class path since tck-vectors) would come first
            @Override
            protected java.nio.file.Path vectors() { return null; }
        });
        DynamicTest first = ts.get(0); // quick/edge/dispatch-uniform-f32
        assertTrue(first.getDisplayName().contains("N1") && first.getDisplayName().endsWith("quick/edge/dispatch-uniform-f32"),
                first.getDisplayName());
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> first.getExecutable().execute());
        assertTrue(e.getMessage().contains("[N1]"), e.getMessage());
    }

    @Test
    void aBackendRefusingEveryCallFailsTheClosingVerdictTest() throws Throwable {
        BackendTck refusing = new BackendTck() {
            @Override
            protected Backend createBackend() {
                return new Backend() {
                    @Override public BackendInfo info() { return new CpuBackend().info(); }
                    @Override public Outputs run(Invocation inv) throws Exception {
                        throw new org.permcheck.spi.NotSupportedException("not today");
                    }
                };
            }
            @Override
            protected org.permcheck.engine.run.Shard shard() { return new org.permcheck.engine.run.Shard(0, 200); }
        };
        List<DynamicTest> all;
        try (Stream<DynamicTest> s = refusing.quickTier()) {
            all = s.collect(Collectors.toList());
        }
        DynamicTest last = all.get(all.size() - 1);
        assertEquals(BackendTck.VERDICT, last.getDisplayName());
        for (DynamicTest t : all.subList(0, all.size() - 1)) {
            assertThrows(TestAbortedException.class, () -> t.getExecutable().execute()); // each case: skipped, never passed
        }
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> last.getExecutable().execute());
        assertTrue(e.getMessage().startsWith("NOTHING JUDGED: no case was judged"), e.getMessage());
    }

    @Test
    void expectationsExcuseAKnownFailureAndAStaleEntryFailsTheClosingTest(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Throwable {
        java.nio.file.Path file = dir.resolve("expectations.json");
        java.nio.file.Files.writeString(file, "{\"backend\": \"int64-counts\", \"expected_failures\": ["
                + "{\"case\": \"quick/edge/dispatch-uniform-f32\", \"status\": \"FAIL\", \"rule\": \"N1\", \"reason\": \"int64 counts (known)\"},"
                + "{\"case\": \"quick/edge/no-such-case\", \"reason\": \"stale\"}], \"skips\": []}");
        BackendTck tck = new BackendTck() {
            @Override protected Backend createBackend() { return new Int64CountsBackend(); }
            @Override protected java.nio.file.Path expectations() { return file; }
            @Override protected java.nio.file.Path vectors() { return null; } // the tier's own cases first, as asserted below
        };
        List<DynamicTest> all;
        try (Stream<DynamicTest> s = tck.quickTier()) {
            all = s.collect(Collectors.toList());
        }
        DynamicTest first = all.get(0);
        assertTrue(first.getDisplayName().endsWith("quick/edge/dispatch-uniform-f32"), first.getDisplayName());
        TestAbortedException excused = assertThrows(TestAbortedException.class, () -> first.getExecutable().execute());
        assertTrue(excused.getMessage().contains("expected FAIL (excused: int64 counts (known))"), excused.getMessage());
        for (DynamicTest t : all.subList(1, all.size() - 1)) {
            try {
                t.getExecutable().execute();
            } catch (Throwable expectedForOtherCases) {
                // the other int64-count cases fail or skip; only the closing test matters below
            }
        }
        DynamicTest closing = all.get(all.size() - 1);
        AssertionFailedError stale = assertThrows(AssertionFailedError.class, () -> closing.getExecutable().execute());
        assertTrue(stale.getMessage().contains("expectation matches no case of this run: 'quick/edge/no-such-case'"), stale.getMessage());
    }
}
