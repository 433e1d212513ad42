package org.permcheck.cuda.ops;

import jcuda.driver.CUdeviceptr;
import org.permcheck.cuda.CudaDevice;

/** The permute launch of dispatch (row_id_map rows + copies, D-rules) and the padding fill (P-rules). */
public final class DispatchKernels {
    private DispatchKernels() {}

    public static void permute(CudaDevice dev, RowMapKernels rm, CUdeviceptr routingMap, int rmBytes, CUdeviceptr inp,
                               long rowBytes, CUdeviceptr out, long outRows, CUdeviceptr probs, int probsSize,
                               CUdeviceptr permutedProbs, CUdeviceptr rowIdMap) {
        int unit = Units.data(rowBytes);
        dev.launch("dispatch_permute_" + unit, rm.tokens, Units.THREADS, rm.experts * 16,
                routingMap, rmBytes, rm.tokens, rm.experts, rm.g, rm.masks, rm.chunkPrefix, rm.blockOff, rm.meta,
                inp, rowBytes, out, outRows, probs, probsSize, permutedProbs, rowIdMap);
    }

    /** Zero rows (and permuted_probs) no token targets; only for padded layouts. */
    public static void padFill(CudaDevice dev, RowMapKernels rm, CUdeviceptr out, long rowBytes, long outRows,
                               CUdeviceptr permutedProbs, int probsSize) {
        int unit = Units.data(rowBytes);
        long warps = Math.min(outRows, 64L * dev.multiprocessors());
        long grid = Math.max(1, (warps * 32 + 255) / 256);
        dev.launch("dispatch_pad_fill_" + unit, grid, 256, 0, rm.meta, rm.experts, out, rowBytes, outRows, permutedProbs, probsSize);
    }

    /** Grid of a warp-per-row fill over {@code rows} rows. */
    static long fillGrid(CudaDevice dev, long rows) {
        long warps = Math.max(1, Math.min(rows, 64L * dev.multiprocessors()));
        return (warps * 32 + 255) / 256;
    }
}
