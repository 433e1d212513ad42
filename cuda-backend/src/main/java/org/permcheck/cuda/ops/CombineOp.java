package org.permcheck.cuda.ops;

import org.permcheck.contract.Ports;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;

import jcuda.driver.CUdeviceptr;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Rule;
import org.permcheck.cuda.device.CudaDevice;
import org.permcheck.cuda.device.DeviceArena;
import org.permcheck.cuda.device.GuardedOutput;
import org.permcheck.cuda.device.Kernel;
import org.permcheck.spi.GuardBreach;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * token_combine (C-rules) and token_dispatch_backward (G-rules): both are the same gather-sum over
 * a token's rows in descending expert order; the backward adds grad_probs and has no weights.
 */
public final class CombineOp {
    private CombineOp() {}

    public static Outputs combine(CudaDevice dev, Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        RowIdMapInput rm = RowIdMapInput.of(inv.input(Ports.ROW_ID_MAP), inv.optionalInput(Ports.PAD_OFFSETS));
        Optional<Tensor> mp = inv.optionalInput(Ports.MERGING_PROBS);
        mp.ifPresent(p -> checkTE(p, rm, Ports.MERGING_PROBS));
        Map<String, Tensor> res = new LinkedHashMap<>();
        List<GuardBreach> breaches = new ArrayList<>();
        gatherSum(dev, inp, rm, mp, inv.profile().fusedMultiplyAdd(), null, res, Ports.OUTPUT, breaches);
        return new Outputs(res, breaches);
    }

    public static Outputs dispatchBackward(CudaDevice dev, Invocation inv) {
        Tensor g = inv.input(Ports.GRAD_OUTPUT);
        RowIdMapInput rm = RowIdMapInput.of(inv.input(Ports.ROW_ID_MAP), inv.optionalInput(Ports.PAD_OFFSETS));
        Optional<Tensor> gpp = inv.optionalInput(Ports.GRAD_PERMUTED_PROBS);
        gpp.ifPresent(p -> {
            if (p.rank() != 1 || p.dim(0) != g.dim(0)) {
                throw new PreconditionViolation(Rule.X1, "grad_permuted_probs must be [" + g.dim(0) + "], got " + p.shapeString());
            }
            Units.code(p.dtype());
        });
        Map<String, Tensor> res = new LinkedHashMap<>();
        List<GuardBreach> breaches = new ArrayList<>();
        gatherSum(dev, g, rm, Optional.empty(), false, gpp.orElse(null), res, Ports.GRAD_INP, breaches);
        return new Outputs(res, breaches);
    }

    static void checkTE(Tensor p, RowIdMapInput rm, String name) {
        if (!p.sameShape(rm.tokens(), rm.experts())) {
            throw new PreconditionViolation(Rule.X1, name + " must be [T, E] = [" + rm.tokens() + ", " + rm.experts() + "], got " + p.shapeString());
        }
        Units.code(p.dtype());
    }

    /** The gather-sum into {@code res}; guard-band changes go to {@code breaches} (B2). */
    private static void gatherSum(CudaDevice dev, Tensor inp, RowIdMapInput rm, Optional<Tensor> mp, boolean fma,
                                  Tensor gpp, Map<String, Tensor> res, String outName, List<GuardBreach> breaches) {
        DType dt = inp.dtype();
        Units.code(dt);
        long rowBytes = inp.rowBytes();
        try (DeviceArena arena = new DeviceArena()) {
            CUdeviceptr dInp = arena.upload(inp);
            CUdeviceptr dMap = arena.upload(rm.map());
            CUdeviceptr dMp = mp.map(arena::upload).orElse(null);
            CUdeviceptr dPad = rm.padOffsets().map(arena::upload).orElse(null);
            CUdeviceptr dGpp = gpp == null ? null : arena.upload(gpp);
            GuardedOutput out = arena.output(outName, dt, Units.withRows(inp.shape(), rm.tokens()));
            GuardedOutput gprobs = gpp == null ? null : arena.output(Ports.GRAD_PROBS, gpp.dtype(), rm.tokens(), rm.experts());
            enqueue(dev, dInp, inp.dim(0), rowBytes, dt, dMap, rm.tokens(), rm.experts(), dMp,
                    mp.map(p -> Units.code(p.dtype())).orElse(-1), dPad, rm.padSize(), fma, out.ptr(),
                    dGpp, gpp == null ? 0 : gpp.dtype().size(), gprobs == null ? null : gprobs.ptr());
            dev.synchronize();
            breaches.addAll(arena.checkGuards());
            res.put(outName, out.download());
            if (gprobs != null) res.put(Ports.GRAD_PROBS, gprobs.download());
        }
    }

    /** The gather-sum launch on device pointers (also used by the benchmark). */
    public static void enqueue(CudaDevice dev, CUdeviceptr inp, long inRows, long rowBytes, DType dt, CUdeviceptr rowIdMap,
                               long tokens, int experts, CUdeviceptr mprobs, int mpCode, CUdeviceptr padOff, int padSize,
                               boolean fma, CUdeviceptr out, CUdeviceptr gpp, int gppSize, CUdeviceptr gprobs) {
        int unit = Units.reduction(dt, rowBytes);
        Kernel.GATHER_SUM.launch(dev, Units.name(dt) + "_" + unit, tokens, Units.gatherThreads(experts), experts * 12)
                .ptr(inp).i64(inRows).i64(rowBytes).ptr(rowIdMap).i32(experts).ptr(mprobs).i32(mpCode).ptr(padOff).i32(padSize)
                .i32(fma ? 1 : 0).ptr(out).ptr(gpp).i32(gppSize).ptr(gprobs).go();
    }
}
