package org.permcheck.oracle.padperm;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.PadPermutePreconditions;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * torchao's {@code permute_and_pad}, {@code torchao_permute_and_pad} (docs/spec.md W1-W5): the rank-major chunks
 * of {@link RankChunks} laid out expert-major (W1) in the padded groups of {@link PaddedGroups} (W2, W3), every
 * pad and tail position -1 with a zero row (W4, W5). Every output element is specified.
 */
public final class PadPermute {
    private PadPermute() {}

    public static Expected expected(Invocation inv) {
        long[] counts = PadPermutePreconditions.permute(inv); // X1, X5, X27, X28
        Tensor inp = inv.input(Ports.INP);
        RankChunks chunks = RankChunks.of(counts, (int) inv.attr(Attrs.EP_DEGREE), (int) inv.attr(Attrs.NUM_LOCAL_EXPERTS));
        long alignment = inv.attr(Attrs.ALIGNMENT);
        PaddedGroups groups = PaddedGroups.of(chunks, alignment);
        long maxLen = PadPermutePreconditions.maxLenOf(inp.dim(0), chunks.localExperts(), alignment); // W5
        Tensor indices = permutedIndices(chunks, groups, maxLen);
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put(Ports.OUTPUT, rows(inp, indices));
        values.put(Ports.PERMUTED_INDICES, indices);
        values.put(Ports.NUM_TOKENS_PER_EXPERT_PADDED, sizes(groups));
        values.put(Ports.GROUP_OFFSETS, offsets(groups));
        return new Expected(values, Map.of(), Map.of());
    }

    /**
     * W1, W4, W5: {@code permuted_indices[max_len]} int32, -1 everywhere first (the pads of W4 and the tail of W5);
     * then for each local expert e ascending, for each source rank r ascending, chunk (r, e)'s input rows
     * {@code start(r,e) + i}, i ascending, from the start of e's group on.
     */
    static Tensor permutedIndices(RankChunks chunks, PaddedGroups groups, long maxLen) {
        Tensor idx = Tensor.filled(DType.I32, 0xffffffffL, maxLen); // -1
        for (int e = 0; e < chunks.localExperts(); e++) {
            long write = groups.start(e);
            for (int r = 0; r < chunks.ranks(); r++) {
                for (long i = 0; i < chunks.count(r, e); i++) idx.setLong(write++, chunks.start(r, e) + i);
            }
        }
        return idx;
    }

    /** W1, W4, W5: {@code output[p] = inp[permuted_indices[p]]} bit for bit; a -1 selects the appended zero row. */
    static Tensor rows(Tensor inp, Tensor indices) {
        Tensor out = Tensor.zeros(inp.dtype(), indices.numel(), inp.dim(1));
        for (long p = 0; p < indices.numel(); p++) {
            long src = indices.getLong(p);
            if (src >= 0) out.copyRowFrom(inp, src, p); // -1: the zero row, all bits 0
        }
        return out;
    }

    /** W2: {@code num_tokens_per_expert_padded}, int32 {@code [E_l]}. */
    static Tensor sizes(PaddedGroups groups) {
        Tensor t = Tensor.zeros(DType.I32, groups.groups());
        for (int e = 0; e < groups.groups(); e++) t.setLong(e, groups.size(e));
        return t;
    }

    /** W3: {@code group_offsets}, int32 {@code [E_l]}, the inclusive cumsum (end offsets). */
    static Tensor offsets(PaddedGroups groups) {
        Tensor t = Tensor.zeros(DType.I32, groups.groups());
        for (int e = 0; e < groups.groups(); e++) t.setLong(e, groups.end(e));
        return t;
    }
}
