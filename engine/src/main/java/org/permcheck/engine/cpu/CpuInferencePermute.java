package org.permcheck.engine.cpu;

import java.util.Map;

import org.permcheck.contract.InferencePermutePreconditions;
import org.permcheck.contract.InferencePermutePreconditions.Attributes;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core's inference permute (docs/spec.md V1-V5) shaped like its Triton kernels: count the local pairs
 * per expert, an exclusive and an inclusive prefix sum of the counts rounded up to the alignment (V2), -1 over
 * the used rows of permutation_map (V4), then every local pair claims the next position of its expert's counter
 * and writes its token, its row and its probability there (V3, V5).
 *
 * <p>The pairs are visited in the order of the kernel's persistent grid, program by program ({@code pair mod
 * PROGRAMS}, then ascending pair), not in ascending token: the order inside a group is unspecified (V3: the
 * kernel claims positions with {@code atomic_add}), and the oracle gives ascending tokens. So this backend's
 * groups differ from the oracle's by position wherever a group holds pairs of two programs, and it passes only
 * because the checks judge each group as a multiset, as the contract asks. The rows the kernel never writes
 * (pad rows of output and permuted_probs, every row past n_used) hold {@link #UNWRITTEN} bits, as a
 * {@code torch.empty} buffer holds whatever was there: they are unspecified (V4, V5).
 */
final class CpuInferencePermute {
    private CpuInferencePermute() {}

    /** The programs of the grid: pair i is taken by program {@code i mod PROGRAMS}, each in ascending i. */
    static final int PROGRAMS = 5;

    /** The bits of every element the kernel leaves unwritten (a torch.empty buffer's leftovers). */
    static final long UNWRITTEN = 0x5A5A5A5A5A5A5A5AL;

    static Outputs run(Invocation inv) {
        Attributes a = InferencePermutePreconditions.check(inv); // V1 (X30-X32 checked)
        Tensor inp = inv.input(Ports.INP), ids = inv.input(Ports.TOPK_IDS), probs = inv.input(Ports.PROBS);
        int experts = a.numLocalExperts();
        long topK = ids.dim(1), pairs = (long) a.validTokens() * topK;
        // _count_local_tokens_kernel: local pairs of the first valid_tokens rows
        long[] count = new long[experts];
        for (long p = 0; p < pairs; p++) {
            int e = InferencePermutePreconditions.localExpert(ids.getLong(p / topK, p % topK), a);
            if (e >= 0) count[e]++;
        }
        // _prefix_sum_kernel: counts rounded up to the alignment (0 stays 0), exclusive and inclusive sums (V2)
        long[] exclusive = new long[experts], inclusive = new long[experts];
        long sum = 0;
        for (int e = 0; e < experts; e++) {
            long h = count[e] > 0 ? (count[e] + a.alignment() - 1) / a.alignment() * a.alignment() : 0;
            exclusive[e] = sum;
            sum += h;
            inclusive[e] = sum;
        }
        Tensor out = Tensor.zeros(inp.dtype(), a.rows(), inp.dim(1));
        Tensor permutedProbs = Tensor.zeros(probs.dtype(), a.rows());
        Tensor map = Tensor.zeros(DType.I32, a.rows());
        out.fill(UNWRITTEN);
        permutedProbs.fill(UNWRITTEN);
        map.fill(UNWRITTEN);
        // _init_permutation_map_kernel: -1 on [0, n_used) only (V4)
        for (long r = 0; r < sum; r++) map.setLong(r, -1);
        // _permute_tokens_kernel: each local pair claims the next position of its expert (V3), copies (V5)
        long[] counter = exclusive.clone();
        for (int program = 0; program < PROGRAMS; program++) {
            for (long p = program; p < pairs; p += PROGRAMS) {
                long t = p / topK, k = p % topK;
                int e = InferencePermutePreconditions.localExpert(ids.getLong(t, k), a);
                if (e < 0) continue;
                long pos = counter[e]++;
                out.copyRowFrom(inp, t, pos);
                permutedProbs.setBits(pos, 0, probs.bits(t, k));
                map.setLong(pos, t);
            }
        }
        Tensor offsets = Tensor.i32(Tensor.shape(experts), inclusive);
        return new Outputs(Map.of(Ports.OUTPUT, out, Ports.PERMUTED_PROBS, permutedProbs, Ports.PERMUTATION_MAP, map, Ports.INCLUSIVE_OFFSETS, offsets));
    }

    /**
     * {@code unpermute_tokens} (V6): rows {@code [0, valid_tokens)} of an f32 output zeroed, then every row
     * {@code r < n_used} whose map entry is not -1 adds {@code f32(inp[r]) * permuted_probs[r]} into its token's row.
     * The kernel adds with atomics in whatever order; this backend walks the rows descending (the oracle's value
     * walks them ascending), so its sums may differ from it in the last bits and pass by C5's band. Rows past
     * valid_tokens are never written ({@link #UNWRITTEN}).
     */
    static Outputs unpermute(Invocation inv) {
        InferencePermutePreconditions.Unpermute u = InferencePermutePreconditions.unpermute(inv); // X30, X32
        Tensor inp = inv.input(Ports.INP), probs = inv.input(Ports.PERMUTED_PROBS), map = inv.input(Ports.PERMUTATION_MAP);
        int h = (int) inp.dim(1);
        Tensor out = Tensor.zeros(DType.F32, u.numTokens(), h);
        out.fill(UNWRITTEN);
        for (int t = 0; t < u.validTokens(); t++) out.zeroRow(t); // _zero_output_rows_kernel
        float[] x = new float[h], acc = new float[h];
        for (long r = u.used() - 1; r >= 0; r--) {
            long t = map.getLong(r);
            if (t < 0) continue; // a pad row
            float p = probs.getF32(r);
            inp.readRowF32(r, x);
            out.readRowF32(t, acc);
            for (int c = 0; c < h; c++) acc[c] += x[c] * p;
            out.writeRowF32(t, acc);
        }
        return new Outputs(Map.of(Ports.OUTPUT, out));
    }
}
