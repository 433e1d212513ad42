package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class BackendChoiceTest {

    /** Without --backend: CUDA when it says it is available here, else CPU, and the choice is printed with its reason. */
    @Test
    void defaultIsCudaWhenAvailableElseCpuWithTheReason() {
        StringWriter sw = new StringWriter();
        BackendChoice c = BackendChoice.resolve(null, new PrintWriter(sw, true));
        String said = sw.toString();
        assertEquals(1, said.lines().count(), said);
        if (c.selector().equals("cuda")) {
            assertTrue(c.info().available());
            assertTrue(said.contains("default: CUDA is available"), said);
        } else {
            assertEquals("cpu", c.selector());
            assertTrue(said.startsWith("permcheck: backend cpu ("), said);
            assertTrue(said.contains("default; ") && (said.contains("cuda not available") || said.contains("no cuda backend")), said);
        }
    }

    @Test
    void cpuIsRegisteredAndDescribesItself() {
        BackendChoice c = BackendChoice.resolve("cpu", new PrintWriter(new StringWriter(), true));
        assertTrue(c.info().available());
        assertEquals("cpu", c.info().name());
        assertTrue(BackendChoice.knownNames(BackendChoice.providers()).contains("cpu"));
    }

    @Test
    void anEmptyExecCommandIsAUsageError() {
        UsageError e = assertThrows(UsageError.class, () -> BackendChoice.resolve("exec:  ", new PrintWriter(new StringWriter(), true)));
        assertTrue(e.getMessage().contains("needs a command"));
    }

    @Test
    void anExecCommandThatCannotStartIsAUsageError() {
        UsageError e = assertThrows(UsageError.class,
                () -> BackendChoice.resolve("exec:/nonexistent/adapter --flag", new PrintWriter(new StringWriter(), true)));
        assertTrue(e.getMessage().startsWith("backend 'exec:/nonexistent/adapter --flag'"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
