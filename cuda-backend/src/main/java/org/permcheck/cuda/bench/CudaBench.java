package org.permcheck.cuda.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import org.permcheck.cuda.device.CapturedGraph;
import org.permcheck.cuda.device.CudaDevice;
import org.permcheck.cuda.device.DeviceArena;
import org.permcheck.cuda.ops.CombineBackwardOp;
import org.permcheck.cuda.ops.CombineOp;
import org.permcheck.cuda.device.Kernel;
import org.permcheck.cuda.ops.DispatchKernels;
import org.permcheck.cuda.ops.RowMapKernels;
import org.permcheck.spi.bench.BenchRequest;
import org.permcheck.spi.bench.BenchRow;
import org.permcheck.spi.bench.DispatchCase;
import org.permcheck.tensor.DType;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

/**
 * Kernel timings of the CUDA backend, each as a ratio to cuMemcpyDtoD of the dispatch output's bytes
 * on the same GPU in the same run: CUDA events between back-to-back repetitions, warmups first,
 * median of the repeats, inputs resident on the device (no host transfers are timed).
 *
 * <p>Subjects: dispatch (row map + counts + permute with probs, + padding fill when aligned),
 * combine with merging probs (te-jax numerics), the dispatch backward (gather-sum + grad_probs),
 * the combine backward with merging probs (scatter of g*p + grad_merging_probs + unhit-row fill).
 *
 * <pre>java -cp ... org.permcheck.cuda.bench.CudaBench [--warmups 5] [--repeats 20] [--out FILE] [--quick]</pre>
 */
public final class CudaBench {
    private CudaBench() {}

