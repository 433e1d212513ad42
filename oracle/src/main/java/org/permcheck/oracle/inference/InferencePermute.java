package org.permcheck.oracle.inference;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Expected;
import org.permcheck.contract.InferencePermutePreconditions;
import org.permcheck.contract.InferencePermutePreconditions.Attributes;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Profile;
import org.permcheck.oracle.align.GroupMultiset;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core's inference permute (docs/spec.md V1-V5) as a view of the one assignment table: the table has
 * one column per local expert and a cell (t, e) for every pair {@code (t,k)} with {@code t < valid_tokens} and
 * {@code topk_ids[t,k] - local_expert_start = e} in {@code [0, L)} (V2: every other pair is skipped); the groups
 * are laid out by {@link GroupLayout#padded} with alignment as the align size (V2 is P1/P2's layout, an empty
 * expert keeping 0 rows). The entries of permutation_map are tokens; the order inside a group is unspecified
 * (V3), so the oracle gives one order (ascending token) and the checks judge each group as a {@link GroupMultiset}.
 */
public final class InferencePermute {
    private final Invocation inv;
    private final Attributes attrs;
    private final GroupLayout layout;

    private InferencePermute(Invocation inv, Attributes attrs, GroupLayout layout) {
        this.inv = inv;
        this.attrs = attrs;
        this.layout = layout;
    }

    /** The view of a {@code mcore_inference_permute} call (X1, X5, X30-X32 checked). */
    public static InferencePermute of(Invocation inv) {
        Attributes a = InferencePermutePreconditions.check(inv);
        Tensor ids = inv.input(Ports.TOPK_IDS);
        int tokens = (int) ids.dim(0), experts = a.numLocalExperts();
        if ((long) tokens * experts > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("topk_ids " + ids.shapeString() + " with " + experts + " local experts exceeds the oracle's T*L limit of 2^31-1");
        }
        boolean[] routed = new boolean[tokens * experts];
        for (int t = 0; t < a.validTokens(); t++) { // V2: rows at or past valid_tokens are not read
            for (int k = 0; k < ids.dim(1); k++) {
                int e = InferencePermutePreconditions.localExpert(ids.getLong(t, k), a); // V2: ids of other ranks skipped
                if (e >= 0) routed[t * experts + e] = true; // X31: at most once per (t, e)
            }
        }
        AssignmentTable table = AssignmentTable.of(tokens, experts, routed);
        // V2: P1/P2's layout with A = alignment; the buffer length is V1's, not a profile's, so the profile's is unused
        GroupLayout layout = GroupLayout.padded(table, a.alignment(), table.used(), Profile.TORCH_MASK_PAD);
        return new InferencePermute(inv, a, layout);
    }

    /** V1: the fixed length S of output, permuted_probs and permutation_map. */
    public long rows() { return attrs.rows(); }

    public int numLocalExperts() { return attrs.numLocalExperts(); }

    public int tokens() { return layout.table().numTokens(); }

    /** V2: count[e], the local pairs of expert e, which fill the head of its group. */
    public long count(int e) { return layout.count(e); }

    /** V2: the first row of expert e's group, the exclusive prefix sum of the aligned counts. */
    public long groupStart(int e) { return layout.groupStart(e); }

    /** V2: the rows of expert e's group, {@code ceil(count[e]/alignment)*alignment} (an empty expert has none). */
    public long groupRows(int e) { return layout.groupRows(e); }

    /** V2: inclusive_offsets[e], the end of expert e's group. */
    public long inclusiveOffset(int e) { return layout.groupStart(e) + layout.groupRows(e); }

    /** V2, V4: n_used, the rows the groups take ({@code inclusive_offsets[L-1]}); rows past it are unspecified. */
    public long used() { return layout.sumTarget(); }

    /** V3: whether token t has a pair routed to local expert e. */
    public boolean routed(int t, int e) { return layout.routed(t, e); }

    /** V3: the multiset of expert e's group head, every token t with a local pair to e, once each. */
    public GroupMultiset group(int e) {
        long[] tokens = new long[(int) count(e)];
        int i = 0;
        for (int t = 0; t < tokens(); t++) if (routed(t, e)) tokens[i++] = t;
        return GroupMultiset.of(tokens);
    }

    /** V5: the k of token t's pair to local expert e (X31: there is one), whose probability the row carries. */
    public int slot(int t, int e) {
        Tensor ids = inv.input(Ports.TOPK_IDS);
        for (int k = 0; k < ids.dim(1); k++) if (InferencePermutePreconditions.localExpert(ids.getLong(t, k), attrs) == e) return k;
        throw new IllegalArgumentException("token " + t + " has no pair to local expert " + e);
    }

    /**
     * V1-V5 in one valid order. permutation_map: each group's tokens ascending (one order of many, V3), -1 on
     * its pad rows (V4); rows past n_used -1 but unspecified. output and permuted_probs: the token's row and the
     * pair's probability on every head row (V5), zero elsewhere (unspecified: the pad rows are never written).
     * inclusive_offsets int32 (V2).
     */
    public Expected expected() {
        Tensor inp = inv.input(Ports.INP), probs = inv.input(Ports.PROBS);
        Tensor out = Tensor.zeros(inp.dtype(), rows(), inp.dim(1));
        Tensor permutedProbs = Tensor.zeros(probs.dtype(), rows());
        Tensor map = Tensor.filled(DType.I32, -1, rows());
        Tensor offsets = Tensor.zeros(DType.I32, numLocalExperts());
        Tensor rowMask = Tensor.zeros(DType.BOOL, rows()), mapMask = Tensor.zeros(DType.BOOL, rows());
        for (int e = 0; e < numLocalExperts(); e++) {
            long r = groupStart(e);
            for (int t = 0; t < tokens(); t++) {
                if (!routed(t, e)) continue;
                out.copyRowFrom(inp, t, r);
                permutedProbs.setBits(r, 0, probs.bits(t, slot(t, e)));
                map.setLong(r, t);
                rowMask.setLong(r, 1);
                r++;
            }
            offsets.setLong(e, inclusiveOffset(e));
        }
        for (long r = 0; r < used(); r++) mapMask.setLong(r, 1);
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put(Ports.OUTPUT, out);
        values.put(Ports.PERMUTED_PROBS, permutedProbs);
        values.put(Ports.PERMUTATION_MAP, map);
        values.put(Ports.INCLUSIVE_OFFSETS, offsets);
        Map<String, Tensor> specified = new LinkedHashMap<>();
        specified.put(Ports.OUTPUT, rowMask);
        specified.put(Ports.PERMUTED_PROBS, rowMask.copy());
        specified.put(Ports.PERMUTATION_MAP, mapMask);
        return new Expected(values, specified, Map.of());
    }
}
