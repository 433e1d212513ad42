package org.permcheck.engine.fuzz;

import java.util.Map;
import java.util.Set;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Inputs of DeepEP's {@code deepep_dispatch_layout} (docs/spec.md L1-L3) from a {@link CaseSpec}, whose fields mean
 * here: {@code experts} E, {@code shards} R (E a multiple of it, X33), {@code topK} the K columns of topk_idx (K
 * distinct experts per row, X34), {@code routing} VARYING to put -1 in about a quarter of the slots and ZIPF to favour
 * the low experts (so the first rank's experts often share a token: the dedup of L1), {@code routingDtype} int64
 * (DeepEP's default topk_idx_t) or int32. {@code hidden}, {@code dtype} and {@code values} are unused (no payload).
 */
final class DeepEpLayoutInputs {
    private DeepEpLayoutInputs() {}

    /** Why the spec cannot make a valid layout case, or null. */
    static String problem(CaseSpec s) {
        if (s.experts() < 1 || s.shards() < 1 || s.experts() % s.shards() != 0) return "E must be a positive multiple of shards (R, X33)";
        if (s.tokens() < 0 || s.topK() < 1 || s.topK() > s.experts()) return "layout cases need T >= 0 and 1 <= K <= E (distinct ids, X34)";
        if (s.routingDtype() != DType.I64 && s.routingDtype() != DType.I32) return "topk_idx is int64 or int32 (X34)";
        return null;
    }

    static void put(CaseSpec s, SplitMix64 rng, Map<String, Tensor> in, Map<String, Long> attrs, Set<String> f) {
        int tokens = s.tokens(), experts = s.experts(), k = s.topK();
        Tensor ids = TopkIds.draw(s, rng, s.routingDtype(), tokens, experts, k, true, true);
        in.put(Ports.TOPK_IDX, ids);
        attrs.put(Attrs.NUM_EXPERTS, (long) experts);
        attrs.put(Attrs.NUM_RANKS, (long) s.shards());
        f.add("deepep-layout");
        if (s.routing() == Routing.VARYING) f.add("layout-minus-one");
        if (tokens == 0) f.add("layout-no-tokens");
        if (s.routingDtype() == DType.I32) f.add("layout-int32-ids");
        if (twoOnOneRank(ids, experts / s.shards())) f.add("layout-rank-dedup");
    }

    /** L1's dedup is exercised: some token names two experts of one rank ({@code id / E_l} equal). */
    static boolean twoOnOneRank(Tensor ids, int local) {
        for (long t = 0; t < ids.dim(0); t++) {
            for (long a = 0; a < ids.dim(1); a++) {
                for (long b = 0; b < a; b++) {
                    long x = ids.getLong(t, a), y = ids.getLong(t, b);
                    if (x >= 0 && y >= 0 && x / local == y / local) return true;
                }
            }
        }
        return false;
    }
}
