package org.permcheck.cuda.device;

import java.util.ArrayList;
import java.util.List;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * One kernel launch being assembled: each argument is added with its C kind and checked against the
 * kernel's row of {@link Kernel} (position and kind), and {@link #go} checks the count. A wrong
 * argument fails here with the parameter's name, not as a silent misread inside the kernel.
 */
public final class Launch {
    private final CudaDevice dev;
    private final Kernel kernel;
    private final String entry;
    private final long grid;
    private final int block, sharedBytes;
    private final List<Pointer> args = new ArrayList<>();

    Launch(CudaDevice dev, Kernel kernel, String entry, long grid, int block, int sharedBytes) {
        this.dev = dev;
        this.kernel = kernel;
        this.entry = entry;
        this.grid = grid;
        this.block = block;
        this.sharedBytes = sharedBytes;
    }

    /** A device pointer; null passes a null pointer (an absent optional tensor). */
    public Launch ptr(CUdeviceptr p) { return add(Kernel.Param.PTR, Pointer.to(p == null ? new CUdeviceptr() : p)); }

    /** A C int. */
    public Launch i32(int v) { return add(Kernel.Param.I32, Pointer.to(new int[] {v})); }

    /** A C long long. */
    public Launch i64(long v) { return add(Kernel.Param.I64, Pointer.to(new long[] {v})); }

    private Launch add(Kernel.Param kind, Pointer p) {
        int i = args.size();
        if (i >= kernel.params().size()) throw new IllegalArgumentException(entry + ": more than " + kernel.params().size() + " arguments");
        if (kernel.params().get(i) != kind) {
            throw new IllegalArgumentException(entry + ": argument " + i + " (" + kernel.paramName(i) + ") is "
                    + kernel.params().get(i) + ", given " + kind);
        }
        args.add(p);
        return this;
    }

    /** Enqueues the launch on the device's stream (a grid of zero blocks launches nothing). */
    public void go() {
        if (args.size() != kernel.params().size()) {
            throw new IllegalArgumentException(entry + ": " + args.size() + " of " + kernel.params().size() + " arguments given, next is "
                    + kernel.paramName(args.size()));
        }
        dev.launch(entry, grid, block, sharedBytes, args.toArray(new Pointer[0]));
    }
}
