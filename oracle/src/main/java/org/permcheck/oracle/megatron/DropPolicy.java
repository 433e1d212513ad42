package org.permcheck.oracle.megatron;

import org.permcheck.contract.MegatronPreconditions;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * Q4: which routed tokens of an expert survive a capacity of C. Every expert keeps
 * {@code min(count[e], C)} of its routed tokens; the policy says which.
 */
public final class DropPolicy {
    private DropPolicy() {}

    /**
     * The kept pairs, {@code kept[t*E+e]}.
     *
     * @param policy {@link MegatronPreconditions#POSITION}: the C lowest token ids (permute's stable
     *               argsort); {@link MegatronPreconditions#PROBS}: the C largest {@code probs[t,e]} (the
     *               router's top-C per expert; X17 rules out a tie at the cut)
     */
    public static boolean[] kept(AssignmentTable table, Tensor probs, int capacity, long policy) {
        int ne = table.numExperts(), nt = table.numTokens();
        boolean[] kept = new boolean[nt * ne];
        for (int e = 0; e < ne; e++) {
            if (table.count(e) <= capacity || policy == MegatronPreconditions.POSITION) {
                int left = capacity;
                for (int t = 0; t < nt && left > 0; t++) {
                    if (table.routed(t, e)) { kept[t * ne + e] = true; left--; }
                }
                continue;
            }
            // probs: a routed token survives when fewer than C routed tokens of e have a larger prob
            for (int t = 0; t < nt; t++) {
                if (!table.routed(t, e)) continue;
                double p = prob(probs, t, e);
                int larger = 0;
                for (int u = 0; u < nt; u++) if (table.routed(u, e) && prob(probs, u, e) > p) larger++;
                kept[t * ne + e] = larger < capacity;
            }
        }
        return kept;
    }

    private static double prob(Tensor probs, int t, int e) {
        return FloatFormats.toF64(probs.dtype(), probs.bits(t, e));
    }
}
