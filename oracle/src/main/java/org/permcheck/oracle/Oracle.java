package org.permcheck.oracle;

import java.util.Optional;

import org.permcheck.contract.CallPreconditions;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.MegatronPreconditions;
import org.permcheck.contract.Preconditions;
import org.permcheck.oracle.align.BlockAlign;
import org.permcheck.oracle.chunks.ChunkSort;
import org.permcheck.oracle.dispatch.ArgsortDispatch;
import org.permcheck.oracle.dispatch.Combine;
import org.permcheck.oracle.dispatch.CombineGradient;
import org.permcheck.oracle.dispatch.DispatchGradient;
import org.permcheck.oracle.ep.LocalPermute;
import org.permcheck.oracle.ep.RaggedAllToAllParams;
import org.permcheck.contract.Ports;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.oracle.inference.InferencePermute;
import org.permcheck.oracle.megatron.MegatronPermute;
import org.permcheck.oracle.megatron.MegatronUnpermute;
import org.permcheck.oracle.padperm.PadPermute;
import org.permcheck.oracle.padperm.PadUnpermute;
import org.permcheck.oracle.deepep.DispatchLayout;
import org.permcheck.oracle.ep.EpCombine;
import org.permcheck.oracle.ep.EpDispatch;
import org.permcheck.oracle.teindex.IndexPermute;
import org.permcheck.oracle.teindex.IndexUnpermute;

/**
 * The oracle's front door: what the contract (docs/spec.md) says a call must return.
 * Dispatches on the op to the reference classes (one class per concept); each names its rules.
 */
public final class Oracle {
    private Oracle() {}

    /**
     * Expected outputs of {@code inv}. The call is validated first, whole, by the model's
     * {@link CallPreconditions} (group X of docs/spec.md: the one place the X rules are written, the
     * same a backend calls to refuse, B1), then computed; the reference classes compute on a valid
     * call, as an interpreter executes a validated module, and re-check only what their views
     * ({@link #layout}, {@link #routes}) also serve.
     *
     * @throws org.permcheck.contract.PreconditionViolation when the call is outside the contract
     *         (group X of docs/spec.md); the exception names the rule
     */
    public static Expected expected(Invocation inv) {
        CallPreconditions.check(inv); // group X, before anything is computed
        switch (inv.op()) {
            case DISPATCH: return ArgsortDispatch.expected(inv); // X9, X10, I1-I4: one table, both forms; J1-J4, X19-X21: maxtext
            case COMBINE: return Combine.expected(inv);
            case DISPATCH_BACKWARD: return DispatchGradient.expected(inv);
            case COMBINE_BACKWARD: return CombineGradient.expected(inv);
            case SORT_CHUNKS: return ChunkSort.expected(inv);
            case SORT_CHUNKS_BACKWARD: return ChunkSort.expectedBackward(inv);
            case RAGGED_A2A_PARAMS: return RaggedAllToAllParams.expected(inv, false);
            case REVERSE_RAGGED_A2A_PARAMS: return RaggedAllToAllParams.expected(inv, true);
            case LOCAL_PERMUTE_AFTER_A2A: return LocalPermute.expectedAfter(inv);
            case LOCAL_UNPERMUTE_BEFORE_A2A: return LocalPermute.expectedBefore(inv);
            case MEGATRON_PERMUTE: return MegatronPermute.expected(inv);
            case MEGATRON_UNPERMUTE: return MegatronUnpermute.expected(inv);
            case BLOCK_ALIGN: return BlockAlign.of(inv).expected(); // K1-K6, X11-X13
            case TE_INDEX_PERMUTE: return IndexPermute.expected(inv); // T1-T4, X14, X24, X25
            case TE_INDEX_UNPERMUTE: return IndexUnpermute.expected(inv); // T5, X26
            case TORCHAO_PERMUTE_AND_PAD: return PadPermute.expected(inv); // W1-W5, X27, X28
            case TORCHAO_UNPERMUTE: return PadUnpermute.expected(inv); // W6, X29
            case DEEPEP_DISPATCH_LAYOUT: return DispatchLayout.of(inv).expected(); // L1-L3, X33, X34
            case TE_EP_DISPATCH: return EpDispatch.expected(inv); // Y1-Y3, X35-X37 (world view)
            case TE_EP_COMBINE: return EpCombine.expected(inv); // Y4, X35-X37 (world view)
            case MCORE_INFERENCE_PERMUTE: return InferencePermute.of(inv).expected(); // V1-V5, X30-X32
            case MCORE_INFERENCE_UNPERMUTE: return org.permcheck.oracle.inference.InferenceUnpermute.expected(inv); // V6, X30, X32
            case MEGATRON_PAD_ROUTING_MAP: return org.permcheck.oracle.megatron.PaddedRoutingMap.of(inv).expected(); // Q7-Q9, X39
            default: throw new IllegalStateException("no reference for " + inv.op());
        }
    }

