package org.permcheck.cuda.ops;

import jcuda.driver.CUdeviceptr;
import org.permcheck.cuda.device.CudaDevice;
import org.permcheck.cuda.device.Kernel;

/** The permute launch of dispatch (row_id_map rows + copies, D-rules) and the padding fill (P-rules). */
public final class DispatchKernels {
    private DispatchKernels() {}

    public static void permute(CudaDevice dev, RowMapKernels rm, CUdeviceptr routingMap, int rmBytes, CUdeviceptr inp,
                               long rowBytes, CUdeviceptr out, long outRows, CUdeviceptr probs, int probsSize,
                               CUdeviceptr permutedProbs, CUdeviceptr rowIdMap) {
        int unit = Units.data(rowBytes);
        Kernel.DISPATCH_PERMUTE.launch(dev, unit, rm.tokens, Units.THREADS, rm.experts * 16)
                .ptr(routingMap).i32(rmBytes).i64(rm.tokens).i32(rm.experts).i32(rm.g).ptr(rm.masks).ptr(rm.chunkPrefix)
                .ptr(rm.blockOff).ptr(rm.meta).ptr(inp).i64(rowBytes).ptr(out).i64(outRows).ptr(probs).i32(probsSize)
                .ptr(permutedProbs).ptr(rowIdMap).go();
    }

    /** Zero rows (and permuted_probs) no token targets; only for padded layouts. */
    public static void padFill(CudaDevice dev, RowMapKernels rm, CUdeviceptr out, long rowBytes, long outRows,
                               CUdeviceptr permutedProbs, int probsSize) {
        int unit = Units.data(rowBytes);
        long warps = Math.min(outRows, 64L * dev.multiprocessors());
        long grid = Math.max(1, (warps * 32 + 255) / 256);
        Kernel.DISPATCH_PAD_FILL.launch(dev, unit, grid, 256, 0)
                .ptr(rm.meta).i32(rm.experts).ptr(out).i64(rowBytes).i64(outRows).ptr(permutedProbs).i32(probsSize).go();
    }

    /**
     * Block scales (docs/spec.md F2-F4): {@code scatter_rows} copies each token's scale row to the destinations its
     * row_id_map row lists (pad offsets added), a bit copy whatever the probability, and flags them in {@code hit}
     * (zeroed bytes, one per row); {@code fill_unhit} then zeroes every other row (F3: pad and tail rows).
     */
    public static void scales(CudaDevice dev, CUdeviceptr scale, long rowBytes, CUdeviceptr rowIdMap, long tokens, int experts,
                              long rows, CUdeviceptr padOff, int padSize, CUdeviceptr out, CUdeviceptr hit) {
        int unit = Units.data(rowBytes);
        Kernel.SCATTER_ROWS.launch(dev, unit, tokens, Units.THREADS, experts * 8)
                .ptr(scale).i64(rowBytes).ptr(rowIdMap).i32(experts).i64(rows).ptr(padOff).i32(padSize).ptr(out).ptr(hit).go();
        Kernel.FILL_UNHIT.launch(dev, unit, fillGrid(dev, rows), 256, 0).ptr(out).i64(rows).i64(rowBytes).ptr(hit).go();
    }

    /** Grid of a warp-per-row fill over {@code rows} rows. */
    static long fillGrid(CudaDevice dev, long rows) {
        long warps = Math.max(1, Math.min(rows, 64L * dev.multiprocessors()));
        return (warps * 32 + 255) / 256;
    }
}
