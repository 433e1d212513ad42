package org.permcheck.oracle.chunks;

import org.permcheck.contract.Ports;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Preconditions;
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
        Tensor inp = inv.input(Ports.INP);
        Optional<Tensor> probs = inv.optionalInput(Ports.PROBS);
        long[] split = Preconditions.longs(inv.input(Ports.SPLIT_SIZES)), sorted = Preconditions.longs(inv.input(Ports.SORTED_INDICES));
        long[] map = ChunkSortMap.of(split, sorted, inp.dim(0)); // S1
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put(Ports.OUTPUT, forward(inp, map));
        values.put(Ports.ROW_ID_MAP, Tensor.i32(Tensor.shape(map.length), map));
        probs.ifPresent(p -> values.put(Ports.PERMUTED_PROBS, forward(p, map)));
        return new Expected(values, Map.of(), Map.of());
    }

    public static Expected expectedBackward(Invocation inv) {
        Tensor grad = inv.input(Ports.GRAD_OUTPUT);
        Optional<Tensor> gradProbs = inv.optionalInput(Ports.GRAD_PERMUTED_PROBS);
        long[] map = Preconditions.longs(inv.input(Ports.ROW_ID_MAP)); // a permutation (X7)
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put(Ports.GRAD_INP, backward(grad, map));
        gradProbs.ifPresent(p -> values.put(Ports.GRAD_PROBS, backward(p, map)));
        return new Expected(values, Map.of(), Map.of());
    }
}
