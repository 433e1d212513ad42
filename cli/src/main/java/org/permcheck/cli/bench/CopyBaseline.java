package org.permcheck.cli.bench;

import java.util.Collection;

import org.permcheck.tensor.Tensor;

/**
 * The yardstick every CPU ratio is stated against: System.arraycopy of the same number of bytes
 * as the subject's output, measured in the same run. The copy goes through one pair of buffers of
 * at most {@link #MAX_BUFFER} bytes, reused until the byte count is reached: far larger than any
 * cache, so the copy runs at memory bandwidth exactly as one huge copy would, without holding a
 * second and third copy of a multi-gigabyte output on the heap. The buffers are allocated (and
 * touched) before timing, so the baseline is the copy alone; the subject pays its own allocation.
 * A permutation cannot beat a copy of its output: "ratio 3" means "three copies' worth of time".
 */
public final class CopyBaseline {
    public static final String NAME = "System.arraycopy of the output byte count (preallocated buffers)";
    static final int MAX_BUFFER = 256 << 20;

    private final long bytes;
    private final byte[] src, dst;

    public CopyBaseline(long bytes) {
        this.bytes = bytes;
        int size = (int) Math.max(1, Math.min(MAX_BUFFER, bytes));
        this.src = new byte[size];
        this.dst = new byte[size];
        java.util.Arrays.fill(src, (byte) 0x5A); // touch every page before timing
        java.util.Arrays.fill(dst, (byte) 0);
    }

    public static long bytes(Collection<Tensor> outputs) {
        long n = 0;
        for (Tensor t : outputs) n += t.byteSize();
        return n;
    }

    public long bytes() { return bytes; }

    /** The timed part. Returns the destination so the work stays observable. */
    public Object copy() {
        long left = bytes;
        while (left > 0) {
            int n = (int) Math.min(left, src.length);
            System.arraycopy(src, 0, dst, 0, n);
            left -= n;
        }
        return dst;
    }
}
