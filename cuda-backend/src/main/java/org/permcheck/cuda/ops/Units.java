package org.permcheck.cuda.ops;

import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Rule;
import org.permcheck.cuda.device.Kernel;
import org.permcheck.tensor.DType;

/** Which kernel variant moves a row: the widest access unit that divides the row's bytes. */
final class Units {
    private Units() {}

    /**
     * Threads per CTA of the per-token kernels (-Dpermcheck.cuda.threads, a multiple of 32 up to
     * 1024; default 128). Results do not depend on it; only speed does.
     */
    static final int THREADS = threads();

    /**
     * Threads per CTA of the gather-sum (combine, dispatch backward): 64 when a token has at most 8 rows (E <= 8,
     * Mixtral), 128 above, unless -Dpermcheck.cuda.threads names one. With few rows a thread of the top-2 path
     * already keeps 8 loads in flight, and smaller CTAs put more tokens on an SM: Mixtral's combine 0.811 -> 0.778
     * of the copy on the H200, while E = 128 and 256 lose 1-2 % at 64 (docs/cuda.md, v6). Results do not depend on it.
     */
    static int gatherThreads(int experts) {
        if (System.getProperty("permcheck.cuda.threads") != null) return THREADS;
        return experts <= 8 ? 64 : 128;
    }

    private static int threads() {
        int t = Integer.getInteger("permcheck.cuda.threads", 128);
        if (t < 32 || t > 1024 || t % 32 != 0) throw new IllegalArgumentException("permcheck.cuda.threads must be a multiple of 32 in [32, 1024], got " + t);
        return t;
    }

    /** Data-moving kernels: 16, 8, 4, 2 or 1 bytes per access. */
    static int data(long rowBytes) {
        for (int b : Kernel.Variants.DATA_UNITS) if (rowBytes % b == 0) return b;
        throw new IllegalStateException("no data unit divides " + rowBytes); // unreachable: the table ends with 1
    }

    /** Reductions: 16 bytes when the row allows, else 4 (f32 always, 16-bit types when even), else 2. */
    static int reduction(DType dt, long rowBytes) {
        if (rowBytes % 16 == 0) return 16;
        if (rowBytes % 4 == 0) return 4;
        if (dt == DType.F32) throw new IllegalStateException("f32 row of " + rowBytes + " bytes");
        return 2;
    }

    /** Kernel-name part and dtype code of a reduction dtype (f32 0, bf16 1, f16 2). */
    static String name(DType dt) {
        return code(dt) == 0 ? "f32" : code(dt) == 1 ? "bf16" : "f16";
    }

    static int code(DType dt) {
        switch (dt) {
            case F32: return 0;
            case BF16: return 1;
            case F16: return 2;
            default: throw new PreconditionViolation(Rule.X5, "reductions are defined for f32, bf16 and f16 only, got " + dt);
        }
    }

    /** Bytes of an index tensor's elements (pad_offsets may be i32 or i64). */
    static int indexSize(DType dt) {
        if (dt != DType.I32 && dt != DType.I64) throw new PreconditionViolation(Rule.X5, "index tensor must be i32 or i64, got " + dt);
        return dt.size();
    }

    /** The same shape with a new first axis. */
    static long[] withRows(long[] shape, long rows) {
        long[] s = shape.clone();
        s[0] = rows;
        return s;
    }
}
