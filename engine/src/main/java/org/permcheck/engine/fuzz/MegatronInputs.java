package org.permcheck.engine.fuzz;

import java.util.Map;
import java.util.Set;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.MegatronPreconditions;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Profile;
import org.permcheck.oracle.Oracle;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Inputs of Megatron's permute / unpermute (docs/spec.md Q1-Q6) from a {@link CaseSpec}, whose fields
 * mean here: {@code align} the capacity per expert (0 = dropless, else drop_and_pad with
 * {@code num_out_tokens = align*E + extra % E}, whose floor by E is the capacity), {@code extra} the
 * rows past the routed pairs of a dropless call, {@code mergingProbs} the probs drop policy (Q4).
 * Under that policy every expert's routed probabilities are distinct ({@code (rank+1) * 2^-9}, exact
 * in f32, f16 and bf16 for T up to 256), so no cut ties (X17).
 */
final class MegatronInputs {
    private MegatronInputs() {}

    /** Why the spec cannot make a valid Megatron case, or null. */
    static String problem(CaseSpec s) {
        if (s.experts() < 1 || s.tokens() < 1 || s.topK() < 0) return "Megatron cases need E >= 1, T >= 1, k >= 0";
        if (s.align() > s.tokens()) return "capacity (align) must be at most T (X16)";
        if (s.mergingProbs() && (s.align() == 0 || !s.probs() || s.tokens() > 256)) return "the probs drop policy needs a capacity, probs and T <= 256";
        if (s.op() == Op.MEGATRON_UNPERMUTE && !CaseGenerator.reducible(s.dtype())) return "unpermute reduces: f32, bf16 or f16";
        return null;
    }

    static void put(CaseSpec s, SplitMix64 rng, Map<String, Tensor> in, Map<String, Long> attrs, Set<String> f) {
        Tensor routing = asBool(s.routing().generate(rng, s.tokens(), s.experts(), s.topK()));
        long used = AssignmentTable.of(routing).used();
        Tensor probs = s.probs() ? CaseGenerator.probabilities(rng, s, routing) : null;
        if (probs != null && s.mergingProbs()) distinctPerExpert(rng, routing, probs);
        Map<String, Long> permuteAttrs = new java.util.LinkedHashMap<>();
        if (s.align() > 0) {
            permuteAttrs.put(Attrs.NUM_OUT_TOKENS, (long) s.align() * s.experts() + s.extra() % s.experts());
            permuteAttrs.put(Attrs.DROP_AND_PAD, 1L);
            if (s.mergingProbs()) permuteAttrs.put(Attrs.DROP_POLICY, MegatronPreconditions.PROBS);
        } else {
            // X15: between the routed pairs and the T*E cells of the map
            permuteAttrs.put(Attrs.NUM_OUT_TOKENS, Math.max(1, Math.min(used + s.extra(), (long) s.tokens() * s.experts())));
        }
        f.add("megatron");
        if (s.align() > 0) f.add("drop-and-pad");
        Tensor payload = s.values().generate(rng, s.dtype(), s.tokens(), s.hidden());
        if (s.op() == Op.MEGATRON_PERMUTE) {
            in.put(Ports.INP, payload);
            in.put(Ports.ROUTING_MAP, routing);
            if (probs != null) in.put(Ports.PROBS, probs);
            attrs.putAll(permuteAttrs);
            return;
        }
        // unpermute: the rows a permute of this routing gives (the oracle's sorted_indices), with a payload of their count;
        // with probs a dropless call has exactly the routed rows (X18), without, the rows past them name random tokens
        Map<String, Tensor> permuteIn = new java.util.LinkedHashMap<>();
        permuteIn.put(Ports.INP, payload);
        permuteIn.put(Ports.ROUTING_MAP, routing);
        if (probs != null) permuteIn.put(Ports.PROBS, probs);
        if (probs != null && s.align() == 0) permuteAttrs.put(Attrs.NUM_OUT_TOKENS, Math.max(1, used));
        Tensor sorted = Oracle.expected(new Invocation(Op.MEGATRON_PERMUTE, Profile.TE_JAX, permuteIn, permuteAttrs))
                .values().get(Ports.SORTED_INDICES).copy();
        int rows = (int) sorted.dim(0);
        if (probs != null && s.align() == 0 && used == 0) {
            sorted = Tensor.zeros(DType.I64, 0); // nothing routed: no rows at all
            rows = 0;
        }
        for (int r = 0; r < rows; r++) if (sorted.getLong(r) < 0) sorted.setLong(r, rng.below(s.tokens()));
        in.put(Ports.INP, s.values().generate(rng, s.dtype(), rows, s.hidden()));
        in.put(Ports.SORTED_INDICES, sorted);
        if (probs != null) {
            in.put(Ports.PROBS, probs);
            in.put(Ports.ROUTING_MAP, routing);
        }
        attrs.put(Attrs.NUM_TOKENS, (long) s.tokens());
        if (s.align() > 0) attrs.put(Attrs.DROP_AND_PAD, 1L);
    }

    /** Megatron's routing_map is bool (its dispatcher asserts it). */
    private static Tensor asBool(Tensor routing) {
        return CaseGenerator.asDtype(routing, DType.BOOL);
    }

    /** X17: each expert's routed probs become (rank+1) * 2^-9 for a random ranking, distinct and exact in every probs dtype. */
    private static void distinctPerExpert(SplitMix64 rng, Tensor routing, Tensor probs) {
        int nt = (int) routing.dim(0);
        for (long e = 0; e < routing.dim(1); e++) {
            int[] rank = new int[nt];
            for (int i = 0; i < nt; i++) rank[i] = i;
            rng.shuffle(rank);
            for (int t = 0; t < nt; t++) if (routing.getLong(t, e) != 0) probs.setF32(t, e, (rank[t] + 1) * 0x1p-9f);
        }
    }
}
