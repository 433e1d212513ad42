package org.permcheck.engine.fuzz;

import java.util.Map;
import java.util.Set;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.TeEpPreconditions;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Inputs of TE's world-view {@code te_ep_dispatch} / {@code te_ep_combine} (docs/spec.md Y1-Y4) from a {@link CaseSpec},
 * whose fields mean here: {@code shards} S ranks, {@code tokens} T per rank (S*T in all), {@code experts} E (a multiple
 * of S), {@code topK} K distinct experts per token, {@code align} the slab alignment (0, 1 or a power of two),
 * {@code extra} the receive rows beyond the largest padded total (0: some rank fills its recv_capacity exactly, the
 * bound of X37), routing ZIPF to favour the low experts (so later ones are often empty). Draws: the ids token by token
 * (a partial Fisher-Yates shuffle), then the payload ({@code tokens [S*T,H]} and f32 weights, multiples of 2^-6, for the
 * dispatch; {@code expert_out [S*C,H]} for the combine).
 */
final class TeEpInputs {
    private TeEpInputs() {}

    /** Why the spec cannot make a valid EP case, or null. */
    static String problem(CaseSpec s) {
        if (s.shards() < 1 || s.experts() < 1 || s.experts() % s.shards() != 0) return "E must be a positive multiple of shards (S, X35)";
        if (s.tokens() < 0 || s.topK() < 1 || s.topK() > s.experts()) return "EP cases need T >= 0 and 1 <= K <= E (distinct ids, X36)";
        if (s.align() < 0 || (s.align() > 1 && Integer.bitCount(s.align()) != 1)) return "align must be 0, 1 or a power of two (X35)";
        if (s.extra() < 0) return "extra must be >= 0";
        if (!CaseGenerator.reducible(s.dtype())) return "the EP payload is bf16, f16 or f32 (X35)";
        if ((long) s.hidden() * s.dtype().size() < TeEpPreconditions.MIN_ROW_BYTES) return "a row must span at least 16 bytes (X35)";
        if (s.values() == Values.DISTINCT && s.dtype() != DType.F32 && s.op() == Op.TE_EP_COMBINE) return "distinct values in a reduction need f32";
        return null;
    }

    static void put(CaseSpec s, SplitMix64 rng, Map<String, Tensor> in, Map<String, Long> attrs, Set<String> f) {
        int ranks = s.shards(), experts = s.experts(), k = s.topK(), n = ranks * s.tokens();
        Tensor ids = TopkIds.draw(s, rng, DType.I64, n, experts, k, true, false);
        long[] count = new long[experts];
        for (int g = 0; g < n; g++) for (int j = 0; j < k; j++) count[(int) ids.getLong(g, j)]++;
        int local = experts / ranks;
        long most = 0;
        boolean empty = false;
        for (int r = 0; r < ranks; r++) {
            long total = 0;
            for (int l = 0; l < local; l++) {
                total += TeEpPreconditions.alignUp(count[r * local + l], s.align());
                empty |= count[r * local + l] == 0;
            }
            most = Math.max(most, total);
        }
        long capacity = Math.max(1, most + s.extra());
        in.put(Ports.TOPK_IDX, ids);
        if (s.op() == Op.TE_EP_DISPATCH) {
            in.put(Ports.TOKENS, s.values().generate(rng, s.dtype(), n, s.hidden()));
            Tensor w = Tensor.zeros(DType.F32, n, k);
            for (long i = 0; i < w.numel(); i++) w.setF32(i, (1 + rng.below(64)) / 64f);
            in.put(Ports.TOPK_WEIGHTS, w);
        } else {
            in.put(Ports.EXPERT_OUT, s.values().generate(rng, s.dtype(), (int) (ranks * capacity), s.hidden()));
        }
        attrs.put(Attrs.NUM_RANKS, (long) ranks);
        attrs.put(Attrs.NUM_EXPERTS, (long) experts);
        attrs.put(Attrs.ALIGNMENT, (long) s.align());
        attrs.put(Attrs.RECV_CAPACITY, capacity);
        f.add("te-ep");
        if (s.align() > 1) f.add("ep-aligned-slabs");
        if (empty) f.add("ep-empty-expert");
        if (s.extra() == 0 && most > 0) f.add("ep-capacity-bound");
        if (ranks == 1) f.add("ep-one-rank");
    }
}
