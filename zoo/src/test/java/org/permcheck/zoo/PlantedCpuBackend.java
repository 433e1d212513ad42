package org.permcheck.zoo;

import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Determinism;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Capabilities;
import org.permcheck.spi.Outputs;

/**
 * A plain CPU implementation of every op, written from docs/spec.md in the style of the kernels
 * (a counting pass, a cumsum, a placement pass; f32 accumulation in descending expert order), with
 * at most one {@link Bug} planted. With {@link Bug#NONE} it is a second, independent CPU backend and
 * must pass everything (the zoo's no-false-alarm control).
 *
 * <p>It never throws on an input inside the contract: a planted bug that would write or read past a
 * buffer drops the write or reads zero instead, so the suite sees a wrong answer (FAIL), not an
 * exception (ERROR), as it would from a kernel with unchecked indexing.
 */
final class PlantedCpuBackend implements Backend {
    private final Bug bug;
    private long calls;

    PlantedCpuBackend(Bug bug) { this.bug = bug; }

    /** Every op of TE's contract, moe_align_block_size (K1-K6, PlantedBlockAlign), te_index_permute (T1-T4, PlantedTeIndex), mcore_inference_permute (V1-V5, PlantedInferencePermute) and megatron_pad_routing_map (Q7-Q9, PlantedPadRoutingMap); Megatron's permute / unpermute (Q1-Q6) have mutants of their own (DecoratedCpuBackend). */
    private static final Capabilities TE_OPS = teOps();

    private static Capabilities teOps() {
        Capabilities all = Capabilities.everything();
        java.util.Set<Op> ops = java.util.EnumSet.copyOf(all.ops());
        ops.remove(Op.MEGATRON_PERMUTE);
        ops.remove(Op.MEGATRON_UNPERMUTE);
        return new Capabilities(ops, all.dtypes(), all.profiles(), all.features());
    }

    @Override
    public BackendInfo info() {
        // the scrambling control promises only the multiset (R1): its groups come back in a fresh order on every call
        Capabilities caps = bug == Bug.FREE_ALIGN_GROUP_ORDER ? TE_OPS.declaring(Determinism.MULTISET, java.util.Set.of(Op.BLOCK_ALIGN))
                : bug == Bug.FREE_INFERENCE_GROUP_ORDER ? TE_OPS.declaring(Determinism.MULTISET, java.util.Set.of(Op.MCORE_INFERENCE_PERMUTE)) : TE_OPS;
        return new BackendInfo(bug == Bug.NONE ? "cpu-planted" : "cpu-planted+" + bug.id, "0.1.0", "CPU (test scope)",
                caps, Optional.empty(), Map.of("planted_bug", bug.id));
    }

    @Override
    public Outputs run(Invocation inv) {
        long call = calls++;
        switch (inv.op()) {
            case DISPATCH: {
                if (inv.profile().argsortOutputs()) return new Outputs(PlantedArgsort.run(inv, bug, call));              // J1-J4
                Map<String, org.permcheck.tensor.Tensor> out = PlantedDispatch.run(PlantedIndexForm.toMask(inv, bug), bug, call); // I1-I4
                return new Outputs(bug == Bug.INDEX_SLOT_MAJOR ? PlantedIndexForm.slotMajor(inv, out) : out);             // BUG (I2)
            }
            case COMBINE: return new Outputs(PlantedCombine.run(inv, bug));
            case DISPATCH_BACKWARD: return new Outputs(PlantedGradients.dispatchBackward(inv, bug));
            case COMBINE_BACKWARD: return new Outputs(PlantedGradients.combineBackward(inv, bug));
            case SORT_CHUNKS: return new Outputs(PlantedChunkSort.forward(inv, bug));
            case SORT_CHUNKS_BACKWARD: return new Outputs(PlantedChunkSort.backward(inv, bug));
            case RAGGED_A2A_PARAMS: return new Outputs(PlantedExpertParallel.params(inv, bug, false));
            case REVERSE_RAGGED_A2A_PARAMS: return new Outputs(PlantedExpertParallel.params(inv, bug, true));
            case LOCAL_PERMUTE_AFTER_A2A: return new Outputs(PlantedExpertParallel.localPermute(inv, bug));
            case LOCAL_UNPERMUTE_BEFORE_A2A: return new Outputs(PlantedExpertParallel.localUnpermute(inv, bug));
            case BLOCK_ALIGN: return new Outputs(PlantedBlockAlign.run(inv, bug, call)); // K1-K6
            case TE_INDEX_PERMUTE: return new Outputs(PlantedTeIndex.run(inv, bug)); // T1-T4
            case TE_INDEX_UNPERMUTE: return new Outputs(PlantedTeIndex.unpermute(inv, bug)); // T5
            case TORCHAO_PERMUTE_AND_PAD: return new Outputs(PlantedPadPermute.permute(inv, bug)); // W1-W5
            case TORCHAO_UNPERMUTE: return new Outputs(PlantedPadPermute.unpermute(inv, bug)); // W6
            case DEEPEP_DISPATCH_LAYOUT: return new Outputs(PlantedDeepEpLayout.run(inv, bug)); // L1-L3
            case TE_EP_DISPATCH: return new Outputs(PlantedTeEp.dispatch(inv, bug)); // Y1-Y3
            case TE_EP_COMBINE: return new Outputs(PlantedTeEp.combine(inv, bug)); // Y4
            case MCORE_INFERENCE_PERMUTE: return new Outputs(PlantedInferencePermute.run(inv, bug, call)); // V1-V5
            case MCORE_INFERENCE_UNPERMUTE: return new Outputs(PlantedInferencePermute.unpermute(inv, bug)); // V6
            case MEGATRON_PAD_ROUTING_MAP: return new Outputs(PlantedPadRoutingMap.run(inv, bug)); // Q7-Q9
            default: throw new IllegalStateException("unknown op " + inv.op());
        }
    }
}
