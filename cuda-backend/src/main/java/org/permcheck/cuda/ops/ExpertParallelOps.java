package org.permcheck.cuda.ops;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Attrs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * The expert-parallel helpers (A-rules): ragged all-to-all parameters (forward and reverse), and the
 * local chunk permutations around the all-to-all. Small integer tables are computed on the device
 * in i64 and returned in the dtype of all_shards_tokens_per_expert.
 */
public final class ExpertParallelOps {
    private ExpertParallelOps() {}

    /** Dtype of inverse_chunk_indices (an argsort result: int32, as JAX's default). */
    static final DType INVERSE_DTYPE = DType.I32;

    private record Shards(Tensor counts, int shards, int experts, int shard) {
        static Shards of(Invocation inv) {
            Tensor m = inv.input(Ports.ALL_SHARDS_TOKENS_PER_EXPERT);
            long s = inv.attr(Attrs.NUM_SHARDS), id = inv.attr(Attrs.SHARD_ID);
            if (m.rank() != 2 || !m.dtype().isInt()) throw new PreconditionViolation(Rule.X1, "all_shards_tokens_per_expert must be an integer [S, E], got " + m.dtype() + m.shapeString());
            if (s <= 0 || m.dim(0) != s) throw new PreconditionViolation(Rule.X8, "num_shards=" + s + " does not match " + m.shapeString());
            if (m.dim(1) % s != 0) throw new PreconditionViolation(Rule.X8, "E=" + m.dim(1) + " is not divisible by num_shards=" + s);
            if (id < 0 || id >= s) throw new PreconditionViolation(Rule.X8, "shard_id=" + id + " outside [0, " + s + ")");
            return new Shards(m, (int) s, Math.toIntExact(m.dim(1)), (int) id);
        }
    }

    public static Outputs raggedParams(CudaDevice dev, Invocation inv, boolean reverse) {
        Shards sh = Shards.of(inv);
        try (DeviceArena arena = new DeviceArena()) {
            CUdeviceptr m = arena.uploadAsI64(sh.counts());
            GuardedOutput out = arena.output("ragged_params", DType.I64, 4L * sh.shards());
            Kernel.RAGGED_PARAMS.launch(dev, 1, 32, 0)
                    .ptr(m).i32(sh.shards()).i32(sh.experts()).i32(sh.shard()).i32(reverse ? 1 : 0).ptr(out.ptr()).go();
            dev.synchronize();
            List<GuardBreach> breaches = arena.checkGuards(); // B2: reported with the outputs, not thrown
            Tensor all = out.download();
            Map<String, Tensor> res = new LinkedHashMap<>();
            String[] names = {Ports.INPUT_OFFSETS, Ports.SEND_SIZES, Ports.OUTPUT_OFFSETS, Ports.RECV_SIZES};
            for (int k = 0; k < 4; k++) res.put(names[k], slice(all, (long) k * sh.shards(), sh.shards(), sh.counts().dtype()));
            return new Outputs(res, breaches);
        }
    }

    public static Outputs localPermute(CudaDevice dev, Invocation inv) {
        Shards sh = Shards.of(inv);
        Tensor inp = inv.input(Ports.INP);
        int l = sh.experts() / sh.shards();
        int chunks = sh.shards() * l;
        try (DeviceArena arena = new DeviceArena()) {
            CUdeviceptr m = arena.uploadAsI64(sh.counts());
            CUdeviceptr dIn = arena.upload(inp);
            CUdeviceptr split = arena.alloc(8L * chunks), sorted = arena.alloc(8L * chunks);
            GuardedOutput group = arena.output(Ports.LOCAL_GROUP_SIZES, DType.I64, l);
            GuardedOutput sortedSplit = arena.output(Ports.SORTED_SPLIT_SIZES, DType.I64, chunks);
            GuardedOutput inverse = arena.output(Ports.INVERSE_CHUNK_INDICES, DType.I64, chunks);
            GuardedOutput out = arena.output(Ports.OUTPUT, inp.dtype(), inp.shape());
            CUdeviceptr map = arena.alloc(4L * Math.max(1, inp.dim(0)));
            Kernel.LOCAL_A2A_PARAMS.launch(dev, 1, 32, 0)
                    .ptr(m).i32(sh.shards()).i32(sh.experts()).i32(sh.shard()).ptr(split).ptr(sorted)
                    .ptr(group.ptr()).ptr(sortedSplit.ptr()).ptr(inverse.ptr()).go();
            ChunkSortOp.makeMap(dev, arena, split, sorted, chunks, inp.dim(0), map);
            ChunkSortOp.sortRows(dev, dIn, inp.dim(0), inp.rowBytes(), map, true, out.ptr(), null, 0, null);
            dev.synchronize();
            List<GuardBreach> breaches = arena.checkGuards(); // B2: reported with the outputs, not thrown
            Map<String, Tensor> res = new LinkedHashMap<>();
            res.put(Ports.OUTPUT, out.download());
            res.put(Ports.LOCAL_GROUP_SIZES, convert(group.download(), sh.counts().dtype()));
            res.put(Ports.SORTED_SPLIT_SIZES, convert(sortedSplit.download(), sh.counts().dtype()));
            res.put(Ports.INVERSE_CHUNK_INDICES, convert(inverse.download(), INVERSE_DTYPE));
            return new Outputs(res, breaches);
        }
    }

    public static Outputs localUnpermute(CudaDevice dev, Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Tensor split = inv.input(Ports.SORTED_SPLIT_SIZES);
        Tensor order = inv.input(Ports.INVERSE_CHUNK_INDICES);
        ChunkSortOp.checkSplits(split, order);
        try (DeviceArena arena = new DeviceArena()) {
            CUdeviceptr dIn = arena.upload(inp);
            CUdeviceptr dSplit = arena.uploadAsI64(split), dOrder = arena.uploadAsI64(order);
            GuardedOutput out = arena.output(Ports.OUTPUT, inp.dtype(), inp.shape());
            CUdeviceptr map = arena.alloc(4L * Math.max(1, inp.dim(0)));
            ChunkSortOp.makeMap(dev, arena, dSplit, dOrder, Math.toIntExact(split.numel()), inp.dim(0), map);
            ChunkSortOp.sortRows(dev, dIn, inp.dim(0), inp.rowBytes(), map, true, out.ptr(), null, 0, null);
            dev.synchronize();
            List<GuardBreach> breaches = arena.checkGuards(); // B2: reported with the outputs, not thrown
            Map<String, Tensor> res = new LinkedHashMap<>();
            res.put(Ports.OUTPUT, out.download());
            return new Outputs(res, breaches);
        }
    }

    private static Tensor slice(Tensor all, long from, int n, DType dtype) {
        Tensor t = Tensor.zeros(dtype, n);
        for (int i = 0; i < n; i++) t.setLong(i, all.getLong(from + i));
        return t;
    }

    private static Tensor convert(Tensor t, DType dtype) {
        return slice(t, 0, Math.toIntExact(t.numel()), dtype);
    }
}
