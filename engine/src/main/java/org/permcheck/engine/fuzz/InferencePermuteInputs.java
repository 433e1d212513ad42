package org.permcheck.engine.fuzz;

import java.util.Map;
import java.util.Set;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Inputs of Megatron-Core's inference permute {@code mcore_inference_permute} (docs/spec.md V1-V5) from a
 * {@link CaseSpec}, whose fields mean here: {@code experts} the global ids {@code [0, E)} drawn (K distinct a row,
 * X31), {@code shards} > 1 expert parallelism: this rank, {@code seed mod shards}, owns {@code L = E/shards}
 * experts from {@code local_expert_start = rank*L} (the other ids are skipped, V2), {@code align} the alignment
 * (0 = absent, 1), {@code extra} the row_alignment (0 = absent), {@code routing} VARYING to put -1 in about a
 * quarter of the slots and ZIPF to favour the low ids, {@code mergingProbs} valid_tokens = T - T/4 (the last rows
 * not read, V2), {@code probsDtype} the dtype of probs (copied bit for bit, V5). For mcore_inference_unpermute (V6)
 * the oracle's permute of those inputs (probs in f32) gives permutation_map, permuted_probs and inclusive_offsets,
 * the map's rows past n_used are set to 0 and their probabilities to 0.5 (never read: a backend that reads them
 * adds into token 0), and the
 * expert output {@code [S,H]} is drawn anew; attributes num_tokens T and valid_tokens.
 */
final class InferencePermuteInputs {
    private InferencePermuteInputs() {}

    /** Why the spec cannot make a valid inference-permute case, or null. */
    static String problem(CaseSpec s) {
        if (s.experts() < 1 || s.tokens() < 1 || s.topK() < 1) return "inference permute cases need E >= 1, T >= 1, K >= 1";
        if (s.topK() > s.experts()) return "K distinct ids per row need K <= E (X31)";
        if (s.align() < 0 || s.extra() < 0) return "alignment (align) and row_alignment (extra) must be >= 0 (0 = absent, X30)";
        if (s.shards() < 1 || s.experts() % s.shards() != 0) return "the ranks (shards) divide E";
        if (s.dtype() == DType.F64) return "payload must be a movable dtype (X5)";
        return s.op() == org.permcheck.contract.Op.MCORE_INFERENCE_UNPERMUTE ? CaseGenerator.unpermuteProblem(s) : null;
    }

    static void put(CaseSpec s, SplitMix64 rng, Map<String, Tensor> in, Map<String, Long> attrs, Set<String> f) {
        int tokens = s.tokens(), experts = s.experts(), k = s.topK();
        Tensor ids = TopkIds.draw(s, rng, DType.I32, tokens, experts, k, true, true);
        boolean unpermute = s.op() == org.permcheck.contract.Op.MCORE_INFERENCE_UNPERMUTE;
        in.put(Ports.INP, unpermute ? Tensor.zeros(s.dtype(), tokens, s.hidden()) : s.values().generate(rng, s.dtype(), tokens, s.hidden()));
        in.put(Ports.TOPK_IDS, ids);
        Tensor probs = Tensor.zeros(unpermute ? DType.F32 : s.probsDtype(), tokens, k);
        for (long i = 0; i < probs.numel(); i++) probs.setF32(i, (1 + rng.below(63)) / 64f);
        in.put(Ports.PROBS, probs);
        int local = experts / s.shards();
        int rank = (int) Math.floorMod(s.seed(), (long) s.shards());
        attrs.put(Attrs.LOCAL_EXPERT_START, (long) rank * local);
        attrs.put(Attrs.NUM_LOCAL_EXPERTS, (long) local);
        f.add("inference-permute");
        if (s.shards() > 1) f.add("inference-permute-ep");
        if (s.align() > 0) {
            attrs.put(Attrs.ALIGNMENT, (long) s.align());
            if (s.align() > 1) f.add("inference-permute-aligned");
        }
        if (s.extra() > 0) attrs.put(Attrs.ROW_ALIGNMENT, (long) s.extra());
        if (s.mergingProbs()) {
            attrs.put(Attrs.VALID_TOKENS, (long) (tokens - tokens / 4));
            f.add("inference-permute-valid-tokens");
        }
        if (unpermute) unpermuteInputs(s, rng, in, attrs, f);
    }

    /** V6: the permute's outputs as the unpermute's inputs, the map past n_used 0, a fresh expert output. */
    private static void unpermuteInputs(CaseSpec s, SplitMix64 rng, Map<String, Tensor> in, Map<String, Long> attrs, Set<String> f) {
        Map<String, Long> permuteAttrs = new java.util.LinkedHashMap<>(attrs);
        Map<String, Tensor> permuted = org.permcheck.oracle.Oracle.expected(new org.permcheck.contract.Invocation(org.permcheck.contract.Op.MCORE_INFERENCE_PERMUTE,
                s.profile(), new java.util.LinkedHashMap<>(in), permuteAttrs)).values();
        Tensor map = permuted.get(Ports.PERMUTATION_MAP).copy(), offsets = permuted.get(Ports.INCLUSIVE_OFFSETS);
        long used = offsets.getLong(offsets.numel() - 1);
        Tensor probs = permuted.get(Ports.PERMUTED_PROBS).copy();
        for (long r = used; r < map.numel(); r++) {
            map.setLong(r, 0); // never read (V6): a backend that reads them adds into token 0
            probs.setF32(r, 0.5f);
        }
        long valid = attrs.getOrDefault(Attrs.VALID_TOKENS, (long) s.tokens());
        in.clear();
        in.put(Ports.INP, s.values().generate(rng, s.dtype(), (int) map.numel(), s.hidden()));
        in.put(Ports.PERMUTED_PROBS, probs);
        in.put(Ports.PERMUTATION_MAP, map);
        in.put(Ports.INCLUSIVE_OFFSETS, offsets);
        attrs.clear();
        attrs.put(Attrs.NUM_TOKENS, (long) s.tokens());
        if (valid != s.tokens()) attrs.put(Attrs.VALID_TOKENS, valid);
        f.add("inference-unpermute");
    }
}
