package org.permcheck.engine.fuzz;

import java.util.Map;
import java.util.Set;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Profile;
import org.permcheck.oracle.Oracle;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Inputs of torchao's padded permute {@code torchao_permute_and_pad} and torchtitan's unpermute
 * {@code torchao_unpermute} (docs/spec.md W1-W6) from a {@link CaseSpec}, whose fields mean here: {@code tokens}
 * T, the rows received; {@code shards} R (ep_degree); {@code experts} E_l (num_local_experts); {@code align} A
 * (alignment); {@code routingDtype} the counts' dtype (int32, or int64 as torch's counts usually are);
 * {@code routing} how the T rows split over the R*E_l chunks: UNIFORM one draw per row, ZIPF the lower of two
 * experts, ONE_EXPERT every row to local expert 0, EMPTY_FIRST / EMPTY_MIDDLE / EMPTY_LAST that local expert
 * gets no row from any rank (W2's clamp), VARYING about a third of the chunks empty. The unpermute's inp is
 * {@code [max_len, H]} values and its permuted_indices the oracle's permute of the same counts.
 */
final class PadPermuteInputs {
    private PadPermuteInputs() {}

    /** Why the spec cannot make a valid padded-permute case, or null. */
    static String problem(CaseSpec s) {
        if (s.tokens() < 0 || s.experts() < 1 || s.shards() < 1 || s.align() < 1) return "padded permute cases need T >= 0, E_l >= 1, R >= 1, A >= 1 (X27)";
        if (s.dtype() == DType.F64) return "payload must be a movable dtype (X5)";
        if (s.routingDtype() != DType.I32 && s.routingDtype() != DType.I64) return "counts are int32 or int64 (X28)";
        return null;
    }

    static void put(CaseSpec s, SplitMix64 rng, Map<String, Tensor> in, Map<String, Long> attrs, Set<String> f) {
        int ranks = s.shards(), local = s.experts();
        long[] counts = new long[ranks * local];
        int empty = s.routing() == Routing.EMPTY_FIRST ? 0 : s.routing() == Routing.EMPTY_LAST ? local - 1 : s.routing() == Routing.EMPTY_MIDDLE ? local / 2 : -1;
        boolean[] off = new boolean[counts.length];
        if (s.routing() == Routing.VARYING) for (int i = 0; i < off.length; i++) off[i] = rng.below(3) == 0;
        for (int t = 0; t < s.tokens(); t++) {
            int r = rng.below(ranks), e;
            if (s.routing() == Routing.ONE_EXPERT) e = 0;
            else if (s.routing() == Routing.ZIPF) e = Math.min(rng.below(local), rng.below(local));
            else e = rng.below(local);
            if (e == empty && local > 1) e = (e + 1) % local;
            if (off[r * local + e]) {
                int i = firstOn(off);
                if (i >= 0) {
                    r = i / local;
                    e = i % local;
                }
            }
            counts[r * local + e]++;
        }
        Tensor c = Tensor.zeros(s.routingDtype(), counts.length);
        for (int i = 0; i < counts.length; i++) c.setLong(i, counts[i]);
        attrs.put(Attrs.EP_DEGREE, (long) ranks);
        attrs.put(Attrs.NUM_LOCAL_EXPERTS, (long) local);
        attrs.put(Attrs.ALIGNMENT, (long) s.align());
        Tensor x = s.values().generate(rng, s.dtype(), s.tokens(), s.hidden());
        if (s.op() == Op.TORCHAO_UNPERMUTE) {
            Map<String, Tensor> permuteIn = new java.util.LinkedHashMap<>();
            permuteIn.put(Ports.INP, x);
            permuteIn.put(Ports.NUM_TOKENS_PER_EXPERT, c);
            Tensor idx = Oracle.expected(new Invocation(Op.TORCHAO_PERMUTE_AND_PAD, Profile.TE_JAX, permuteIn, attrs)).values().get(Ports.PERMUTED_INDICES);
            attrs.remove(Attrs.EP_DEGREE);
            attrs.remove(Attrs.NUM_LOCAL_EXPERTS);
            attrs.remove(Attrs.ALIGNMENT);
            in.put(Ports.INP, s.values().generate(rng, s.dtype(), (int) idx.numel(), s.hidden()));
            in.put(Ports.PERMUTED_INDICES, idx);
            attrs.put(Attrs.NUM_TOKENS, (long) s.tokens());
        } else {
            in.put(Ports.INP, x);
            in.put(Ports.NUM_TOKENS_PER_EXPERT, c);
        }
        f.add("padded-permute");
        if (ranks == 1) f.add("padded-permute-one-rank");
        if (s.align() == 1) f.add("padded-permute-align-1");
        boolean anEmptyExpert = false;
        for (int e = 0; e < local; e++) {
            long total = 0;
            for (int r = 0; r < ranks; r++) total += counts[r * local + e];
            anEmptyExpert |= total == 0;
        }
        if (anEmptyExpert) f.add("padded-permute-empty-expert");
    }

    /** The first chunk still drawn (VARYING), -1 when all are off. */
    private static int firstOn(boolean[] off) {
        for (int i = 0; i < off.length; i++) if (!off[i]) return i;
        return -1;
    }
}
