package org.permcheck.zoo;

import java.util.ArrayList;
import java.util.List;

import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;

/**
 * The first part of the zoo's extra cases (stage "zoo" of {@link KillSearch}, after the shipped
 * suite's vectors, quick tier and fuzzer): a fixed list of small shapes, every one with the edge
 * cases of docs/sources.md#te-12-2 forced in, covering each op in both profiles, unpadded and padded
 * (align 1, 2, 4 and 8: already aligned, ordinary, a target larger than T), every payload dtype,
 * huge int64 counts for the all-to-all parameters. A mutant only these cases kill marks a gap in
 * the suite's own generators (reports/kill-matrix.md lists it).
 */
final class ZooQuick {
    private ZooQuick() {}

    private static final Profile JAX = Profile.TE_JAX;
    private static final Profile TORCH = Profile.TORCH_MASK_PAD;

    static List<ZooShape> shapes() {
        List<ZooShape> s = new ArrayList<>();
        long seed = 1;
        // token_dispatch: unpadded (num_out_tokens > used), padded in both profiles, fp8 with zero probs
        s.add(shape(Op.DISPATCH, JAX, 8, 4, 3, 2, 0, 2, DType.F32, DType.F32, true, seed++));
        s.add(shape(Op.DISPATCH, JAX, 8, 4, 2, 2, 4, 1, DType.BF16, DType.BF16, true, seed++));
        s.add(shape(Op.DISPATCH, JAX, 6, 3, 2, 2, 1, 0, DType.F16, DType.F16, true, seed++));
        s.add(shape(Op.DISPATCH, JAX, 6, 3, 2, 2, 8, 1, DType.F8E4M3, DType.F32, true, seed++));
        s.add(shape(Op.DISPATCH, TORCH, 8, 4, 2, 2, 4, 0, DType.F32, DType.F32, true, seed++));
        s.add(shape(Op.DISPATCH, TORCH, 7, 3, 2, 2, 2, 0, DType.F8E5M2, DType.BF16, true, seed++));
        s.add(shape(Op.DISPATCH, JAX, 7, 4, 2, 3, 0, 0, DType.F8E4M3, DType.F16, true, seed++));
        // token_combine: unpadded and padded, cancellation in bf16/f16
        s.add(shape(Op.COMBINE, JAX, 8, 4, 3, 3, 0, 1, DType.F32, DType.F32, true, seed++));
        s.add(shape(Op.COMBINE, JAX, 8, 4, 3, 3, 4, 0, DType.BF16, DType.BF16, true, seed++));
        s.add(shape(Op.COMBINE, TORCH, 8, 4, 3, 3, 2, 0, DType.F16, DType.F16, true, seed++));
        s.add(shape(Op.COMBINE, JAX, 6, 3, 4, 3, 0, 0, DType.BF16, DType.F32, false, seed++));
        // gradients
        s.add(shape(Op.DISPATCH_BACKWARD, JAX, 8, 4, 2, 2, 4, 0, DType.F32, DType.F32, true, seed++));
        s.add(shape(Op.DISPATCH_BACKWARD, JAX, 6, 3, 2, 2, 0, 1, DType.BF16, DType.BF16, true, seed++));
        s.add(shape(Op.COMBINE_BACKWARD, JAX, 8, 4, 8, 2, 4, 0, DType.BF16, DType.BF16, true, seed++));
        s.add(shape(Op.COMBINE_BACKWARD, JAX, 6, 3, 8, 2, 0, 0, DType.F16, DType.F16, true, seed++));
        s.add(shape(Op.COMBINE_BACKWARD, TORCH, 6, 3, 2, 2, 2, 0, DType.F32, DType.F32, false, seed++));
        // chunk sort: zero-size chunk, tail rows, a non-identity order
        s.add(shape(Op.SORT_CHUNKS, JAX, 10, 4, 2, 1, 0, 2, DType.F32, DType.F32, true, seed++));
        s.add(shape(Op.SORT_CHUNKS, JAX, 7, 3, 2, 1, 0, 1, DType.BF16, DType.F16, false, seed++));
        s.add(shape(Op.SORT_CHUNKS_BACKWARD, JAX, 10, 4, 2, 1, 0, 2, DType.F32, DType.F32, true, seed++));
        // expert-parallel helpers (for the params, edges means huge int64 counts on the last shard)
        s.add(shape(Op.RAGGED_A2A_PARAMS, JAX, 0, 6, 1, 3, 0, 0, DType.F32, DType.F32, false, seed++));
        s.add(plain(shape(Op.RAGGED_A2A_PARAMS, JAX, 0, 4, 1, 2, 0, 0, DType.F32, DType.F32, false, seed++)));
        s.add(shape(Op.REVERSE_RAGGED_A2A_PARAMS, JAX, 0, 6, 1, 3, 0, 0, DType.F32, DType.F32, false, seed++));
        s.add(plain(shape(Op.REVERSE_RAGGED_A2A_PARAMS, JAX, 0, 4, 1, 2, 0, 0, DType.F32, DType.F32, false, seed++)));
        s.add(shape(Op.LOCAL_PERMUTE_AFTER_A2A, JAX, 1, 4, 2, 2, 0, 0, DType.F32, DType.F32, false, seed++));
        s.add(shape(Op.LOCAL_PERMUTE_AFTER_A2A, JAX, 2, 6, 2, 3, 0, 0, DType.F16, DType.F32, false, seed++));
        s.add(shape(Op.LOCAL_UNPERMUTE_BEFORE_A2A, JAX, 1, 4, 2, 2, 0, 0, DType.BF16, DType.F32, false, seed++));
        return s;
    }

    private static ZooShape shape(Op op, Profile p, int t, int e, int h, int k, int a, int extra, DType dt, DType pdt,
                                  boolean probs, long seed) {
        return new ZooShape(op, p, t, e, h, k, a, extra, dt, pdt, probs, true, seed);
    }

    /** The same shape without forced edge cases (small counts for the EP params). */
    private static ZooShape plain(ZooShape s) {
        return new ZooShape(s.op(), s.profile(), s.tokens(), s.experts(), s.hidden(), s.topK(), s.align(), s.extra(), s.dtype(),
                s.probsDtype(), s.probs(), false, s.seed());
    }
}
