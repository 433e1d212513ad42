package org.permcheck.engine.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.permcheck.engine.exec.Python;

/** {@code permcheck smoke}'s checks against the example port and against misbehaving fakes. */
class ProtocolSmokeTest {
    static final Duration LIMIT = Duration.ofSeconds(20);

    static String names(List<ProtocolSmoke.Check> checks) {
        return checks.stream().map(c -> (c.ok() ? "+" : "-") + c.name()).collect(Collectors.joining(" "));
    }

    @Test
    void theNumpyPortPassesEveryCheck() {
        assumeTrue(Python.hasNumpy(), "python3 with numpy not found");
        List<ProtocolSmoke.Check> checks = ProtocolSmoke.run(Python.numpyPort(), LIMIT);
        assertEquals("+hello +trivial case +malformed: not JSON +malformed: unknown type +malformed: run without fields +bye", names(checks),
                checks.stream().map(ProtocolSmoke.Check::line).collect(Collectors.joining("\n")));
        assertTrue(checks.get(0).detail().startsWith("numpy-port 0.1.0 on CPU"), checks.get(0).detail());
    }

    @Test
    void aBackendThatCrashesOnCasesAndDiesOnGarbageFails() {
        assumeTrue(Python.hasPython(), "python3 not found");
        List<ProtocolSmoke.Check> checks = ProtocolSmoke.run(Python.fake("crash"), LIMIT);
        assertEquals("+hello -trivial case -malformed: not JSON -malformed: unknown type -malformed: run without fields -bye", names(checks));
        assertTrue(checks.get(1).detail().contains("CRASH"), checks.get(1).detail());
        assertTrue(checks.get(2).detail().startsWith("the backend died on it; stderr: "), checks.get(2).detail());
        assertEquals("not reached: the backend has exited", checks.get(3).detail());
        for (ProtocolSmoke.Check c : checks) assertFalse(c.line().contains("\n"), "one line per check");
    }

    /** The limit of {@code smoke --timeout} holds the trivial case on the runner's path: a hang is TIMEOUT, not a wait. */
    @Test
    void aBackendThatHangsOnTheTrivialCaseTimesOut() {
        assumeTrue(Python.hasPython(), "python3 not found");
        List<ProtocolSmoke.Check> checks = ProtocolSmoke.run(Python.fake("hang"), Duration.ofMillis(1500));
        assertEquals("-trivial case", names(checks.subList(1, 2)));
        assertTrue(checks.get(1).detail().endsWith(": TIMEOUT no answer within 1500 ms (backend cancelled and re-created)"), checks.get(1).detail());
    }

    @Test
    void anotherProtocolVersionFailsAtHello() {
        assumeTrue(Python.hasPython(), "python3 not found");
        List<ProtocolSmoke.Check> checks = ProtocolSmoke.run(Python.fake("--version", "3"), LIMIT);
        assertEquals(1, checks.size());
        assertEquals("FAIL hello              protocol version 3 not supported; this engine speaks 1", checks.get(0).line());
    }
}
