package org.permcheck.engine.cpu;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.TeEpPreconditions;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * TE's ep_dispatch / ep_combine in the world view (docs/spec.md Y1-Y4), shaped like a receiver filling its slabs in
 * arrival order: counts first (Y3), slab starts from the aligned counts (Y1), then the source ranks arrive last rank
 * first, each slot taking its expert's next free row (another order than the oracle's, which Y1 allows); pad rows
 * stay zero (Y2). The combine finds each slot's row in Y1's canonical layout (ascending source token inside a slab)
 * and sums them in f32, k ascending, rounded once (Y4).
 */
final class CpuTeEp {
    private CpuTeEp() {}

    static Outputs dispatch(Invocation inv) {
        TeEpPreconditions.dispatch(inv); // X35-X37 (already checked by CpuBackend)
        Tensor tokens = inv.input(Ports.TOKENS), ids = inv.input(Ports.TOPK_IDX), w = inv.input(Ports.TOPK_WEIGHTS);
        int s = (int) inv.attr(Attrs.NUM_RANKS), e = (int) inv.attr(Attrs.NUM_EXPERTS);
        long c = inv.attr(Attrs.RECV_CAPACITY), a = inv.optionalAttr(Attrs.ALIGNMENT).orElse(0L);
        int n = (int) ids.dim(0), k = (int) ids.dim(1), t = n / s;
        long[] start = starts(ids, s, e, c, a);
        long[] next = start.clone();
        Tensor recv = Tensor.zeros(tokens.dtype(), s * c, tokens.dim(1));
        Tensor recvW = Tensor.zeros(DType.F32, s * c);
        for (int src = s - 1; src >= 0; src--) { // arrival order: the last rank first
            for (int g = src * t; g < (src + 1) * t; g++) {
                for (int j = 0; j < k; j++) {
                    int x = (int) ids.getLong(g, j);
                    long r = next[x]++;
                    recv.copyRowFrom(tokens, g, r);
                    recvW.setBits(r, 0, w.bits(g, j));
                }
            }
        }
        Map<String, Tensor> o = new LinkedHashMap<>();
        o.put(Ports.RECV_TOKENS, recv);
        o.put(Ports.RECV_TOPK_WEIGHTS, recvW);
        o.put(Ports.RECV_TOKENS_PER_EXPERT, Tensor.ofInts(DType.I64, Tensor.shape(e), counts(ids, e)));
        return new Outputs(o);
    }

    static Outputs combine(Invocation inv) {
        TeEpPreconditions.combine(inv); // X35-X37
        Tensor out = inv.input(Ports.EXPERT_OUT), ids = inv.input(Ports.TOPK_IDX);
        int s = (int) inv.attr(Attrs.NUM_RANKS), e = (int) inv.attr(Attrs.NUM_EXPERTS);
        long c = inv.attr(Attrs.RECV_CAPACITY), a = inv.optionalAttr(Attrs.ALIGNMENT).orElse(0L);
        int n = (int) ids.dim(0), k = (int) ids.dim(1), h = (int) out.dim(1);
        long[] next = starts(ids, s, e, c, a);
        long[][] row = new long[n][k];
        for (int g = 0; g < n; g++) for (int j = 0; j < k; j++) row[g][j] = next[(int) ids.getLong(g, j)]++; // canonical: ascending g
        Tensor result = Tensor.zeros(out.dtype(), n, h);
        float[] x = new float[h];
        for (int g = 0; g < n; g++) {
            float[] acc = new float[h];
            for (int j = 0; j < k; j++) {
                out.readRowF32(row[g][j], x);
                for (int i = 0; i < h; i++) acc[i] += x[i];
            }
            for (int i = 0; i < h; i++) acc[i] = FloatFormats.toF32(out.dtype(), FloatFormats.fromF32(out.dtype(), acc[i]));
            result.writeRowF32(g, acc);
        }
        return new Outputs(Map.of(Ports.RESULT, result));
    }

    static long[] counts(Tensor ids, int e) {
        long[] cnt = new long[e];
        for (long g = 0; g < ids.dim(0); g++) for (long j = 0; j < ids.dim(1); j++) cnt[(int) ids.getLong(g, j)]++;
        return cnt;
    }

    /** Y1: the global row where each expert's slab starts, {@code s*C + sum of the aligned counts before it on its rank}. */
    static long[] starts(Tensor ids, int s, int e, long c, long a) {
        long[] cnt = counts(ids, e), start = new long[e];
        int local = e / s;
        for (int r = 0; r < s; r++) {
            long at = r * c;
            for (int l = 0; l < local; l++) {
                start[r * local + l] = at;
                at += TeEpPreconditions.alignUp(cnt[r * local + l], a);
            }
        }
        return start;
    }
}
