package org.permcheck.engine.cpu;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.PadPermutePreconditions;
import org.permcheck.contract.Ports;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * torchao's padded permute and torchtitan's unpermute (docs/spec.md W1-W6) shaped like the source: the start of
 * every (rank, expert) chunk as {@code cumsum(counts) - counts}, the totals summed over ranks, clamped to A and
 * rounded up (m_sizes), the write offsets {@code cumsum(m_sizes) - m_sizes}, one fill of the index buffer per
 * local expert (the kernel's program), then the gather through the zero row appended at T. The unpermute is the
 * scatter into T+1 rows whose last is dropped.
 */
final class CpuPadPermute {
    private CpuPadPermute() {}

    static Outputs permute(Invocation inv) {
        long[] counts = PadPermutePreconditions.permute(inv); // X27, X28 (already checked by CpuBackend)
        Tensor inp = inv.input(Ports.INP);
        int ranks = (int) inv.attr(Attrs.EP_DEGREE), local = (int) inv.attr(Attrs.NUM_LOCAL_EXPERTS);
        long align = inv.attr(Attrs.ALIGNMENT);
        long tokens = inp.dim(0);
        long maxLen = PadPermutePreconditions.maxLenOf(tokens, local, align);
        long[] startIndex = new long[counts.length];
        long run = 0;
        for (int i = 0; i < counts.length; i++) {
            run += counts[i];
            startIndex[i] = run - counts[i];
        }
        long[] mSizes = new long[local], mOffsets = new long[local];
        long cum = 0;
        for (int e = 0; e < local; e++) {
            long total = 0;
            for (int r = 0; r < ranks; r++) total += counts[r * local + e];
            total = Math.max(total, align);
            mSizes[e] = (total + align - 1) / align * align;
            cum += mSizes[e];
            mOffsets[e] = cum;
        }
        int[] perm = new int[(int) maxLen];
        java.util.Arrays.fill(perm, -1);
        for (int e = 0; e < local; e++) {
            long write = mOffsets[e] - mSizes[e];
            for (int r = 0; r < ranks; r++) {
                int i = r * local + e;
                for (long c = 0; c < counts[i]; c++) perm[(int) (write + c)] = (int) (startIndex[i] + c);
                write += counts[i];
            }
        }
        // x = vstack(x, zeros(1, H)); x[permuted_indices]: a -1 reads row T, the zero row
        Tensor padded = Tensor.zeros(inp.dtype(), tokens + 1, inp.dim(1));
        for (long t = 0; t < tokens; t++) padded.copyRowFrom(inp, t, t);
        Tensor out = Tensor.zeros(inp.dtype(), maxLen, inp.dim(1));
        Tensor idx = Tensor.zeros(DType.I32, maxLen);
        for (int p = 0; p < perm.length; p++) {
            out.copyRowFrom(padded, perm[p] < 0 ? tokens : perm[p], p);
            idx.setLong(p, perm[p]);
        }
        Map<String, Tensor> o = new LinkedHashMap<>();
        o.put(Ports.OUTPUT, out);
        o.put(Ports.PERMUTED_INDICES, idx);
        o.put(Ports.NUM_TOKENS_PER_EXPERT_PADDED, Tensor.i32(Tensor.shape(local), mSizes));
        o.put(Ports.GROUP_OFFSETS, Tensor.i32(Tensor.shape(local), mOffsets));
        return new Outputs(o);
    }

    static Outputs unpermute(Invocation inv) {
        long tokens = PadPermutePreconditions.unpermute(inv); // X29
        Tensor inp = inv.input(Ports.INP), idx = inv.input(Ports.PERMUTED_INDICES);
        // out = new_empty(T+1, H); out[permuted_indices] = inp (a -1 is row T); out[:-1]
        Tensor full = Tensor.zeros(inp.dtype(), tokens + 1, inp.dim(1));
        for (long p = 0; p < idx.numel(); p++) {
            long i = idx.getLong(p);
            full.copyRowFrom(inp, p, i < 0 ? tokens : i);
        }
        Tensor out = Tensor.zeros(inp.dtype(), tokens, inp.dim(1));
        for (long t = 0; t < tokens; t++) out.copyRowFrom(full, t, t);
        return new Outputs(Map.of(Ports.OUTPUT, out));
    }
}
