package org.permcheck.cuda;

import jcuda.Pointer;
import org.junit.jupiter.api.Test;
import org.permcheck.cuda.device.DeviceArena;
import org.permcheck.cuda.device.GuardedOutput;
import org.permcheck.spi.GuardBreach;
import java.util.List;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** On a GPU: outputs start poisoned, and a write into either guard band is reported as a GuardBreach (B2). */
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
                assertEquals(List.of(), arena.checkGuards());
                // one byte just past the end (the first byte of the upper guard band)
                cuMemcpyHtoD(o.ptr().withByteOffset(o.bytes()), Pointer.to(new byte[] {0}), 1);
                // B2: reported with the outputs, not thrown: byte 0 past the end, one byte changed
                assertEquals(List.of(new GuardBreach("output", 0, 1)), arena.checkGuards());
            }
            try (DeviceArena arena = new DeviceArena()) {
                GuardedOutput o = arena.output("row_id_map", DType.I32, 4);
                // the last byte before the start
                cuMemcpyHtoD(o.ptr().withByteOffset(-1), Pointer.to(new byte[] {7}), 1);
                assertEquals(List.of(new GuardBreach("row_id_map", -1, 1)), arena.checkGuards());
            }
        }
    }
}
