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

/** sort_chunks_by_index and its backward (S-rules): a chunk-sort map, then a row copy through it. */
public final class ChunkSortOp {
    private ChunkSortOp() {}

    public static Outputs forward(CudaDevice dev, Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Tensor split = inv.input(Ports.SPLIT_SIZES);
        Tensor sorted = inv.input(Ports.SORTED_INDICES);
        Optional<Tensor> probs = inv.optionalInput(Ports.PROBS);
        checkSplits(split, sorted);
        probs.ifPresent(p -> checkPerRow(p, inp.dim(0), Ports.PROBS));
        try (DeviceArena arena = new DeviceArena()) {
            CUdeviceptr dIn = arena.upload(inp);
            CUdeviceptr dSplit = arena.uploadAsI64(split);
            CUdeviceptr dSorted = arena.uploadAsI64(sorted);
            CUdeviceptr dProbs = probs.map(arena::upload).orElse(null);
            long n = inp.dim(0);
            GuardedOutput out = arena.output(Ports.OUTPUT, inp.dtype(), inp.shape());
            GuardedOutput map = arena.output(Ports.ROW_ID_MAP, DType.I32, n);
            GuardedOutput pp = probs.isPresent() ? arena.output(Ports.PERMUTED_PROBS, probs.get().dtype(), n) : null;
            makeMap(dev, arena, dSplit, dSorted, Math.toIntExact(split.numel()), n, map.ptr());
            sortRows(dev, dIn, n, inp.rowBytes(), map.ptr(), true, out.ptr(), dProbs, probs.map(p -> p.dtype().size()).orElse(0),
                    pp == null ? null : pp.ptr());
            dev.synchronize();
            List<GuardBreach> breaches = arena.checkGuards(); // B2: reported with the outputs, not thrown
            Map<String, Tensor> res = new LinkedHashMap<>();
            res.put(Ports.OUTPUT, out.download());
            res.put(Ports.ROW_ID_MAP, map.download());
            if (pp != null) res.put(Ports.PERMUTED_PROBS, pp.download());
            return new Outputs(res, breaches);
        }
    }

    public static Outputs backward(CudaDevice dev, Invocation inv) {
        Tensor g = inv.input(Ports.GRAD_OUTPUT);
        Tensor map = inv.input(Ports.ROW_ID_MAP);
        Optional<Tensor> gpp = inv.optionalInput(Ports.GRAD_PERMUTED_PROBS);
        if (map.dtype() != DType.I32 || map.rank() != 1 || map.dim(0) != g.dim(0)) {
            throw new PreconditionViolation(Rule.X1, "row_id_map must be int32[" + g.dim(0) + "], got " + map.dtype() + map.shapeString());
        }
        gpp.ifPresent(p -> checkPerRow(p, g.dim(0), Ports.GRAD_PERMUTED_PROBS));
        long n = g.dim(0);
        try (DeviceArena arena = new DeviceArena()) {
            CUdeviceptr dG = arena.upload(g);
            CUdeviceptr dMap = arena.upload(map);
            CUdeviceptr dGpp = gpp.map(arena::upload).orElse(null);
            GuardedOutput gi = arena.output(Ports.GRAD_INP, g.dtype(), g.shape());
            GuardedOutput gp = gpp.isPresent() ? arena.output(Ports.GRAD_PROBS, gpp.get().dtype(), n) : null;
            sortRows(dev, dG, n, g.rowBytes(), dMap, false, gi.ptr(), dGpp, gpp.map(p -> p.dtype().size()).orElse(0),
                    gp == null ? null : gp.ptr());
            dev.synchronize();
            List<GuardBreach> breaches = arena.checkGuards(); // B2: reported with the outputs, not thrown
            Map<String, Tensor> res = new LinkedHashMap<>();
            res.put(Ports.GRAD_INP, gi.download());
            if (gp != null) res.put(Ports.GRAD_PROBS, gp.download());
            return new Outputs(res, breaches);
        }
    }

    static void checkSplits(Tensor split, Tensor sorted) {
        if (split.rank() != 1 || sorted.rank() != 1 || split.dim(0) != sorted.dim(0)) {
            throw new PreconditionViolation(Rule.X1, "split_sizes " + split.shapeString() + " and sorted_indices " + sorted.shapeString() + " must be [S]");
        }
        if (!split.dtype().isInt() || !sorted.dtype().isInt()) throw new PreconditionViolation(Rule.X5, "split_sizes and sorted_indices must be integers");
    }

    private static void checkPerRow(Tensor p, long n, String name) {
        if (p.rank() != 1 || p.dim(0) != n) throw new PreconditionViolation(Rule.X1, name + " must be [" + n + "], got " + p.shapeString());
        if (p.dtype().size() != 2 && p.dtype().size() != 4) throw new PreconditionViolation(Rule.X5, name + " must be f32, bf16 or f16, got " + p.dtype());
    }

    /** map[i] = destination of row i (split sizes and sorted indices as i64 on the device). */
    static void makeMap(CudaDevice dev, DeviceArena arena, CUdeviceptr split, CUdeviceptr sorted, int chunks, long rows, CUdeviceptr map) {
        CUdeviceptr inStart = arena.alloc(8L * chunks), incl = arena.alloc(8L * chunks), outStart = arena.alloc(8L * chunks);
        Kernel.CHUNK_PREP.launch(dev, 1, 32, 0).ptr(split).ptr(sorted).i32(chunks).ptr(inStart).ptr(incl).ptr(outStart).go();
        Kernel.CHUNK_MAP.launch(dev, (rows + 255) / 256, 256, 0).ptr(incl).ptr(inStart).ptr(outStart).i32(chunks).i64(rows).ptr(map).go();
    }

    static void sortRows(CudaDevice dev, CUdeviceptr in, long rows, long rowBytes, CUdeviceptr map, boolean forward,
                         CUdeviceptr out, CUdeviceptr probs, int probsSize, CUdeviceptr pprobs) {
        Kernel.SORT_ROWS.launch(dev, Units.data(rowBytes), rows, Units.THREADS, 0)
                .ptr(in).i64(rows).i64(rowBytes).ptr(map).i32(forward ? 1 : 0).ptr(out).ptr(probs).i32(probsSize).ptr(pprobs).go();
    }
}
