package org.permcheck.cuda;

import jcuda.Pointer;
import org.junit.jupiter.api.Test;
import org.permcheck.cuda.device.DeviceArena;
import org.permcheck.cuda.device.GuardBandViolation;
import org.permcheck.cuda.device.GuardedOutput;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** On a GPU: outputs start poisoned, and a write into either guard band is caught. */
class GuardBandTest {
    @Test
    void poisonIsVisibleAndGuardWritesAreCaught() {
        try (CudaBackend b = new CudaBackend()) {
            assumeTrue(b.info().available(), "no GPU");
            b.device().orElseThrow().makeCurrent();
            try (DeviceArena arena = new DeviceArena()) {
                GuardedOutput o = arena.output("output", DType.BF16, 3, 5);
                Tensor t = o.download();
                for (long i = 0; i < t.numel(); i++) assertEquals(0xA5A5L, t.bits(i), "poison at " + i);
                assertDoesNotThrow(() -> arena.checkGuards("test()"));
                // one byte just past the end (the first byte of the upper guard band)
                cuMemcpyHtoD(o.ptr().withByteOffset(o.bytes()), Pointer.to(new byte[] {0}), 1);
                GuardBandViolation v = assertThrows(GuardBandViolation.class, () -> arena.checkGuards("test()"));
                assertTrue(v.getMessage().startsWith("[R-guard] test() wrote out of bounds: output 'output' bf16[3, 5], guard band after its end"), v.getMessage());
                assertTrue(v.getMessage().contains("first at byte +0 from the end"), v.getMessage());
            }
            try (DeviceArena arena = new DeviceArena()) {
                GuardedOutput o = arena.output("row_id_map", DType.I32, 4);
                // the last byte before the start
                cuMemcpyHtoD(o.ptr().withByteOffset(-1), Pointer.to(new byte[] {7}), 1);
                GuardBandViolation v = assertThrows(GuardBandViolation.class, () -> arena.checkGuards("c()"));
                assertTrue(v.getMessage().contains("before its start") && v.getMessage().contains("first at byte -1 from the start"), v.getMessage());
            }
        }
    }
}
