package org.permcheck.engine.cpu;

import org.permcheck.contract.Ports;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Preconditions;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.Tensor;

/**
 * sort_chunks_by_index and its backward pass, and the local permute helpers built on them:
 * chunk start offsets by prefix sums on both sides (input order, sorted order), then one whole-row
 * copy per row, in parallel over row ranges. Rows past the chunks map to themselves.
 */
final class CpuChunkSort {
    private CpuChunkSort() {}

    /** map[i] = where input row i goes. */
    static int[] map(long[] sizes, long[] sortedIndices, int rows) {
        int chunks = sizes.length;
        long[] inStart = new long[chunks + 1];
        for (int c = 0; c < chunks; c++) inStart[c + 1] = inStart[c] + sizes[c];
        if (inStart[chunks] > rows) throw new IllegalArgumentException("split_sizes sum to " + inStart[chunks] + " > " + rows + " rows");
        int[] map = new int[rows];
        long out = 0;
        for (int p = 0; p < chunks; p++) {
            int c = (int) sortedIndices[p];
            for (long i = 0; i < sizes[c]; i++) map[(int) (inStart[c] + i)] = (int) (out + i);
            out += sizes[c];
        }
        for (int r = (int) inStart[chunks]; r < rows; r++) map[r] = r;
        return map;
    }

    /** Forward: out[map[i]] = in[i]; backward: out[i] = in[map[i]]. */
    static Tensor move(Tensor in, int[] map, boolean forward) {
        Tensor out = Tensor.zeros(in.dtype(), in.shape());
        int rows = map.length;
        int chunk = 4096;
        TokenBlocks.forEach((rows + chunk - 1) / chunk, in.numel(), b -> {
            for (int i = b * chunk; i < Math.min(rows, (b + 1) * chunk); i++) {
                if (forward) out.copyRowFrom(in, i, map[i]);
                else out.copyRowFrom(in, map[i], i);
            }
        });
        return out;
    }

    static Outputs forward(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Tensor probs = inv.inputs().get(Ports.PROBS);
        int[] map = map(Preconditions.longs(inv.input(Ports.SPLIT_SIZES)), Preconditions.longs(inv.input(Ports.SORTED_INDICES)), (int) inp.dim(0));
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(Ports.OUTPUT, move(inp, map, true));
        out.put(Ports.ROW_ID_MAP, Tensor.i32(Tensor.shape(map.length), Arrays.stream(map).asLongStream().toArray()));
        if (probs != null) out.put(Ports.PERMUTED_PROBS, move(probs, map, true));
        return new Outputs(out);
    }

    static Outputs backward(Invocation inv) {
        Tensor grad = inv.input(Ports.GRAD_OUTPUT);
        Tensor gpp = inv.inputs().get(Ports.GRAD_PERMUTED_PROBS);
        Tensor m = inv.input(Ports.ROW_ID_MAP);
        int[] map = new int[(int) m.numel()];
        for (int i = 0; i < map.length; i++) map[i] = (int) m.getLong(i);
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(Ports.GRAD_INP, move(grad, map, false));
        if (gpp != null) out.put(Ports.GRAD_PROBS, move(gpp, map, false));
        return new Outputs(out);
    }
}
