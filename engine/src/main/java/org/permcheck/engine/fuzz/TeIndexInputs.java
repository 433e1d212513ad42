package org.permcheck.engine.fuzz;

import java.util.Map;
import java.util.Set;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Ports;
import org.permcheck.contract.TeIndexPreconditions;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Inputs of TE's index-map permute {@code te_index_permute} (docs/spec.md T1-T4) from a {@link CaseSpec}, whose
 * fields mean here: {@code experts} the range {@code [0, E)} ids are drawn from (the op itself has no E),
 * {@code topK} the K columns of indices, {@code align} num_out_tokens (0 = T*K; below T*K a capacity drop, T4;
 * above, rows past T*K unspecified, T3), {@code routing} VARYING to put the -1 sentinel in about a quarter of the
 * slots (T1: sorted last) and ZIPF to favour the low ids, {@code mergingProbs} to draw a row's ids with
 * replacement (the same id twice in a row is two slots), {@code extra} that many slots given ids near
 * {@code 2^31 - 1} (T1: no bound by E). H must make a row a multiple of 16 bytes (X25). For te_index_unpermute (T5)
 * the oracle's permute of those indices gives the row_id_map, the payload has its num_out_tokens rows, and
 * {@code probs} adds merging_probs (f32 [T,K], multiples of 2^-6 in [0, 1)).
 */
final class TeIndexInputs {
    private TeIndexInputs() {}

    /** Why the spec cannot make a valid index-map case, or null. */
    static String problem(CaseSpec s) {
        if (s.experts() < 1 || s.tokens() < 1 || s.topK() < 1) return "index map cases need E >= 1 ids, T >= 1, K >= 1";
        if (!s.mergingProbs() && s.topK() > s.experts()) return "K distinct ids per row need K <= E (or mergingProbs: duplicates)";
        if (s.align() < 0) return "num_out_tokens (align) must be >= 0 (X14)";
        if (s.dtype() == DType.F64) return "payload must be a movable dtype (X5)";
        if ((long) s.hidden() * s.dtype().size() % TeIndexPreconditions.ROW_BYTES != 0) return "H * sizeof(dtype) must be a multiple of 16 bytes (X25)";
        return s.op() == org.permcheck.contract.Op.TE_INDEX_UNPERMUTE ? CaseGenerator.unpermuteProblem(s) : null;
    }

    static void put(CaseSpec s, SplitMix64 rng, Map<String, Tensor> in, Map<String, Long> attrs, Set<String> f) {
        int tokens = s.tokens(), experts = s.experts(), k = s.topK();
        Tensor ids = TopkIds.draw(s, rng, DType.I32, tokens, experts, k, !s.mergingProbs(), true);
        for (int i = 0; i < s.extra(); i++) ids.setLong(rng.below(tokens * k), Integer.MAX_VALUE - rng.below(4));
        if (s.op() == org.permcheck.contract.Op.TE_INDEX_UNPERMUTE) {
            Map<String, Tensor> permuteIn = new java.util.LinkedHashMap<>();
            permuteIn.put(Ports.INP, Tensor.zeros(s.dtype(), tokens, s.hidden()));
            permuteIn.put(Ports.INDICES, ids);
            Tensor map = org.permcheck.oracle.Oracle.expected(new org.permcheck.contract.Invocation(org.permcheck.contract.Op.TE_INDEX_PERMUTE,
                    org.permcheck.contract.Profile.TE_JAX, permuteIn, Map.of(Attrs.NUM_OUT_TOKENS, (long) s.align()))).values().get(Ports.ROW_ID_MAP);
            long rows = s.align() == 0 ? (long) tokens * k : s.align();
            in.put(Ports.INP, s.values().generate(rng, s.dtype(), (int) rows, s.hidden()));
            in.put(Ports.ROW_ID_MAP, map);
            if (s.probs()) {
                Tensor p = Tensor.zeros(DType.F32, tokens, k);
                for (long i = 0; i < p.numel(); i++) p.setF32(i, rng.below(64) / 64f);
                in.put(Ports.MERGING_PROBS, p);
            }
            attrs.put(Attrs.NUM_TOKENS, (long) tokens);
            attrs.put(Attrs.TOP_K, (long) k);
            f.add("te-index-map");
            f.add("index-map-unpermute");
            return;
        }
        in.put(Ports.INP, s.values().generate(rng, s.dtype(), tokens, s.hidden()));
        in.put(Ports.INDICES, ids);
        attrs.put(Attrs.NUM_OUT_TOKENS, (long) s.align());
        f.add("te-index-map");
        long slots = (long) tokens * k;
        if (s.align() > 0 && s.align() < slots) f.add("index-map-drop");
        if (s.align() > slots) f.add("index-map-rows-past-slots");
        if (s.routing() == Routing.VARYING) f.add("index-map-minus-one");
        if (s.mergingProbs()) f.add("index-map-duplicate-ids");
        if (s.extra() > 0) f.add("index-map-large-ids");
    }
}
