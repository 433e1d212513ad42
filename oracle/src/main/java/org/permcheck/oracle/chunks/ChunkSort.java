package org.permcheck.oracle.chunks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Preconditions;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** {@code sort_chunks_by_index} and its backward (docs/spec.md S1-S3, X7). */
public final class ChunkSort {
    private ChunkSort() {}

    /** S2: out[map[i]] = inp[i]. */
    public static Tensor forward(Tensor inp, long[] map) {
        Tensor out = Tensor.zeros(inp.dtype(), inp.shape());
        for (int i = 0; i < map.length; i++) out.copyRowFrom(inp, i, map[i]);
        return out;
    }

    /** S3: out[i] = grad[map[i]]. */
    public static Tensor backward(Tensor grad, long[] map) {
        Tensor out = Tensor.zeros(grad.dtype(), grad.shape());
        for (int i = 0; i < map.length; i++) out.copyRowFrom(grad, map[i], i);
        return out;
    }

    /** Chunk sort of a whole tensor by sizes and order (S1 + S2), for the EP helpers. */
    public static Tensor sort(Tensor inp, long[] split, long[] sortedIndices) {
        return forward(inp, ChunkSortMap.of(split, sortedIndices, inp.dim(0)));
    }

    public static Expected expected(Invocation inv) {
        Tensor inp = inv.input("inp");
        Tensor split = inv.input("split_sizes");
        Tensor sorted = inv.input("sorted_indices");
        Optional<Tensor> probs = inv.optionalInput("probs");
        Preconditions.requireRank2("inp", inp);
        Preconditions.requireMovablePayload("inp", inp);
        Preconditions.requireIndex("split_sizes", split);
        Preconditions.requireIndex("sorted_indices", sorted);
        Preconditions.requireRank1("split_sizes", split);
        Preconditions.requireRank1("sorted_indices", sorted);
        probs.ifPresent(p -> {
            Preconditions.requireProbs("probs", p);
            Preconditions.requireShape("probs", p, inp.dim(0));
        });
        long[] map = ChunkSortMap.of(Preconditions.longs(split), Preconditions.longs(sorted), inp.dim(0)); // S1, X7
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put("output", forward(inp, map));
        values.put("row_id_map", toI32(map));
        probs.ifPresent(p -> values.put("permuted_probs", forward(p, map)));
        return new Expected(values, Map.of(), Map.of());
    }

    public static Expected expectedBackward(Invocation inv) {
        Tensor grad = inv.input("grad_output");
        Tensor mapT = inv.input("row_id_map");
        Optional<Tensor> gradProbs = inv.optionalInput("grad_permuted_probs");
        Preconditions.requireRank2("grad_output", grad);
        Preconditions.requireMovablePayload("grad_output", grad);
        Preconditions.requireIndex("row_id_map", mapT);
        Preconditions.requireShape("row_id_map", mapT, grad.dim(0));
        long[] map = Preconditions.longs(mapT);
        ChunkSortMap.requirePermutation("row_id_map", map);
        gradProbs.ifPresent(p -> {
            Preconditions.requireProbs("grad_permuted_probs", p);
            Preconditions.requireShape("grad_permuted_probs", p, grad.dim(0));
        });
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put("grad_inp", backward(grad, map));
        gradProbs.ifPresent(p -> values.put("grad_probs", backward(p, map)));
        return new Expected(values, Map.of(), Map.of());
    }

    static Tensor toI32(long[] v) {
        Tensor t = Tensor.zeros(DType.I32, v.length);
        for (int i = 0; i < v.length; i++) t.setLong(i, v[i]);
        return t;
    }
}
