package org.permcheck.zoo;

import java.util.ArrayList;
import java.util.List;

import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;

/**
 * The knobs of one generated case; the tensor values follow from {@code seed}. Shrinking makes a
 * knob smaller and regenerates with the same seed, so every candidate is a valid case.
 *
 * @param tokens  T (dispatch family), rows (chunk sort), or the receive-buffer slack (EP)
 * @param experts E (dispatch family), chunks (chunk sort), experts (EP)
 * @param hidden  H
 * @param topK    the most experts a token picks (dispatch family), or the shard count (EP)
 * @param align   align_size, 0 for none
 * @param extra   num_out_tokens minus the used rows (dispatch family), tail rows (chunk sort)
 * @param probs   probs / merging_probs / grad_permuted_probs given
 * @param edges   force the edge cases of docs/sources.md#te-12-2 into the values (empty expert,
 *                token routed nowhere, +-0.0 probabilities, NaN payloads, NaN merging probs
 *                off the routing, row_id_map leftovers, huge int64 counts)
 */
record ZooShape(Op op, Profile profile, int tokens, int experts, int hidden, int topK, int align, int extra,
                DType dtype, DType probsDtype, boolean probs, boolean edges, long seed) {

    /** The size the kill matrix reports: T, E, H, k. */
    String size() { return "T=" + tokens + " E=" + experts + " H=" + hidden + " k=" + topK; }

    @Override
    public String toString() {
        return op.wireName() + "[" + profile.id() + " " + size() + " A=" + align + " extra=" + extra + " " + dtype
                + (probs ? " probs=" + probsDtype : "") + (edges ? " edges" : "") + " seed=" + seed + "]";
    }

    /** Smaller shapes to try, most aggressive first (the shrinker keeps the first that still fails). */
    List<ZooShape> shrinkCandidates() {
        List<ZooShape> c = new ArrayList<>();
        boolean ep = op == Op.RAGGED_A2A_PARAMS || op == Op.REVERSE_RAGGED_A2A_PARAMS
                || op == Op.LOCAL_PERMUTE_AFTER_A2A || op == Op.LOCAL_UNPERMUTE_BEFORE_A2A;
        int minTokens = ep ? 0 : 1;
        if (tokens > minTokens) {
            c.add(with(minTokens, experts, hidden, topK, align, extra, probs, edges));
            if (tokens / 2 > minTokens) c.add(with(tokens / 2, experts, hidden, topK, align, extra, probs, edges));
            c.add(with(tokens - 1, experts, hidden, topK, align, extra, probs, edges));
        }
        if (ep) {
            if (experts > topK) {
                c.add(with(tokens, topK, hidden, topK, align, extra, probs, edges));
                c.add(with(tokens, experts - topK, hidden, topK, align, extra, probs, edges));
            }
            if (topK > 1 && experts % (topK - 1) == 0) c.add(with(tokens, experts, hidden, topK - 1, align, extra, probs, edges));
        } else {
            if (experts > 1) {
                c.add(with(tokens, Math.max(1, experts / 2), hidden, Math.min(topK, Math.max(1, experts / 2)), align, extra, probs, edges));
                c.add(with(tokens, experts - 1, hidden, Math.min(topK, experts - 1), align, extra, probs, edges));
            }
            if (topK > 1) c.add(with(tokens, experts, hidden, topK - 1, align, extra, probs, edges));
        }
        if (hidden > 1) {
            c.add(with(tokens, experts, 1, topK, align, extra, probs, edges));
            c.add(with(tokens, experts, hidden / 2, topK, align, extra, probs, edges));
        }
        if (extra > 0) {
            c.add(with(tokens, experts, hidden, topK, align, 0, probs, edges));
            c.add(with(tokens, experts, hidden, topK, align, extra - 1, probs, edges));
        }
        if (align > 1) c.add(with(tokens, experts, hidden, topK, align / 2, extra, probs, edges));
        if (probs) c.add(with(tokens, experts, hidden, topK, align, extra, false, edges));
        return c;
    }

    private ZooShape with(int t, int e, int h, int k, int a, int x, boolean p, boolean ed) {
        return new ZooShape(op, profile, t, e, h, k, a, x, dtype, probsDtype, p, ed, seed);
    }
}
