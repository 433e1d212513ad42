package org.permcheck.zoo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.engine.fuzz.SplitMix64;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * vLLM / SGLang {@code moe_align_block_size} (docs/spec.md K1-K6) written from the spec in the kernel's three
 * passes (count per expert, cumsum of the block-rounded counts, placement through per-expert cursors in
 * ascending flat slot), with the block-align bugs of {@link Bug} planted: the XPU kernel that kept only each
 * group's first slot (vllm-xpu-kernels #453, K2), an expert_ids buffer of one entry per row instead of per block
 * (vLLM PR #4517, K1), a tail of expert_ids left unwritten (SGLang's old kernel over torch.empty, K4), an
 * expert_map not applied to expert_ids (SGLang PR #12701, K6), and the freedom control that shuffles every
 * group anew on every call (SGLang PR #33511's atomics), which K2 allows and the suite must PASS.
 */
final class PlantedBlockAlign {
    private PlantedBlockAlign() {}

    static Map<String, Tensor> run(Invocation inv, Bug bug, long call) {
        Tensor ids = inv.input(Ports.TOPK_IDS);
        int experts = (int) inv.attr(Attrs.NUM_EXPERTS);
        long block = inv.attr(Attrs.BLOCK_SIZE);
        long numel = ids.numel(), k = ids.dim(1);
        long length = numel + experts * (block - 1);
        if (inv.optionalAttr(Attrs.PAD_SORTED_IDS).orElse(0L) == 1) length = (length + block - 1) / block * block;
        long[] count = new long[experts];
        for (long f = 0; f < numel; f++) count[(int) ids.getLong(f / k, f % k)]++;
        long[] start = new long[experts + 1];
        for (int e = 0; e < experts; e++) start[e + 1] = start[e] + (count[e] + block - 1) / block * block;
        Tensor sorted = Tensor.filled(DType.I32, numel, length);
        long[] cursor = start.clone();
        for (long f = 0; f < numel; f++) {
            int e = (int) ids.getLong(f / k, f % k);
            long r = cursor[e]++;
            if (bug == Bug.ALIGN_ONLY_FIRST_SLOT && r != start[e]) continue; // BUG (#453): later slots stay the sentinel
            sorted.setLong(r, f);
        }
        if (bug == Bug.FREE_ALIGN_GROUP_ORDER) shuffleGroups(sorted, start, count, call);
        long blocks = (length + block - 1) / block;
        if (bug == Bug.ALIGN_EXPERT_IDS_PER_ROW) blocks = length; // BUG (PR #4517): one entry per row, not per block
        Tensor expertIds = bug == Bug.ALIGN_EXPERT_IDS_TAIL_UNWRITTEN ? Tensor.filled(DType.I32, 0x7fffffffL, blocks) : Tensor.zeros(DType.I32, blocks);
        boolean mapped = inv.inputs().containsKey(Ports.EXPERT_MAP) && bug != Bug.ALIGN_EXPERT_MAP_IGNORED; // BUG (#12701)
        for (int e = 0; e < experts; e++) {
            long id = mapped ? inv.input(Ports.EXPERT_MAP).getLong(e) : e;
            for (long b = start[e] / block; b < start[e + 1] / block; b++) expertIds.setLong(b, id);
        }
        Tensor post = Tensor.zeros(DType.I32, 1);
        post.setLong(0, start[experts]);
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(Ports.SORTED_TOKEN_IDS, sorted);
        out.put(Ports.EXPERT_IDS, expertIds);
        out.put(Ports.NUM_TOKENS_POST_PADDED, post);
        return out;
    }

    /** FREEDOM (K2): every group's slots in a fresh order on every call, as atomics hand them out. */
    private static void shuffleGroups(Tensor sorted, long[] start, long[] count, long call) {
        SplitMix64 rng = new SplitMix64(0x5c7a3b1eL + call);
        for (int e = 0; e < count.length; e++) {
            for (long i = count[e] - 1; i > 0; i--) {
                long j = rng.below((int) (i + 1));
                long a = sorted.getLong(start[e] + i), b = sorted.getLong(start[e] + j);
                sorted.setLong(start[e] + i, b);
                sorted.setLong(start[e] + j, a);
            }
        }
    }
}