    /** The shapes of issue 6: Mixtral-, Qwen3- and DeepSeek-V3-like, bf16, with and without align 128. */
    public static List<BenchRequest> defaultRequests(int warmups, int repeats) {
        List<BenchRequest> out = new ArrayList<>();
        long[][] shapes = {{16384, 8, 2, 4096}, {16384, 128, 8, 4096}, {16384, 256, 8, 7168}};
        for (long[] s : shapes) {
            for (long align : new long[] {0, 128}) {
                out.add(new BenchRequest(s[0], s[1], s[2], s[3], DType.BF16, true, align, 42, warmups, repeats));
            }
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        int warmups = 5, repeats = 20;
        String outFile = null;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warmups": warmups = Integer.parseInt(args[++i]); break;
                case "--repeats": repeats = Integer.parseInt(args[++i]); break;
                case "--out": outFile = args[++i]; break;
                case "--quick": quick = true; break;
                default:
                    System.err.println("usage: CudaBench [--warmups N] [--repeats N] [--out FILE] [--quick]");
                    System.exit(2);
            }
        }
        // the device directly, not the backend: the backend offers this bench, so the bench never needs it
        CudaDevice.Opening opening = CudaDevice.open();
        if (!opening.ok()) {
            System.err.println("cuda backend not available: " + opening.reason());
            System.exit(3);
        }
        try (CudaDevice dev = opening.device()) {
            List<BenchRequest> reqs = defaultRequests(warmups, repeats);
            if (quick) reqs = List.of(new BenchRequest(4096, 64, 4, 1024, DType.BF16, true, 0, 42, 2, 5),
                    new BenchRequest(4096, 64, 4, 1024, DType.BF16, true, 128, 42, 2, 5));
            List<BenchRow> rows = new ArrayList<>();
            for (BenchRequest r : reqs) {
                List<BenchRow> got = measure(dev, r);
                rows.addAll(got);
                System.err.println(table(got));
            }
            String text = "# permcheck CUDA bench\n\ndevice: " + dev.name() + " " + dev.details()
                    + "\n\nEach time is the median of " + repeats + " CUDA-event-timed repeats after " + warmups
                    + " warmups; ratio = time / time of cuMemcpyDtoD of the dispatch output's bytes (same GPU, same run).\n\n"
                    + table(rows);
            System.out.println(text);
            if (outFile != null) Files.writeString(Path.of(outFile), text);
        }
    }

    public static String table(List<BenchRow> rows) {
        StringBuilder sb = new StringBuilder("| shape | subject | ms | copy ms | ratio | copy GB/s (read+write) |\n|---|---|---|---|---|---|\n");
        for (BenchRow r : rows) {
            double ms = r.nanos() / 1e6, cms = r.baselineNanos() / 1e6;
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.3f | %.0f |%n", r.shape(), r.subject(), ms, cms,
                    r.ratio(), 2.0 * r.bytes() / (r.baselineNanos() / 1e9) / 1e9));
        }
        return sb.toString();
    }

    /** Times every subject for one request on an open device. */
    public static List<BenchRow> measure(CudaDevice dev, BenchRequest req) {
        dev.makeCurrent();
        long tokens = req.tokens();
        int experts = Math.toIntExact(req.experts());
        int topk = Math.toIntExact(req.topk());
        DType dt = req.dtype();
        long rowBytes = req.hidden() * dt.size();
        long used = tokens * topk;
        long align = req.alignSize();
        long rows = align > 0 ? ((used + experts * (align - 1)) / align) * align : used;
        long outBytes = rows * rowBytes;
        boolean reducible = dt == DType.F32 || dt == DType.BF16 || dt == DType.F16;
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("device", "" + dev.name());
        try (DeviceArena a = new DeviceArena()) {
            // the same call the CPU benches time (spi.bench.DispatchCase), uploaded piece by piece
            DispatchCase dc = new DispatchCase(req);
            CUdeviceptr routing = a.alloc(tokens * experts * 4L);
            CUdeviceptr inp = a.alloc(tokens * rowBytes);
            CUdeviceptr probs = a.alloc(tokens * experts * 4L);
            CUdeviceptr mprobs = a.alloc(tokens * experts * 4L);
            uploadTokenRows(dc, routing, probs, mprobs);
            uploadPayload(dc, inp);

            RowMapKernels rm = new RowMapKernels(a, tokens, experts);
            CUdeviceptr out = a.alloc(outBytes), copy = a.alloc(outBytes);
            CUdeviceptr pprobs = a.alloc(rows * 4), rowIdMap = a.alloc(tokens * (2L * experts + 1) * 4);
            CUdeviceptr tpe = a.alloc(experts * 4L), pad = align > 0 ? a.alloc(experts * 4L) : null;
            CUdeviceptr combined = a.alloc(tokens * rowBytes), gradInp = a.alloc(tokens * rowBytes);
            CUdeviceptr gradProbs = a.alloc(tokens * experts * 4L), gradMp = a.alloc(tokens * experts * 4L), hit = a.alloc(rows);
            int probsSize = req.probs() ? 4 : 0;

            Runnable dispatch = () -> {
                rm.enqueue(dev, routing, 4, align, tpe, pad, 4);
                DispatchKernels.permute(dev, rm, routing, 4, inp, rowBytes, out, rows, req.probs() ? probs : null, probsSize,
                        pprobs, rowIdMap);
                if (align > 0) DispatchKernels.padFill(dev, rm, out, rowBytes, rows, pprobs, probsSize);
            };
            Runnable writeOnly = () -> cuMemsetD32Async(copy, 0x3F803F80, outBytes / 4, dev.stream());
            Runnable rowMapOnly = () -> rm.enqueue(dev, routing, 4, align, tpe, pad, 4);
            Runnable copyOut = () -> cuMemcpyDtoDAsync(copy, out, outBytes, dev.stream());
            Runnable combine = () -> CombineOp.enqueue(dev, out, rows, rowBytes, dt, rowIdMap, tokens, experts, mprobs, 0,
                    pad, align > 0 ? 4 : 0, false, combined, null, 0, null);
            Runnable dispatchBwd = () -> CombineOp.enqueue(dev, out, rows, rowBytes, dt, rowIdMap, tokens, experts, null, -1,
                    pad, align > 0 ? 4 : 0, false, gradInp, pprobs, 4, gradProbs);
            Runnable combineBwd = () -> CombineBackwardOp.enqueue(dev, combined, rowBytes, dt, rowIdMap, tokens, experts, out,
                    rows, mprobs, 0, pad, align > 0 ? 4 : 0, copy, hit, gradMp);

            dispatch.run(); // row map first: the other subjects read it
            dev.synchronize();
            long[] copyNs = time(dev, copyOut, req);
            List<BenchRow> result = new ArrayList<>();
            String shape = req.describe();
            result.add(row("cuda token_dispatch (row map + counts + permute" + (req.probs() ? " with probs" : "") + (align > 0 ? " + padding" : "") + ")",
                    shape, outBytes, time(dev, dispatch, req), copyNs, notes));
            result.add(row("  reference: cuMemsetD32 of the output bytes (write-only floor)", shape, outBytes, time(dev, writeOnly, req), copyNs, notes));
            result.add(row("  of which row map + counts (2 launches)", shape, outBytes, time(dev, rowMapOnly, req), copyNs, notes));
            // floors of the same bytes (contiguous rows, no index work): what each op is judged against (issue 16)
            boolean floors = align == 0 && rowBytes % 16 == 0;
            long nv = rowBytes / 16;
            if (floors) result.add(row("  floor: read T rows, write each to k rows (dispatch's bytes)", shape, outBytes,
                    time(dev, () -> Kernel.BENCH_FLOOR_SPREAD.launch(dev, tokens, 128, 0).ptr(inp).i64(nv).i32(topk).ptr(copy).go(), req), copyNs, notes));
            if (reducible) {
                if (floors) result.add(row("  floor: read k rows, write one (combine's and dispatch backward's bytes)", shape, outBytes,
                        time(dev, () -> Kernel.BENCH_FLOOR_GATHER.launch(dev, tokens, 128, 0).ptr(out).i64(nv).i32(topk).ptr(combined).go(), req), copyNs, notes));
                if (floors) result.add(row("  floor: read a row and k rows, write k rows (combine backward's bytes)", shape, outBytes,
                        time(dev, () -> Kernel.BENCH_FLOOR_GRAD.launch(dev, tokens, 128, 0).ptr(combined).ptr(out).i64(nv).i32(topk).ptr(copy).go(), req), copyNs, notes));
                result.add(row("cuda token_combine (merging probs" + (align > 0 ? ", unpad" : "") + ")", shape, outBytes, time(dev, combine, req), copyNs, notes));
                result.add(row("cuda token_dispatch_backward (grad_inp + grad_probs)", shape, outBytes, time(dev, dispatchBwd, req), copyNs, notes));
                result.add(row("cuda token_combine_backward (grad_inp + grad_merging_probs)", shape, outBytes, time(dev, combineBwd, req), copyNs, notes));
            }
            // the same work replayed from a CUDA graph: without JCuda's host launch latency, which is
            // most of a decode-size call (issue 16: TE's decode figures are given both ways too)
            graphed(result, dev, "cuda token_dispatch, replayed from a CUDA graph", shape, outBytes, dispatch, req, copyNs, notes);
            if (reducible) graphed(result, dev, "cuda token_combine, replayed from a CUDA graph", shape, outBytes, combine, req, copyNs, notes);
            long[] copyAgain = time(dev, copyOut, req); // the baseline again, after: its spread is the noise
            notes.put("copy_ms_before_after", String.format(Locale.ROOT, "%.4f/%.4f", median(copyNs) / 1e6, median(copyAgain) / 1e6));
            dev.synchronize();
            return result;
        }
    }

    private static void graphed(List<BenchRow> result, CudaDevice dev, String subject, String shape, long bytes, Runnable work,
                                BenchRequest req, long[] copyNs, Map<String, String> notes) {
        try (CapturedGraph g = CapturedGraph.capture(dev, work)) {
            result.add(row(subject, shape, bytes, time(dev, g::launch, req), copyNs, notes));
        } catch (RuntimeException e) { // a row that cannot be measured is said, not dropped in silence
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            notes.put("cuda_graph", "not capturable: " + msg);
        }
    }

    private static BenchRow row(String subject, String shape, long bytes, long[] ns, long[] copyNs, Map<String, String> notes) {
        return new BenchRow(subject, shape, bytes, median(ns), median(copyNs), "cuMemcpyDtoD", -1, notes);
    }

    /**
     * Times repeats back to back with an event between each: the host queues launch i+1 while the
     * GPU runs launch i, so the host's launch latency (JNI, argument marshalling) stays out of the
     * numbers and each sample is the GPU time of one repetition.
     */
    private static long[] time(CudaDevice dev, Runnable work, BenchRequest req) {
        for (int i = 0; i < req.warmups(); i++) work.run();
        dev.synchronize();
        int n = req.repeats();
        CUevent[] ev = new CUevent[n + 1];
        for (int i = 0; i <= n; i++) {
            ev[i] = new CUevent();
            cuEventCreate(ev[i], 0);
        }
        cuEventRecord(ev[0], dev.stream());
        for (int i = 0; i < n; i++) {
            work.run();
            cuEventRecord(ev[i + 1], dev.stream());
        }
        cuEventSynchronize(ev[n]);
        long[] ns = new long[n];
        float[] ms = {0};
        for (int i = 0; i < n; i++) {
            cuEventElapsedTime(ms, ev[i], ev[i + 1]);
            ns[i] = Math.round(ms[0] * 1e6);
        }
        for (CUevent e : ev) cuEventDestroy(e);
        return ns;
    }

    static long median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * routing_map, probs and merging probs ([T, E] each) from the case, a piece of
     * {@link DispatchCase#routingPieceTokens()} tokens at a time (at most 16 MiB per host buffer).
     * The merging probs are the case's probs: te-jax's combine merges with the router's probs.
     */
    static void uploadTokenRows(DispatchCase dc, CUdeviceptr routing, CUdeviceptr probs, CUdeviceptr mprobs) {
        long tokens = dc.request().tokens();
        int experts = Math.toIntExact(dc.request().experts());
        int piece = dc.routingPieceTokens();
        int[] r = new int[(int) Math.min(piece, tokens) * experts];
        float[] p = new float[r.length];
        for (long t0 = 0; t0 < tokens; t0 += piece) {
            int n = (int) Math.min(piece, tokens - t0);
            dc.tokenRows(t0, n, r, p);
            long offset = t0 * experts * 4L, bytes = (long) n * experts * 4L; // the last piece may be short
            cuMemcpyHtoD(routing.withByteOffset(offset), Pointer.to(r), bytes);
            cuMemcpyHtoD(probs.withByteOffset(offset), Pointer.to(p), bytes);
            cuMemcpyHtoD(mprobs.withByteOffset(offset), Pointer.to(p), bytes);
        }
    }

    /** The payload [T, H] from the case, {@link DispatchCase#PAYLOAD_PIECE_BYTES} (64 MiB) at a time. */
    static void uploadPayload(DispatchCase dc, CUdeviceptr inp) {
        long total = dc.payloadBytes();
        byte[] buf = new byte[(int) Math.min(DispatchCase.PAYLOAD_PIECE_BYTES, total)];
        for (long off = 0; off < total; off += buf.length) {
            int n = (int) Math.min(buf.length, total - off);
            dc.payload(off, n, buf);
            cuMemcpyHtoD(inp.withByteOffset(off), Pointer.to(buf), n);
        }
    }
}