    /**
     * The dispatch layout view of a {@code token_dispatch} call (D1, D3, D5, P1-P4, N1), checked by
     * the same X1-X4 rules {@link #expected} applies to the routing map and attributes; empty for
     * every other op (combine and the gradients read theirs with {@link #routes}, M1-M5).
     */
    public static Optional<GroupLayout> layout(Invocation inv) {
        Preconditions.requirePorts(inv); // X1
        switch (inv.op()) {
            case DISPATCH: return Optional.of(GroupLayout.of(ArgsortDispatch.maskForm(inv))); // I1-I4, J4
            default: return Optional.empty();
        }
    }

    /**
     * The slab view of a {@code te_ep_dispatch} / {@code te_ep_combine} call (docs/spec.md Y1-Y4: each expert's slab,
     * its start, count and aligned rows), X1, X35-X37 checked; empty for every other op.
     */
    public static Optional<org.permcheck.oracle.ep.EpSlabs> epSlabs(Invocation inv) {
        Preconditions.requirePorts(inv); // X1
        if (inv.op() == org.permcheck.contract.Op.TE_EP_DISPATCH) org.permcheck.contract.TeEpPreconditions.dispatch(inv);
        else if (inv.op() == org.permcheck.contract.Op.TE_EP_COMBINE) org.permcheck.contract.TeEpPreconditions.combine(inv);
        else return Optional.empty();
        return Optional.of(org.permcheck.oracle.ep.EpSlabs.of(inv));
    }

    /**
     * The view of a {@code mcore_inference_permute} call (docs/spec.md V1-V5: group offsets, counts, each group's
     * multiset of tokens), X1, X30-X32 checked; empty for every other op.
     */
    public static Optional<InferencePermute> inferencePermute(Invocation inv) {
        Preconditions.requirePorts(inv); // X1
        return inv.op() == org.permcheck.contract.Op.MCORE_INFERENCE_PERMUTE ? Optional.of(InferencePermute.of(inv)) : Optional.empty();
    }

    /**
     * The block-align view of a {@code moe_align_block_size} call (docs/spec.md K1-K6: group offsets, counts,
     * each group's multiset of flat slots, the id of every block), X1, X11-X13 checked; empty for every other op.
     */
    public static Optional<BlockAlign> blockAlign(Invocation inv) {
        Preconditions.requirePorts(inv); // X1
        return inv.op() == org.permcheck.contract.Op.BLOCK_ALIGN ? Optional.of(BlockAlign.of(inv)) : Optional.empty();
    }

    /**
     * The mask form of a call (docs/spec.md I1-I4): a token_dispatch given in the index form
     * ({@code topk_ids}, {@code topk_weights}, {@code num_experts}) as the same call with the
     * {@code routing_map} and {@code probs} of its assignment table (X9, X10 checked); every other
     * call unchanged; a maxtext call's ids are rolled first (J4). Checks that read the routing or the probabilities of a dispatch read them here.
     */
    public static Invocation maskForm(Invocation inv) {
        Preconditions.requirePorts(inv); // X1
        return ArgsortDispatch.maskForm(inv); // J4: a maxtext call's ids rolled first
    }

    /**
     * The valid slots of the row_id_map input of a combine or gradient call (M2-M4, C4), read as
     * their reference reads them: pad_offsets added, source rows bounded by the permuted tensor
     * (X6); for a Megatron unpermute the rows its sorted_indices names (Q5); empty for every other op.
     */
    public static Optional<RowIdMap.Routes> routes(Invocation inv) {
        Preconditions.requirePorts(inv); // X1
        String permuted;
        switch (inv.op()) {
            case COMBINE: permuted = Ports.INP; break;
            case DISPATCH_BACKWARD: permuted = Ports.GRAD_OUTPUT; break;
            case COMBINE_BACKWARD: permuted = Ports.FWD_INPUT; break;
            case MEGATRON_UNPERMUTE: // Q5, Q6: the rows sorted_indices names for each token (X18 checked)
                MegatronPreconditions.unpermute(inv);
                return Optional.of(MegatronUnpermute.routes(inv));
            default: return Optional.empty();
        }
        Preconditions.requireRank2(permuted, inv.input(permuted));
        return Optional.of(RowIdMap.read(inv.input(Ports.ROW_ID_MAP), inv.optionalInput(Ports.PAD_OFFSETS), inv.input(permuted).dim(0)));
    }
}
