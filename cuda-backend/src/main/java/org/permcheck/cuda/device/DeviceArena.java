package org.permcheck.cuda.device;

import java.util.ArrayList;
import java.util.List;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import org.permcheck.spi.GuardBreach;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD8;

/**
 * The device memory of one call: inputs uploaded, scratch, and guarded outputs; all freed on close.
 */
public final class DeviceArena implements AutoCloseable {
    private final List<CUdeviceptr> allocations = new ArrayList<>();
    private final List<GuardedOutput> outputs = new ArrayList<>();

    /** Raw device memory (at least one byte, so that empty tensors still have an address). */
    public CUdeviceptr alloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        cuMemAlloc(p, Math.max(1, bytes));
        allocations.add(p);
        return p;
    }

    /** Device memory filled with one byte value. */
    public CUdeviceptr filled(long bytes, int value) {
        CUdeviceptr p = alloc(bytes);
        cuMemsetD8(p, (byte) value, Math.max(1, bytes));
        return p;
    }

    /** A device copy of the tensor's bytes (row-major, chunk by chunk). */
    public CUdeviceptr upload(Tensor t) {
        CUdeviceptr p = alloc(t.byteSize());
        upload(t, p);
        return p;
    }

    public static void upload(Tensor t, CUdeviceptr p) {
        long off = 0;
        for (int i = 0; i < t.chunkCount(); i++) {
            byte[] c = t.chunk(i);
            if (c.length > 0) cuMemcpyHtoD(p.withByteOffset(off), Pointer.to(c), c.length);
            off += c.length;
        }
    }

    /** An i64 copy of an integer tensor (index inputs of any integer width). */
    public CUdeviceptr uploadAsI64(Tensor t) {
        Tensor w = Tensor.zeros(DType.I64, t.numel());
        for (long i = 0; i < t.numel(); i++) w.setLong(i, t.getLong(i));
        return upload(w);
    }

    /** An output buffer with guard bands and poisoned contents (see {@link GuardedOutput}). */
    public GuardedOutput output(String name, DType dtype, long... shape) {
        GuardedOutput g = new GuardedOutput(name, dtype, shape);
        allocations.add(g.base());
        outputs.add(g);
        return g;
    }

    public static Tensor download(CUdeviceptr p, DType dtype, long... shape) {
        Tensor t = Tensor.zeros(dtype, shape);
        long off = 0;
        for (int i = 0; i < t.chunkCount(); i++) {
            byte[] c = t.chunk(i);
            if (c.length > 0) cuMemcpyDtoH(Pointer.to(c), p.withByteOffset(off), c.length);
            off += c.length;
        }
        return t;
    }

    /**
     * The guard bands of every output of this call that changed (after the device has synchronized):
     * reported with the outputs (docs/spec.md B2), never thrown, since a thrown error is a refusal.
     */
    public List<GuardBreach> checkGuards() {
        List<GuardBreach> out = new ArrayList<>();
        for (GuardedOutput g : outputs) out.addAll(g.checkGuards());
        return out;
    }

    @Override
    public void close() {
        for (CUdeviceptr p : allocations) {
            try {
                cuMemFree(p);
            } catch (RuntimeException ignored) {
                // a lost context cannot free; the crash is reported by the call itself
            }
        }
        allocations.clear();
    }
}
