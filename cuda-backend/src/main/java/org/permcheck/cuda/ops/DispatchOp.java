package org.permcheck.cuda.ops;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Attrs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jcuda.driver.CUdeviceptr;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Profile;
import org.permcheck.contract.Rule;
import org.permcheck.cuda.device.CudaDevice;
import org.permcheck.cuda.device.DeviceArena;
import org.permcheck.cuda.device.GuardedOutput;
import org.permcheck.spi.GuardBreach;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** token_dispatch: row map, counts, permute with probs and fused zero-filled padding; block scales moved with their rows (F1-F4). */
public final class DispatchOp {
    private DispatchOp() {}

    public static Outputs run(CudaDevice dev, Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Tensor routing = inv.input(Ports.ROUTING_MAP);
        Optional<Tensor> probs = inv.optionalInput(Ports.PROBS);
        Optional<Tensor> scale = inv.optionalInput(Ports.SCALE_INV); // F1: [T, B], token-major (X22 checked by the backend)
        Profile profile = inv.profile();
        if (routing.rank() != 2) throw new PreconditionViolation(Rule.X1, "routing_map must be [T, E], got " + routing.shapeString());
        if (routing.dtype() != DType.I32 && routing.dtype() != DType.I64 && routing.dtype() != DType.BOOL) {
            throw new PreconditionViolation(Rule.X5, "routing_map must be int32, int64 or bool, got " + routing.dtype());
        }
        long tokens = routing.dim(0);
        int experts = Math.toIntExact(routing.dim(1));
        if (inp.rank() < 1 || inp.dim(0) != tokens) {
            throw new PreconditionViolation(Rule.X1, "inp " + inp.shapeString() + " does not have T=" + tokens + " rows");
        }
        probs.ifPresent(p -> {
            if (!p.sameShape(tokens, experts)) throw new PreconditionViolation(Rule.X1, "probs must be [T, E], got " + p.shapeString());
            Units.code(p.dtype());
        });
        long numOut = inv.attr(Attrs.NUM_OUT_TOKENS);
        if (numOut <= 0) throw new PreconditionViolation(Rule.X3, "num_out_tokens must be > 0, got " + numOut);
        Optional<Long> align = inv.optionalAttr(Attrs.ALIGN_SIZE);
        if (align.isPresent() && align.get() <= 0) throw new PreconditionViolation(Rule.X4, "align_size must be > 0, got " + align.get());
        if (align.isEmpty() && profile.paddingRequired()) {
            throw new PreconditionViolation(Rule.X4, "profile " + profile.id() + " requires align_size");
        }
        DType idx = profile.countsDtype();
        int probsSize = probs.map(p -> p.dtype().size()).orElse(0);
        String call = inv.describe();

        try (DeviceArena arena = new DeviceArena()) {
            CUdeviceptr dInp = arena.upload(inp);
            CUdeviceptr dMap = arena.upload(routing);
            CUdeviceptr dProbs = probs.map(arena::upload).orElse(null);
            RowMapKernels rm = new RowMapKernels(arena, tokens, experts);
            GuardedOutput tpe = arena.output(Ports.TOKENS_PER_EXPERT, idx, experts);
            GuardedOutput pad = align.isPresent() ? arena.output(Ports.PAD_OFFSETS, idx, experts) : null;
            rm.enqueue(dev, dMap, routing.dtype().size(), align.orElse(0L), tpe.ptr(), pad == null ? null : pad.ptr(), idx.size());

            // counts decide the torch buffer's length and whether pad_offsets is returned; read them
            Tensor meta = DeviceArena.download(rm.meta, DType.I64, 4L * experts + 2);
            long nUsed = meta.getLong(4L * experts), sumTarget = meta.getLong(4L * experts + 1);
            if (nUsed > numOut) {
                throw new PreconditionViolation(Rule.X3, "num_out_tokens=" + numOut + " is below the " + nUsed + " routed (token, expert) pairs");
            }
            long rows;
            if (align.isEmpty()) rows = numOut;
            else if (profile.bufferLength() == Profile.BufferLength.WORST_CASE) {
                long a = align.get();
                rows = ((numOut + (long) experts * (a - 1)) / a) * a;
            } else rows = sumTarget;
            boolean padOffsetsOut = pad != null;
            if (pad != null && !profile.padOffsetsWhenAligned()) {
                boolean aligned = true;
                for (int e = 0; e < experts; e++) aligned &= meta.getLong(e) == meta.getLong(experts + e);
                padOffsetsOut = !aligned;
            }

            GuardedOutput out = arena.output(Ports.OUTPUT, inp.dtype(), Units.withRows(inp.shape(), rows));
            GuardedOutput pprobs = probs.isPresent() ? arena.output(Ports.PERMUTED_PROBS, probs.get().dtype(), rows) : null;
            GuardedOutput rowIdMap = arena.output(Ports.ROW_ID_MAP, DType.I32, tokens, 2L * experts + 1);
            long rowBytes = inp.rowBytes();
            DispatchKernels.permute(dev, rm, dMap, routing.dtype().size(), dInp, rowBytes, out.ptr(), rows, dProbs, probsSize,
                    pprobs == null ? null : pprobs.ptr(), rowIdMap.ptr());
            if (align.isPresent()) {
                DispatchKernels.padFill(dev, rm, out.ptr(), rowBytes, rows, pprobs == null ? null : pprobs.ptr(), probsSize);
            }
            GuardedOutput pscale = null;
            if (scale.isPresent()) {
                // F2-F4: each token's scale row to its destinations through the row_id_map just written (and pad_offsets),
                // zero-probability rows included; F3: rows no token targets (pad, tail, past N_used) zeroed
                Tensor s = scale.get();
                pscale = arena.output(Ports.PERMUTED_SCALE_INV, s.dtype(), rows, s.dim(1));
                CUdeviceptr hit = arena.filled(rows, 0);
                DispatchKernels.scales(dev, arena.upload(s), s.rowBytes(), rowIdMap.ptr(), tokens, experts, rows,
                        pad == null ? null : pad.ptr(), pad == null ? 0 : idx.size(), pscale.ptr(), hit);
            }
            dev.synchronize();
            List<GuardBreach> breaches = arena.checkGuards(); // B2: reported with the outputs, not thrown

            Map<String, Tensor> res = new LinkedHashMap<>();
            res.put(Ports.OUTPUT, out.download());
            if (pprobs != null) res.put(Ports.PERMUTED_PROBS, pprobs.download());
            res.put(Ports.ROW_ID_MAP, rowIdMap.download());
            if (pscale != null) res.put(Ports.PERMUTED_SCALE_INV, pscale.download());
            if (padOffsetsOut) res.put(Ports.PAD_OFFSETS, pad.download());
            res.put(Ports.TOKENS_PER_EXPERT, tpe.download());
            return new Outputs(res, breaches);
        }
    }
}
