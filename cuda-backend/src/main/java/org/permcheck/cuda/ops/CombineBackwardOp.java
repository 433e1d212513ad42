package org.permcheck.cuda.ops;

import org.permcheck.contract.Ports;
import java.util.LinkedHashMap;
import java.util.List;
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

import static jcuda.driver.JCudaDriver.cuMemsetD8Async;

/**
 * token_combine_backward (G-rules): grad_inp[row(t,e)] = g[t] (copy) or round(g[t] * p[t,e]),
 * grad_merging_probs[t,e] = sum_h fwd_input[row,h] * g[t,h]; rows no token targets are zero.
 */
public final class CombineBackwardOp {
    private CombineBackwardOp() {}

    public static Outputs run(CudaDevice dev, Invocation inv) {
        Tensor g = inv.input(Ports.GRAD_OUTPUT);
        Tensor fwd = inv.input(Ports.FWD_INPUT);
        RowIdMapInput rm = RowIdMapInput.of(inv.input(Ports.ROW_ID_MAP), inv.optionalInput(Ports.PAD_OFFSETS));
        Optional<Tensor> mp = inv.optionalInput(Ports.MERGING_PROBS);
        mp.ifPresent(p -> CombineOp.checkTE(p, rm, Ports.MERGING_PROBS));
        if (g.dim(0) != rm.tokens()) throw new PreconditionViolation(Rule.X1, "grad_output must have T=" + rm.tokens() + " rows, got " + g.shapeString());
        if (g.dtype() != fwd.dtype() || g.rowBytes() != fwd.rowBytes()) {
            throw new PreconditionViolation(Rule.X1, "grad_output " + g.dtype() + g.shapeString() + " and fwd_input " + fwd.dtype() + fwd.shapeString() + " differ in row type");
        }
        if (mp.isPresent()) Units.code(g.dtype());
        long rows = fwd.dim(0);
        long rowBytes = g.rowBytes();
        try (DeviceArena arena = new DeviceArena()) {
            CUdeviceptr dG = arena.upload(g);
            CUdeviceptr dMap = arena.upload(rm.map());
            CUdeviceptr dPad = rm.padOffsets().map(arena::upload).orElse(null);
            CUdeviceptr dFwd = mp.isPresent() ? arena.upload(fwd) : null;
            CUdeviceptr dMp = mp.map(arena::upload).orElse(null);
            CUdeviceptr hit = arena.alloc(rows);
            GuardedOutput gi = arena.output(Ports.GRAD_INP, g.dtype(), Units.withRows(fwd.shape(), rows));
            GuardedOutput gmp = mp.isPresent() ? arena.output(Ports.GRAD_MERGING_PROBS, mp.get().dtype(), rm.tokens(), rm.experts()) : null;
            enqueue(dev, dG, rowBytes, g.dtype(), dMap, rm.tokens(), rm.experts(), dFwd, rows,
                    dMp, mp.map(p -> Units.code(p.dtype())).orElse(-1), dPad, rm.padSize(), gi.ptr(), hit,
                    gmp == null ? null : gmp.ptr());
            dev.synchronize();
            List<GuardBreach> breaches = arena.checkGuards(); // B2: reported with the outputs, not thrown
            Map<String, Tensor> res = new LinkedHashMap<>();
            res.put(Ports.GRAD_INP, gi.download());
            if (gmp != null) res.put(Ports.GRAD_MERGING_PROBS, gmp.download());
            return new Outputs(res, breaches);
        }
    }

    /** Launches on device pointers; {@code hit} is scratch of {@code rows} bytes. */
    public static void enqueue(CudaDevice dev, CUdeviceptr g, long rowBytes, DType dt, CUdeviceptr rowIdMap, long tokens,
                               int experts, CUdeviceptr fwd, long rows, CUdeviceptr mprobs, int mpCode, CUdeviceptr padOff,
                               int padSize, CUdeviceptr gradIn, CUdeviceptr hit, CUdeviceptr gradMp) {
        cuMemsetD8Async(hit, (byte) 0, Math.max(1, rows), dev.stream());
        if (mprobs == null) {
            int unit = Units.data(rowBytes);
            Kernel.SCATTER_ROWS.launch(dev, unit, tokens, Units.THREADS, experts * 8)
                    .ptr(g).i64(rowBytes).ptr(rowIdMap).i32(experts).i64(rows).ptr(padOff).i32(padSize).ptr(gradIn).ptr(hit).go();
        } else {
            int unit = Units.reduction(dt, rowBytes);
            Kernel.COMBINE_BWD.launch(dev, Units.name(dt) + "_" + unit, tokens, Units.THREADS, experts * 16)
                    .ptr(g).i64(rowBytes).ptr(rowIdMap).i32(experts).ptr(fwd).i64(rows).ptr(mprobs).i32(mpCode).ptr(padOff)
                    .i32(padSize).ptr(gradIn).ptr(hit).ptr(gradMp).go();
        }
        int unit = Units.data(rowBytes);
        Kernel.FILL_UNHIT.launch(dev, unit, DispatchKernels.fillGrid(dev, rows), 256, 0).ptr(gradIn).i64(rows).i64(rowBytes).ptr(hit).go();
    }
}
