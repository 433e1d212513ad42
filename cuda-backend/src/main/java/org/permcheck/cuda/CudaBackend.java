package org.permcheck.cuda;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jcuda.CudaException;
import org.permcheck.contract.CallPreconditions;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.cuda.bench.CudaBench;
import org.permcheck.cuda.device.CudaDevice;
import org.permcheck.cuda.ops.ChunkSortOp;
import org.permcheck.cuda.ops.CombineBackwardOp;
import org.permcheck.cuda.ops.CombineOp;
import org.permcheck.cuda.ops.DispatchOp;
import org.permcheck.cuda.ops.ExpertParallelOps;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendCrashedException;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.bench.BenchRequest;
import org.permcheck.spi.bench.BenchRow;
import org.permcheck.spi.bench.Benchmarkable;
import org.permcheck.spi.Capabilities;
import org.permcheck.spi.NotSupportedException;
import org.permcheck.spi.Outputs;

/**
 * The CUDA backend: every op of the contract as PTX kernels, run through the JCuda driver API.
 * Where no GPU (or no driver, or no PTX in the jar) is available, it still constructs, says why
 * in {@link BackendInfo#unavailable()}, and answers every call with NOT_SUPPORTED: never a PASS
 * without a GPU.
 */
public final class CudaBackend implements Backend, Benchmarkable {
    public static final String VERSION = "0.1.0";

    /** Driver errors after which the context cannot be used again (CUDA's "sticky" errors). */
    private static final java.util.regex.Pattern STICKY = java.util.regex.Pattern.compile(
            "ILLEGAL_ADDRESS|ILLEGAL_INSTRUCTION|MISALIGNED_ADDRESS|INVALID_ADDRESS_SPACE|INVALID_PC|LAUNCH_FAILED|HARDWARE_STACK_ERROR|ECC_UNCORRECTABLE|ASSERT|LAUNCH_TIMEOUT|CONTEXT_IS_DESTROYED|UNKNOWN");

    private final CudaDevice device;
    private final BackendInfo info;

    public CudaBackend() {
        CudaDevice.Opening o = CudaDevice.open();
        this.device = o.device();
        // the kernels read a routing_map; the index form (docs/spec.md I1-I4) is not claimed until one reads topk_ids
        Capabilities all = Capabilities.everything();
        java.util.Set<Capabilities.Feature> features = java.util.EnumSet.copyOf(all.features());
        features.remove(Capabilities.Feature.INDEX_FORM);
        // the ops permcheck.cu has kernels for: TE's mask-map family and the expert-parallel helpers. Every other op
        // (Megatron's Q ops, moe_align_block_size K, TE's index map T, torchao's W, DeepEP's layout L, TE EP Y,
        // Megatron's inference permute V) has none: not claimed, so NOT_SUPPORTED, as a new op is until it gets one
        java.util.Set<Op> ops = java.util.EnumSet.of(Op.DISPATCH,
                Op.COMBINE, Op.DISPATCH_BACKWARD, Op.COMBINE_BACKWARD,
                Op.SORT_CHUNKS, Op.SORT_CHUNKS_BACKWARD,
                Op.RAGGED_A2A_PARAMS, Op.REVERSE_RAGGED_A2A_PARAMS,
                Op.LOCAL_PERMUTE_AFTER_A2A, Op.LOCAL_UNPERMUTE_BEFORE_A2A);
        // nor the maxtext profile (docs/spec.md J1-J4), which takes the index form only: NOT_SUPPORTED, never judged
        java.util.Set<String> profiles = new java.util.HashSet<>(all.profiles());
        profiles.remove(org.permcheck.contract.Profile.MAXTEXT.id());
        // R1 at its strictest: no kernel depends on atomics or scheduling order (permcheck.cu's header), so two
        // runs of a call give the same bits, sums included (docs/cuda.md, "Determinism")
        Capabilities caps = new Capabilities(ops, all.dtypes(), profiles, features)
                .declaring(org.permcheck.contract.Determinism.BIT_EXACT, ops);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("java", System.getProperty("java.version"));
        if (device != null) {
            details.putAll(device.details());
            info = new BackendInfo("cuda", VERSION, device.name(), caps, Optional.empty(), details);
        } else {
            info = new BackendInfo("cuda", VERSION, "none", caps, Optional.of(o.reason()), details);
        }
    }

    @Override
    public BackendInfo info() { return info; }

    /** The open device (for the benchmark), when there is one. */
    public Optional<CudaDevice> device() { return Optional.ofNullable(device); }

    @Override
    public synchronized Outputs run(Invocation inv) throws Exception {
        // B1: an input outside the contract is refused on the host, before a kernel that trusts it can
        // write past an output (TE #3346); the kernels' own X checks stay as a second line
        CallPreconditions.check(inv);
        if (device == null) throw new NotSupportedException(info.unavailable().orElseThrow());
        String why = info.capabilities().whyNot(inv);
        if (why != null) throw new NotSupportedException(why);
        try {
            device.makeCurrent();
            switch (inv.op()) {
                case DISPATCH: return DispatchOp.run(device, inv);
                case COMBINE: return CombineOp.combine(device, inv);
                case DISPATCH_BACKWARD: return CombineOp.dispatchBackward(device, inv);
                case COMBINE_BACKWARD: return CombineBackwardOp.run(device, inv);
                case SORT_CHUNKS: return ChunkSortOp.forward(device, inv);
                case SORT_CHUNKS_BACKWARD: return ChunkSortOp.backward(device, inv);
                case RAGGED_A2A_PARAMS: return ExpertParallelOps.raggedParams(device, inv, false);
                case REVERSE_RAGGED_A2A_PARAMS: return ExpertParallelOps.raggedParams(device, inv, true);
                case LOCAL_PERMUTE_AFTER_A2A: return ExpertParallelOps.localPermute(device, inv);
                case LOCAL_UNPERMUTE_BEFORE_A2A: return ExpertParallelOps.localUnpermute(device, inv);
                default: throw new NotSupportedException("op " + inv.op().wireName() + " not implemented");
            }
        } catch (CudaException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage();
            if (STICKY.matcher(msg).find()) {
                // a kernel fault leaves the context unusable: report a crash; the engine closes this
                // backend (releasing the primary context resets it) and creates a fresh one
                throw new BackendCrashedException("CUDA error during " + inv.describe() + ": " + msg, e);
            }
            throw new IllegalStateException("CUDA error during " + inv.describe() + ": " + msg, e);
        }
    }

    /** Kernel timings with device-resident inputs (CUDA events), each with its cuMemcpyDtoD baseline. */
    @Override
    public synchronized List<BenchRow> bench(BenchRequest request) throws Exception {
        if (device == null) throw new NotSupportedException(info.unavailable().orElseThrow());
        return CudaBench.measure(device, request);
    }

    @Override
    public void close() {
        if (device != null) device.close();
    }
}
