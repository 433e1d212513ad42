package org.permcheck.contract;

import java.util.Arrays;
import java.util.Optional;

import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

import static org.permcheck.contract.Preconditions.violation;

/**
 * The X rules of Megatron-Core's {@code permute} and {@code unpermute} (docs/spec.md X15-X18, beside
 * X1, X2 and X5 they share with the mask family). The oracle and every backend that refuses inputs
 * outside the contract call the same checks ({@link CallPreconditions}).
 */
public final class MegatronPreconditions {
    private MegatronPreconditions() {}

    /** Drop policy of Q4, the values of the {@code drop_policy} attribute. */
    public static final long POSITION = 0;
    public static final long PROBS = 1;

    /**
     * X1, X2, X5, X15-X17 of a {@code megatron_permute} call; returns its row count: {@code num_out_tokens}
     * dropless (Q1), {@code E * C} with {@code C = num_out_tokens // E} under drop_and_pad (Q3).
     */
    public static long permute(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Tensor map = inv.input(Ports.ROUTING_MAP);
        Preconditions.requireRank2(Ports.INP, inp);
        Preconditions.requireMovablePayload(Ports.INP, inp);
        Preconditions.requireRank2(Ports.ROUTING_MAP, map);
        if (map.dim(1) < 1) throw violation(Rule.X1, "routing_map needs at least one expert, got " + map.shapeString());
        if (map.dim(0) != inp.dim(0)) throw violation(Rule.X1, "inp has " + inp.dim(0) + " tokens but routing_map has " + map.dim(0));
        Preconditions.requireRoutingMap(map); // X2
        Optional<Tensor> probs = Preconditions.optionalProbs(inv, Ports.PROBS, map.shape());
        long t = map.dim(0), e = map.dim(1);
        long used = 0;
        for (long i = 0; i < t; i++) for (long j = 0; j < e; j++) used += map.getLong(i, j);
        Optional<Long> n = inv.optionalAttr(Attrs.NUM_OUT_TOKENS);
        if (n.isEmpty() || n.get() < 1) throw violation(Rule.X15, "megatron_permute needs num_out_tokens >= 1 (the argsort-based permute sizes its output by it)");
        boolean dropAndPad = flag(inv, Attrs.DROP_AND_PAD, Rule.X16);
        Optional<Long> policy = inv.optionalAttr(Attrs.DROP_POLICY);
        if (policy.isPresent()) {
            if (!dropAndPad) throw violation(Rule.X17, "drop_policy applies with drop_and_pad = 1 only");
            if (policy.get() != POSITION && policy.get() != PROBS) throw violation(Rule.X17, "drop_policy must be 0 (position) or 1 (probs), got " + policy.get());
            if (policy.get() == PROBS && probs.isEmpty()) throw violation(Rule.X17, "drop_policy 1 (probs) ranks the tokens by probs, which is absent");
        }
        if (!dropAndPad) {
            if (n.get() < used) {
                throw violation(Rule.X15, "num_out_tokens = " + n.get() + " is below the " + used + " routed pairs (Megatron drops the tail silently)");
            }
            if (n.get() > t * e) {
                throw violation(Rule.X15, "num_out_tokens = " + n.get() + " is above the T*E = " + t * e + " cells of routing_map (Megatron's argsort has no more)");
            }
            return n.get();
        }
        long c = n.get() / e;
        if (c < 1 || c > t) throw violation(Rule.X16, "capacity num_out_tokens // E = " + c + " must be in [1, T = " + t + "]");
        if (policy.orElse(POSITION) == PROBS) requireNoTieAtTheCut(map, probs.get(), c);
        return e * c;
    }

