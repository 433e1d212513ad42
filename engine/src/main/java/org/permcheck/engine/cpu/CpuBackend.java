package org.permcheck.engine.cpu;

import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.CallPreconditions;
import org.permcheck.contract.Determinism;
import org.permcheck.contract.Invocation;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Capabilities;
import org.permcheck.spi.Outputs;

/**
 * The embedded default backend: a second, independent implementation of the whole contract (every
 * op, both profiles, every dtype), shaped like the GPU kernels - per-block counts, a prefix scan,
 * parallel scatter of whole rows over token blocks - so the suite has a real implementation to
 * check and a fast one for large shapes. It never calls the oracle; it refuses inputs outside the
 * contract with the model's X checks ({@link CallPreconditions}, docs/spec.md B1).
 */
public final class CpuBackend implements Backend {
    /**
     * Bit-exact for every op (R1): every reduction is a plain loop per output element in one fixed order (a token
     * block's task owns its tokens whole), and moe_align_block_size's scatter walks its threads in a fixed order,
     * not a racing one, so the same call gives the same bits every time, sums and group orders included.
     */
    private static final Capabilities CAPABILITIES = Capabilities.everything()
            .declaring(Determinism.BIT_EXACT, Capabilities.everything().ops());

    private final BackendInfo info = new BackendInfo("cpu", "0.1.0", "CPU, " + Runtime.getRuntime().availableProcessors() + " threads",
            CAPABILITIES, Optional.empty(), Map.of("jdk", System.getProperty("java.version")));

    @Override
    public BackendInfo info() { return info; }

    /** Nothing to release: the CPU backend holds no native resources or threads of its own. */
    @Override
    public void close() {}

    /**
     * Refuses an input outside the contract before computing (B1: the model's X checks, the same the
     * oracle applies), so a precondition probe never reaches a kernel that trusts its inputs.
     */
    @Override
    public Outputs run(Invocation inv) {
        CallPreconditions.check(inv);
        switch (inv.op()) {
            case DISPATCH: return CpuArgsort.dispatch(inv); // I1-I4: the index form read as its routing map; J1-J4 for maxtext
            case COMBINE: return CpuReductions.combine(inv);
            case DISPATCH_BACKWARD: return CpuReductions.dispatchBackward(inv);
            case COMBINE_BACKWARD: return CpuReductions.combineBackward(inv);
            case SORT_CHUNKS: return CpuChunkSort.forward(inv);
            case SORT_CHUNKS_BACKWARD: return CpuChunkSort.backward(inv);
            case RAGGED_A2A_PARAMS: return CpuExpertParallel.params(inv, false);
            case REVERSE_RAGGED_A2A_PARAMS: return CpuExpertParallel.params(inv, true);
            case LOCAL_PERMUTE_AFTER_A2A: return CpuExpertParallel.permuteAfter(inv);
            case LOCAL_UNPERMUTE_BEFORE_A2A: return CpuExpertParallel.unpermuteBefore(inv);
            case MEGATRON_PERMUTE: return CpuMegatron.permute(inv);
            case MEGATRON_UNPERMUTE: return CpuMegatron.unpermute(inv);
            case BLOCK_ALIGN: return CpuBlockAlign.run(inv); // K1-K6: groups in the kernel's thread order, judged as multisets
            case TE_INDEX_PERMUTE: return CpuTeIndex.permute(inv); // T1-T4: a radix sort of uint32 keys, like TE
            case TE_INDEX_UNPERMUTE: return CpuTeIndex.unpermute(inv); // T5: accumulated in the payload dtype, like TE
            case TORCHAO_PERMUTE_AND_PAD: return CpuPadPermute.permute(inv); // W1-W5: torchao's cumsums and per-expert fill
            case TORCHAO_UNPERMUTE: return CpuPadPermute.unpermute(inv); // W6: the scatter into T+1 rows, the last dropped
            case DEEPEP_DISPATCH_LAYOUT: return CpuDeepEpLayout.run(inv); // L1-L3: per-token rank counters, like the DeepEP kernel
            case TE_EP_DISPATCH: return CpuTeEp.dispatch(inv); // Y1-Y3: slabs in arrival order (judged as multisets)
            case TE_EP_COMBINE: return CpuTeEp.combine(inv); // Y4
            case MCORE_INFERENCE_UNPERMUTE: return CpuInferencePermute.unpermute(inv); // V6: fp32 adds, rows in descending order (atomics: any)
            case MCORE_INFERENCE_PERMUTE: return CpuInferencePermute.run(inv); // V1-V5: positions claimed in the grid's order, judged as multisets
            case MEGATRON_PAD_ROUTING_MAP: return CpuPadRoutingMap.run(inv); // Q7-Q9: Megatron's cumulative zero count per column
            default: throw new IllegalArgumentException("unknown op " + inv.op());
        }
    }
}
