package org.permcheck.cuda.device;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

/**
 * One GPU, its primary context and the permcheck PTX module, loaded through the JCuda driver API.
 *
 * <p>{@link #open()} is the ONE place where the backend first touches JCuda. Without a driver
 * (CI, a laptop) the static initializer of {@code JCudaDriver} throws UnsatisfiedLinkError (and
 * every later touch NoClassDefFoundError); we catch Throwable there and turn it into a reason,
 * which the backend reports as NOT_SUPPORTED. No other class calls JCuda before this succeeded.
 */
public final class CudaDevice implements AutoCloseable {
    /** The PTX compiled by nvcc during the Maven build (profile "nvcc"). */
    public static final String PTX_RESOURCE = "/org/permcheck/cuda/permcheck.ptx";

    /** Either an open device or the reason there is none. */
    public record Opening(CudaDevice device, String reason) {
        public boolean ok() { return device != null; }
    }

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    // the legacy default stream; a blocking stream only while CapturedGraph records a benchmark's work
    private CUstream stream = new CUstream();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final String name;
    private final Map<String, String> details = new LinkedHashMap<>();
    private boolean closed;

    /** Opens device {@code permcheck.cuda.device} (default 0), or says why it cannot. Never throws. */
    public static Opening open() {
        byte[] ptx;
        try {
            ptx = readPtx();
        } catch (IOException e) {
            return new Opening(null, "cannot read the PTX resource: " + e.getMessage());
        }
        if (ptx == null) {
            return new Opening(null, "no CUDA kernels in this build: the jar holds no " + PTX_RESOURCE
                    + " (nvcc was not found when it was built; see docs/cuda.md)");
        }
        int ordinal = Integer.getInteger("permcheck.cuda.device", 0);
        try {
            return new Opening(new CudaDevice(ptx, ordinal), null);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            // JCuda's natives link against libcuda.so.1, the driver: on a machine without one (CI, a
            // laptop) this is the normal case, not an error worth a class name and a library path
            return new Opening(null, "no GPU driver found (libcuda.so.1 not loadable)");
        } catch (Throwable t) { // CudaException and the like: a driver, but no usable device
            String msg = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
            return new Opening(null, "no usable CUDA device: " + t.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg));
        }
    }

    static byte[] readPtx() throws IOException {
        try (InputStream in = CudaDevice.class.getResourceAsStream(PTX_RESOURCE)) {
            if (in == null) return null;
            byte[] text = in.readAllBytes();
            byte[] z = new byte[text.length + 1]; // cuModuleLoadData wants a NUL-terminated image
            System.arraycopy(text, 0, z, 0, text.length);
            return z;
        }
    }

    private CudaDevice(byte[] ptx, int ordinal) {
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        int[] count = {0};
        cuDeviceGetCount(count);
        if (ordinal >= count[0]) throw new IllegalStateException("device " + ordinal + " requested, " + count[0] + " present");
        cuDeviceGet(device, ordinal);
        cuDevicePrimaryCtxRetain(context, device);
        cuCtxSetCurrent(context);
        cuModuleLoadData(module, ptx);
        byte[] nameBytes = new byte[256];
        cuDeviceGetName(nameBytes, nameBytes.length, device);
        int len = 0;
        while (len < nameBytes.length && nameBytes[len] != 0) len++;
        name = new String(nameBytes, 0, len, java.nio.charset.StandardCharsets.US_ASCII);
        int[] v = {0};
        cuDriverGetVersion(v);
        details.put("cuda_driver_api", (v[0] / 1000) + "." + (v[0] % 1000) / 10);
        int[] major = {0}, minor = {0}, sms = {0};
        cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        cuDeviceGetAttribute(sms, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device);
        long[] mem = {0};
        cuDeviceTotalMem(mem, device);
        details.put("compute_capability", major[0] + "." + minor[0]);
        details.put("multiprocessors", Integer.toString(sms[0]));
        details.put("memory_bytes", Long.toString(mem[0]));
        details.put("device_ordinal", Integer.toString(ordinal));
        details.put("kernels", "PTX (" + PTX_RESOURCE + ") JIT-compiled by the driver; JCuda driver API");
    }

    public String name() { return name; }

    public Map<String, String> details() { return details; }

    public int multiprocessors() { return Integer.parseInt(details.get("multiprocessors")); }

    /** Makes the context current on the calling thread (callers may come from any thread). */
    public void makeCurrent() { cuCtxSetCurrent(context); }

    public CUstream stream() { return stream; }

    public void synchronize() { cuCtxSynchronize(); }

    /** Sets the stream every launch goes to and returns the previous one (CapturedGraph only). */
    CUstream swapStream(CUstream next) {
        CUstream previous = stream;
        stream = next;
        return previous;
    }

    private CUfunction function(String kernel) {
        return functions.computeIfAbsent(kernel, k -> {
            CUfunction f = new CUfunction();
            cuModuleGetFunction(f, module, k);
            return f;
        });
    }

    /** Launches a PTX entry on a 1-D grid; the arguments were checked against {@link Kernel} by {@link Launch}. */
    void launch(String kernel, long grid, int block, int sharedBytes, Pointer[] ps) {
        if (grid <= 0) return;
        if (grid > Integer.MAX_VALUE) throw new IllegalArgumentException(kernel + ": grid of " + grid + " blocks is too large");
        CUfunction f = function(kernel);
        if (sharedBytes > 48 * 1024) {
            // above 48 KiB a kernel must opt in (large E: the per-token expert lists live in shared memory)
            cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, sharedBytes);
        }
        cuLaunchKernel(f, (int) grid, 1, 1, block, 1, 1, sharedBytes, stream, Pointer.to(ps), null);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        cuDevicePrimaryCtxRelease(device);
    }
}
