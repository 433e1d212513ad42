package org.permcheck.oracle.align;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.BlockAlignPreconditions;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Profile;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.oracle.layout.IndexForm;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * vLLM / SGLang {@code moe_align_block_size} (docs/spec.md K1-K6) as a view of the one assignment table:
 * {@code topk_ids} read as its routing map (I1), the groups laid out by {@link GroupLayout#padded} with
 * {@code block_size} as the align size (K3 is P1/P2's layout), never re-derived here. The entries are flat slot
 * indices {@code f = t*K + j}; the order inside a group is unspecified (K2), so the oracle gives one order
 * (ascending f) and the checks judge each group as a {@link GroupMultiset}.
 */
public final class BlockAlign {
    private final Tensor ids;
    private final GroupLayout layout;
    private final long block;
    private final long length;
    private final Tensor expertMap;

    private BlockAlign(Tensor ids, GroupLayout layout, long block, long length, Tensor expertMap) {
        this.ids = ids;
        this.layout = layout;
        this.block = block;
        this.length = length;
        this.expertMap = expertMap;
    }

    /** The view of a {@code moe_align_block_size} call (X1, X5, X11-X13 checked). */
    public static BlockAlign of(Invocation inv) {
        long length = BlockAlignPreconditions.check(inv);
        Tensor ids = inv.input(Ports.TOPK_IDS);
        int experts = (int) inv.attr(Attrs.NUM_EXPERTS);
        int tokens = (int) ids.dim(0);
        if ((long) tokens * experts > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("topk_ids " + ids.shapeString() + " with " + experts + " experts exceeds the oracle's T*E limit of 2^31-1");
        }
        AssignmentTable table = AssignmentTable.of(IndexForm.routingMap(ids, experts)); // I1 (X12: distinct ids in [0,E))
        long block = inv.attr(Attrs.BLOCK_SIZE);
        // K3: P1/P2's layout with A = block_size; the buffer length is K1's, not a profile's, so the profile's is unused
        GroupLayout layout = GroupLayout.padded(table, block, table.used(), Profile.TORCH_MASK_PAD);
        return new BlockAlign(ids, layout, block, length, inv.optionalInput(Ports.EXPERT_MAP).orElse(null));
    }

    /** The sentinel of K1: {@code numel = T*K}, one past the last flat slot. */
    public long sentinel() { return ids.numel(); }

    /** K1: the length of sorted_token_ids. */
    public long length() { return length; }

    /** K1, K4: {@code cdiv(length, block_size)} blocks. */
    public long blocks() { return (length + block - 1) / block; }

    public long blockSize() { return block; }

    public int numExperts() { return layout.table().numExperts(); }

    /** K3: the first row of expert e's group, {@code Σ_{e'<e} ceil(count/B)*B}. */
    public long groupStart(int e) { return layout.groupStart(e); }

    /** K2: count[e], the routed slots of expert e, which fill the head of its group. */
    public long count(int e) { return layout.count(e); }

    /** K3: the rows of expert e's group, {@code ceil(count[e]/B)*B} (an empty expert has none). */
    public long groupRows(int e) { return layout.groupRows(e); }

    /** K5: {@code Σ_e ceil(count[e]/B)*B}. */
    public long numTokensPostPadded() { return layout.sumTarget(); }

    /** The flat slot {@code t*K + j} whose id names expert e (I2), for a routed pair. */
    long flatSlot(int t, int e) { return (long) t * ids.dim(1) + IndexForm.slotOf(ids, t, e); }

    /** K2: the multiset of expert e's group, every slot {@code f = t*K+j} with {@code topk_ids[t,j] = e}, once each. */
    public GroupMultiset group(int e) {
        long[] slots = new long[(int) count(e)];
        int i = 0;
        for (int t = 0; t < layout.table().numTokens(); t++) if (layout.routed(t, e)) slots[i++] = flatSlot(t, e);
        return GroupMultiset.of(slots);
    }

    /** K6: true when an expert_map is given. */
    public boolean expertParallel() { return expertMap != null; }

    /** K4, K6: the id block i carries, for a block of the used prefix: its expert, or expert_map of it. */
    public long blockExpert(long i) {
        long row = i * block;
        for (int e = 0; e < numExperts(); e++) {
            if (row >= groupStart(e) && row < groupStart(e) + groupRows(e)) return expertMap == null ? e : expertMap.getLong(e);
        }
        throw new IllegalArgumentException("block " + i + " lies past the used prefix");
    }

    /** K4: blocks at or past {@code num_tokens_post_padded / B} are the tail. */
    public boolean tailBlock(long i) { return i * block >= numTokensPostPadded(); }

    /**
     * K1-K6. sorted_token_ids: each group in ascending flat slot, its pad (the sentinel) at the group's tail, the
     * sentinel after the last group (K1-K3; the order inside a group is one choice of many, K2); expert_ids per block,
     * 0 on the tail (K4), expert_map of the expert with an expert_map, the tail then unspecified (K6);
     * num_tokens_post_padded (K5). All int32.
     */
    public Expected expected() {
        Tensor sorted = Tensor.filled(DType.I32, sentinel(), length);
        for (int e = 0; e < numExperts(); e++) {
            long r = groupStart(e);
            for (int t = 0; t < layout.table().numTokens(); t++) if (layout.routed(t, e)) sorted.setLong(r++, flatSlot(t, e));
        }
        Tensor experts = Tensor.zeros(DType.I32, blocks());
        Tensor mask = expertParallel() ? Tensor.zeros(DType.BOOL, blocks()) : null;
        for (long i = 0; i < blocks(); i++) {
            if (tailBlock(i)) continue; // K4: 0; K6: unspecified
            experts.setLong(i, blockExpert(i));
            if (mask != null) mask.setLong(i, 1);
        }
        Tensor npp = Tensor.zeros(DType.I32, 1);
        npp.setLong(0, numTokensPostPadded());
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put(Ports.SORTED_TOKEN_IDS, sorted);
        values.put(Ports.EXPERT_IDS, experts);
        values.put(Ports.NUM_TOKENS_POST_PADDED, npp);
        Map<String, Tensor> specified = new LinkedHashMap<>();
        Optional.ofNullable(mask).ifPresent(m -> specified.put(Ports.EXPERT_IDS, m));
        return new Expected(values, specified, Map.of());
    }
}
