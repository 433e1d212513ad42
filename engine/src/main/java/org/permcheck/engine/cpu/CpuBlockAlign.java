package org.permcheck.engine.cpu;

import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.BlockAlignPreconditions;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * vLLM / SGLang {@code moe_align_block_size} (docs/spec.md K1-K6) shaped like the CUDA kernel: count the slots
 * of each expert, a prefix sum of the counts rounded up to the block (K3, K5), one expert id per block (K4, K6),
 * then a scatter of the flat slots into their groups through per-expert cursors.
 *
 * <p>The scatter deliberately walks the slots in the order of vLLM's small-path kernel, thread by thread
 * ({@code i mod STRIDE}, then {@code i}), not in ascending {@code f}: the order inside a group is unspecified
 * (K2: the large path takes slots with atomics), and the oracle gives ascending f. So this backend's groups
 * differ from the oracle's by position wherever a group holds slots of two threads, and it passes only because
 * the checks judge each group as a multiset (and the whole buffer as a bijection onto the routed slots), as the
 * contract asks. A check that compared positions would fail it.
 */
final class CpuBlockAlign {
    private CpuBlockAlign() {}

    /** The threads of the scatter: slot i is taken by thread {@code i mod STRIDE}, each thread in ascending i. */
    static final int STRIDE = 7;

    static Outputs run(Invocation inv) {
        long length = BlockAlignPreconditions.check(inv); // K1 (X11-X13 checked)
        Tensor ids = inv.input(Ports.TOPK_IDS);
        int experts = (int) inv.attr(Attrs.NUM_EXPERTS);
        long block = inv.attr(Attrs.BLOCK_SIZE);
        Optional<Tensor> map = inv.optionalInput(Ports.EXPERT_MAP);
        long numel = ids.numel();
        // counts per expert, then the cumsum of the counts rounded up to the block (K3)
        long[] count = new long[experts];
        for (long i = 0; i < numel; i++) count[(int) ids.getLong(i / ids.dim(1), i % ids.dim(1))]++;
        long[] start = new long[experts + 1];
        for (int e = 0; e < experts; e++) start[e + 1] = start[e] + (count[e] + block - 1) / block * block;
        // K1: the sentinel everywhere first (the wrapper's fill), then the scatter through per-expert cursors
        Tensor sorted = Tensor.filled(DType.I32, numel, length);
        long[] cursor = start.clone();
        for (int thread = 0; thread < STRIDE; thread++) {
            for (long i = thread; i < numel; i += STRIDE) {
                int e = (int) ids.getLong(i / ids.dim(1), i % ids.dim(1));
                sorted.setLong(cursor[e]++, i);
            }
        }
        // K4: the expert of every block of a group (K6: its local id, -1 off this rank); 0 past the used prefix
        long blocks = (length + block - 1) / block;
        Tensor expertIds = Tensor.zeros(DType.I32, blocks);
        for (int e = 0; e < experts; e++) {
            long id = map.isPresent() ? map.get().getLong(e) : e;
            for (long b = start[e] / block; b < start[e + 1] / block; b++) expertIds.setLong(b, id);
        }
        Tensor post = Tensor.i32(Tensor.shape(1), start[experts]); // K5
        return new Outputs(Map.of(Ports.SORTED_TOKEN_IDS, sorted, Ports.EXPERT_IDS, expertIds, Ports.NUM_TOKENS_POST_PADDED, post));
    }
}