    /**
     * X17: under the probs policy every expert over capacity has a strict cut: no NaN among its
     * routed probs and its C-th and (C+1)-th largest differ (torch.topk(sorted=False) picks among
     * tied values in no stated order, docs/sources.md#megatron-permute).
     */
    static void requireNoTieAtTheCut(Tensor map, Tensor probs, long capacity) {
        for (long e = 0; e < map.dim(1); e++) {
            double[] v = new double[(int) map.dim(0)];
            int k = 0;
            for (long t = 0; t < map.dim(0); t++) {
                if (map.getLong(t, e) == 0) continue;
                double p = FloatFormats.toF64(probs.dtype(), probs.bits(t, e));
                if (Double.isNaN(p)) throw violation(Rule.X17, "probs[" + t + "," + e + "] is NaN: the probs policy cannot rank it");
                v[k++] = p;
            }
            if (k <= capacity) continue;
            double[] routed = Arrays.copyOf(v, k);
            Arrays.sort(routed); // ascending: the C-th largest is routed[k-C]
            if (routed[(int) (k - capacity)] == routed[(int) (k - capacity - 1)]) {
                throw violation(Rule.X17, "expert " + e + " has a tie at its capacity cut (" + routed[(int) (k - capacity)] + "): which token survives is unspecified");
            }
        }
    }

    /** X1, X2, X5, X18 of a {@code megatron_unpermute} call. */
    public static void unpermute(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Tensor sorted = inv.input(Ports.SORTED_INDICES);
        Preconditions.requireRank2(Ports.INP, inp);
        Preconditions.requireReduciblePayload(Ports.INP, inp);
        Preconditions.requireIndex(Ports.SORTED_INDICES, sorted);
        if (sorted.rank() != 1 || sorted.dim(0) != inp.dim(0)) {
            throw violation(Rule.X18, "sorted_indices must be [rows] with the " + inp.dim(0) + " rows of inp, got " + sorted.shapeString());
        }
        Optional<Long> nt = inv.optionalAttr(Attrs.NUM_TOKENS);
        if (nt.isEmpty() || nt.get() < 1 || nt.get() > Integer.MAX_VALUE) throw violation(Rule.X18, "megatron_unpermute needs num_tokens (restore_shape[0]) in [1, 2^31)");
        for (long r = 0; r < sorted.dim(0); r++) {
            long t = sorted.getLong(r);
            if (t < 0 || t >= nt.get()) throw violation(Rule.X18, "sorted_indices[" + r + "] = " + t + " is outside [0, num_tokens = " + nt.get() + ")");
        }
        boolean dropAndPad = flag(inv, Attrs.DROP_AND_PAD, Rule.X18);
        Optional<Tensor> probs = inv.optionalInput(Ports.PROBS);
        if (probs.isEmpty()) return; // no weights: routing_map, if given, is not read (Q5)
        Optional<Tensor> map = inv.optionalInput(Ports.ROUTING_MAP);
        if (map.isEmpty()) throw violation(Rule.X18, "probs need the routing_map that says each row's expert");
        Preconditions.requireProbs(Ports.PROBS, probs.get());
        Preconditions.requireRank2(Ports.ROUTING_MAP, map.get());
        Preconditions.requireRoutingMap(map.get()); // X2
        long e = map.get().dim(1);
        if (map.get().dim(0) != nt.get() || e < 1) throw violation(Rule.X18, "routing_map must be [num_tokens, E >= 1], got " + map.get().shapeString());
        Preconditions.requireShape(Ports.PROBS, probs.get(), map.get().shape());
        long rows = inp.dim(0);
        if (dropAndPad) {
            if (rows % e != 0) throw violation(Rule.X18, "drop_and_pad rows = " + rows + " must be E * capacity (E = " + e + ")");
            return;
        }
        // dropless: row r weighs with the r-th routed pair in (expert, token) order, which must be the row's token
        long r = 0;
        for (long x = 0; x < e; x++) {
            for (long t = 0; t < nt.get(); t++) {
                if (map.get().getLong(t, x) == 0) continue;
                if (r >= rows || sorted.getLong(r) != t) {
                    throw violation(Rule.X18, "with probs, sorted_indices must be the permute's of routing_map: row " + r + " should hold token " + t + " of expert " + x);
                }
                r++;
            }
        }
        if (r != rows) throw violation(Rule.X18, "with probs, inp must have the " + r + " routed rows of routing_map, got " + rows);
    }

    /** An optional 0/1 attribute (absent = 0). */
    static boolean flag(Invocation inv, String name, Rule rule) {
        long v = inv.optionalAttr(name).orElse(0L);
        if (v != 0 && v != 1) throw violation(rule, name + " must be 0 or 1, got " + v);
        return v == 1;
    }
}
