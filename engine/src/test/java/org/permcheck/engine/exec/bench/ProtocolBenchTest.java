package org.permcheck.engine.exec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.permcheck.spi.bench.BenchRequest;
import org.permcheck.spi.bench.BenchRow;
import org.permcheck.tensor.DType;

/** The protocol benchmarks run end to end on tiny shapes (what they measure is not asserted: no timed tests). */
class ProtocolBenchTest {
    static final String PORT = "python3 " + Path.of("").toAbsolutePath().getParent().resolve("adapters/python/examples/numpy_port.py");

    static boolean numpy() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Test
    void throughputAndOverheadRowsDescribeWhatRan() throws Exception {
        assumeTrue(numpy(), "python3 with numpy not found");
        BenchRequest small = new BenchRequest(8, 4, 2, 8, DType.F32, true, 0, 3, 2, 3);
        BenchRow t = ProtocolBench.throughput(PORT, small, 25);
        assertEquals("T=8 E=4 top-2 H=8 f32 probs", t.shape());
        assertEquals("25", t.notes().get("cases"));
        // inputs 8x8 f32 + 8x4 i32 + 8x4 f32, outputs 16x8 f32 + 16 f32 + 8x9 i32 + 4 i32 (hand count)
        assertEquals(256 + 128 + 128 + 512 + 64 + 288 + 16, t.bytes());
        assertTrue(t.nanos() > 0 && t.baselineNanos() > 0);

        BenchRequest large = new BenchRequest(64, 8, 2, 16, DType.BF16, true, 4, 3, 1, 2);
        BenchRow o = ProtocolBench.overhead(PORT, large);
        assertTrue(o.subject().startsWith("protocol overhead"), o.subject());
        assertTrue(o.notes().containsKey("backend compute ms"));
        assertTrue(o.bytes() > 64 * 16 * 2, "inputs and outputs counted");
    }
}
