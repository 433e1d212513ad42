package org.permcheck.cuda.device;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import org.permcheck.spi.GuardBreach;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemsetD8;

/**
 * An output tensor in device memory between two guard bands.
 *
 * <pre>  [ guard: GUARD bytes of 0xCD | data: poisoned with 0xA5 | guard: GUARD bytes of 0xCD ]</pre>
 *
 * The poison makes a slot the kernels forgot visible to the engine's comparison (0xA5A5 is
 * neither zero nor a typical value); the guard bands make an out-of-bounds write visible here:
 * {@link #checkGuards} reports a {@link GuardBreach} when a byte of either band changed (B2).
 */
public final class GuardedOutput {
    /** Bytes of each guard band; a multiple of 256 keeps the data as aligned as cuMemAlloc's. */
    public static final int GUARD = 4096;
    public static final byte GUARD_BYTE = (byte) 0xCD;
    public static final byte POISON_BYTE = (byte) 0xA5;

    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long bytes;
    private final CUdeviceptr base = new CUdeviceptr();
    private final CUdeviceptr data;

    GuardedOutput(String name, DType dtype, long[] shape) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        long n = dtype.size();
        for (long d : shape) n = Math.multiplyExact(n, d);
        this.bytes = n;
        cuMemAlloc(base, bytes + 2L * GUARD);
        cuMemsetD8(base, GUARD_BYTE, GUARD);
        data = base.withByteOffset(GUARD);
        if (bytes > 0) cuMemsetD8(data, POISON_BYTE, bytes);
        cuMemsetD8(data.withByteOffset(bytes), GUARD_BYTE, GUARD);
    }

    CUdeviceptr base() { return base; }

    /** The device address of element 0. */
    public CUdeviceptr ptr() { return data; }

    public String name() { return name; }

    public DType dtype() { return dtype; }

    public long bytes() { return bytes; }

    public Tensor download() { return DeviceArena.download(data, dtype, shape); }

    /** The changed guard bands of this output (empty when both are intact). */
    java.util.List<GuardBreach> checkGuards() {
        java.util.List<GuardBreach> out = new java.util.ArrayList<>();
        check(base, -GUARD, out);
        check(data.withByteOffset(bytes), 0, out);
        return out;
    }

    /**
     * One band: {@code origin} is the band's first byte relative to the output (-GUARD before its
     * start, 0 at its end), so the breach's offset is GuardBreach's: >= 0 past the end, < 0 before the start.
     */
    private void check(CUdeviceptr band, long origin, java.util.List<GuardBreach> out) {
        byte[] b = new byte[GUARD];
        cuMemcpyDtoH(Pointer.to(b), band, GUARD);
        int first = -1, count = 0;
        for (int i = 0; i < GUARD; i++) {
            if (b[i] != GUARD_BYTE) {
                if (first < 0) first = i;
                count++;
            }
        }
        if (count > 0) out.add(new GuardBreach(name, origin + first, count));
    }
}
