package org.permcheck.cuda.ops;

import jcuda.driver.CUdeviceptr;
import org.permcheck.cuda.device.CudaDevice;
import org.permcheck.cuda.device.DeviceArena;
import org.permcheck.cuda.device.Kernel;

/**
 * The row map (M-rules) and counts (N-rules) on the device, as two launches: per-block routing
 * bitmasks and counts, then one block scanning them. The third step (each token's row of
 * row_id_map and its destinations) is fused into the permute kernel ({@link DispatchKernels}).
 */
public final class RowMapKernels {
    /** Tokens per block of the count pass: 32 * g. */
    public final int g;
    public final long tokens, blocks, chunks;
    public final int experts;
    public final CUdeviceptr masks, chunkPrefix, blockCounts, blockOff, meta;

    public RowMapKernels(DeviceArena arena, long tokens, int experts) {
        this.tokens = tokens;
        this.experts = experts;
        this.g = Math.max(1, Math.min(32, 1024 / Math.max(1, experts)));
        this.blocks = (tokens + 32L * g - 1) / (32L * g);
        this.chunks = blocks * g;
        masks = arena.alloc(chunks * experts * 4);
        chunkPrefix = arena.alloc(chunks * experts * 4);
        blockCounts = arena.alloc(blocks * experts * 4);
        blockOff = arena.alloc(blocks * experts * 4);
        meta = arena.filled((4L * experts + 2) * 8, 0);
    }

    /** meta (i64): count[E], target[E], pad_offsets[E], first row[E], N_used, sum(target). */
    public void enqueue(CudaDevice dev, CUdeviceptr routingMap, int rmBytes, long align, CUdeviceptr tpeOut,
                        CUdeviceptr padOut, int idxSize) {
        // the kernel's two thread mappings (permcheck.cu, rowmap_count): a warp per 32-token chunk for E <= 32,
        // a thread per (chunk, expert) above
        int threads = experts <= 32 ? 32 * g : (int) Math.min(1024, ((long) g * experts + 31) / 32 * 32);
        Kernel.ROWMAP_COUNT.launch(dev, blocks, threads, g * experts * 4)
                .ptr(routingMap).i32(rmBytes).i64(tokens).i32(experts).i32(g).ptr(masks).ptr(chunkPrefix).ptr(blockCounts).go();
        Kernel.ROWMAP_SCAN.launch(dev, 1, 1024, 0)
                .ptr(blockCounts).i64(blocks).i32(experts).i64(align).ptr(blockOff).ptr(meta).ptr(tpeOut).ptr(padOut).i32(idxSize).go();
    }
}
