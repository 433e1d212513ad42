package org.permcheck.zoo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * TE's world-view ep_dispatch / ep_combine (docs/spec.md Y1-Y4) written from the spec (slabs per local expert at the
 * aligned offsets, ascending source token inside a slab, zero pad rows; the combine an unweighted sum of each token's
 * K rows), with the EP bugs of {@link Bug} planted: pad rows holding a copy of the slab's last entry (Y2), a rank
 * exactly at its capacity losing its last entry to an overflow test of {@code >=} (Y1), and a combine that weights
 * each slot by 1/K (Y4).
 */
final class PlantedTeEp {
    private PlantedTeEp() {}

    static Map<String, Tensor> dispatch(Invocation inv, Bug bug) {
        Tensor tokens = inv.input(Ports.TOKENS), ids = inv.input(Ports.TOPK_IDX), w = inv.input(Ports.TOPK_WEIGHTS);
        int s = (int) inv.attr(Attrs.NUM_RANKS), e = (int) inv.attr(Attrs.NUM_EXPERTS);
        long c = inv.attr(Attrs.RECV_CAPACITY), a = inv.optionalAttr(Attrs.ALIGNMENT).orElse(0L);
        long[][] rows = rows(ids, s, e, c, a);
        long[] start = rows[0], count = rows[1], slab = rows[2];
        Tensor recv = Tensor.zeros(tokens.dtype(), s * c, tokens.dim(1));
        Tensor recvW = Tensor.zeros(DType.F32, s * c);
        long[] next = start.clone();
        long[] total = new long[s];
        for (int x = 0; x < e; x++) total[x / (e / s)] += slab[x];
        for (int g = 0; g < ids.dim(0); g++) {
            for (int k = 0; k < ids.dim(1); k++) {
                int x = (int) ids.getLong(g, k);
                long r = next[x]++;
                int rank = x / (e / s);
                boolean lastOfFullRank = total[rank] == c && r == rank * c + c - 1;
                if (bug == Bug.TE_EP_CAPACITY_OFF_BY_ONE && lastOfFullRank) continue; // BUG (Y1): total >= C read as overflow
                recv.copyRowFrom(tokens, g, r);
                recvW.setBits(r, 0, w.bits(g, k));
            }
        }
        if (bug == Bug.TE_EP_PAD_ROWS_NOT_ZEROED) {
            for (int x = 0; x < e; x++) {
                if (count[x] == 0) continue;
                long last = start[x] + count[x] - 1;
                for (long r = start[x] + count[x]; r < start[x] + slab[x]; r++) recv.copyRowFrom(recv, last, r); // BUG (Y2): stale pad rows
            }
        }
        Tensor counts = Tensor.zeros(DType.I64, e);
        for (int x = 0; x < e; x++) counts.setLong(x, count[x]);
        Map<String, Tensor> o = new LinkedHashMap<>();
        o.put(Ports.RECV_TOKENS, recv);
        o.put(Ports.RECV_TOPK_WEIGHTS, recvW);
        o.put(Ports.RECV_TOKENS_PER_EXPERT, counts);
        return o;
    }

    static Map<String, Tensor> combine(Invocation inv, Bug bug) {
        Tensor out = inv.input(Ports.EXPERT_OUT), ids = inv.input(Ports.TOPK_IDX);
        int s = (int) inv.attr(Attrs.NUM_RANKS), e = (int) inv.attr(Attrs.NUM_EXPERTS);
        long c = inv.attr(Attrs.RECV_CAPACITY), a = inv.optionalAttr(Attrs.ALIGNMENT).orElse(0L);
        long[] next = rows(ids, s, e, c, a)[0].clone();
        int n = (int) ids.dim(0), k = (int) ids.dim(1), h = (int) out.dim(1);
        Tensor result = Tensor.zeros(out.dtype(), n, h);
        float[] x = new float[h];
        long[][] row = new long[n][k];
        for (int g = 0; g < n; g++) for (int j = 0; j < k; j++) row[g][j] = next[(int) ids.getLong(g, j)]++;
        float scale = bug == Bug.TE_EP_COMBINE_APPLIES_WEIGHTS ? 1f / k : 1f; // BUG (Y4): a weighted (mean) combine
        for (int g = 0; g < n; g++) {
            float[] acc = new float[h];
            for (int j = 0; j < k; j++) {
                out.readRowF32(row[g][j], x);
                for (int i = 0; i < h; i++) acc[i] += x[i] * scale;
            }
            for (int i = 0; i < h; i++) acc[i] = FloatFormats.toF32(out.dtype(), FloatFormats.fromF32(out.dtype(), acc[i]));
            result.writeRowF32(g, acc);
        }
        return Map.of(Ports.RESULT, result);
    }

    /** {start, count, aligned rows} per expert (Y1). */
    static long[][] rows(Tensor ids, int s, int e, long c, long a) {
        long[] count = new long[e], start = new long[e], slab = new long[e];
        for (long g = 0; g < ids.dim(0); g++) for (long j = 0; j < ids.dim(1); j++) count[(int) ids.getLong(g, j)]++;
        int local = e / s;
        for (int r = 0; r < s; r++) {
            long at = r * c;
            for (int l = 0; l < local; l++) {
                int x = r * local + l;
                slab[x] = a <= 1 ? count[x] : (count[x] + a - 1) / a * a;
                start[x] = at;
                at += slab[x];
            }
        }
        return new long[][] {start, count, slab};
    }
}
