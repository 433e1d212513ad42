package org.permcheck.engine.fuzz;

import java.util.Map;
import java.util.Set;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Inputs of vLLM / SGLang {@code moe_align_block_size} (docs/spec.md K1-K6) from a {@link CaseSpec}, whose
 * fields mean here: {@code topK} the K columns of topk_ids, {@code align} the block size, {@code mergingProbs}
 * pad_sorted_ids = 1, {@code shards} > 1 an expert_map (K6) of the rank {@code seed mod shards}, which owns
 * experts {@code [rank*E/shards, (rank+1)*E/shards)} as local ids from 0 (the others -1), {@code routingDtype}
 * the dtype of topk_ids (int32 or int64), {@code routing} ZIPF to favour the low experts (so some groups span
 * several blocks and others stay empty). Every row holds K distinct experts (X12).
 */
final class BlockAlignInputs {
    private BlockAlignInputs() {}

    /** Why the spec cannot make a valid block-align case, or null. */
    static String problem(CaseSpec s) {
        if (s.experts() < 1 || s.tokens() < 1) return "block align needs E >= 1, T >= 1";
        if (s.topK() < 1 || s.topK() > s.experts()) return "block align needs 1 <= K <= E distinct ids per row (X12)";
        if (s.align() < 1) return "block align needs a block size (align) >= 1 (X11)";
        if (s.routingDtype() != DType.I32 && s.routingDtype() != DType.I64) return "topk_ids are int32 or int64 (X12)";
        if (s.shards() < 1 || s.experts() % s.shards() != 0) return "the expert_map's shards divide E";
        return null;
    }

    static void put(CaseSpec s, SplitMix64 rng, Map<String, Tensor> in, Map<String, Long> attrs, Set<String> f) {
        int tokens = s.tokens(), experts = s.experts(), k = s.topK();
        Tensor ids = TopkIds.draw(s, rng, s.routingDtype(), tokens, experts, k, true, false);
        in.put(Ports.TOPK_IDS, ids);
        if (s.shards() > 1) {
            int local = experts / s.shards();
            int rank = (int) Math.floorMod(s.seed(), (long) s.shards());
            Tensor map = Tensor.filled(DType.I32, 0xffffffffL, experts);
            for (int l = 0; l < local; l++) map.setLong(rank * local + l, l);
            in.put(Ports.EXPERT_MAP, map);
            f.add("expert-map");
        }
        attrs.put(Attrs.BLOCK_SIZE, (long) s.align());
        attrs.put(Attrs.NUM_EXPERTS, (long) experts);
        if (s.mergingProbs()) {
            attrs.put(Attrs.PAD_SORTED_IDS, 1L);
            f.add("pad-sorted-ids");
        }
        f.add("block-align");
        if ((long) tokens * k >= 1024 || experts > 64) f.add("block-align-large-path");
    }
}
