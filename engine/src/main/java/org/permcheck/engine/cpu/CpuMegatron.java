package org.permcheck.engine.cpu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.MegatronPreconditions;
import org.permcheck.contract.Ports;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core permute / unpermute (docs/spec.md Q1-Q6), written the way Megatron's unfused code
 * computes them rather than from the assignment table: the positions of the ones of
 * {@code routing_map.T} in row-major order (a stable descending argsort of the flattened map), a
 * per-expert stable argsort of the routing column under drop_and_pad, and a scatter-add in row
 * order with the weights gathered as {@code probs.T.masked_select(routing_map.T)}.
 */
final class CpuMegatron {
    private CpuMegatron() {}

    static Outputs permute(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Tensor map = inv.input(Ports.ROUTING_MAP);
        Tensor probs = inv.inputs().get(Ports.PROBS);
        int nt = (int) map.dim(0), ne = (int) map.dim(1);
        long n = inv.attr(Attrs.NUM_OUT_TOKENS);
        List<long[]> cells = new ArrayList<>(); // (token, expert) of every output row
        if (inv.optionalAttr(Attrs.DROP_AND_PAD).orElse(0L) == 1) {
            int c = (int) (n / ne);
            boolean byProbs = inv.optionalAttr(Attrs.DROP_POLICY).orElse(MegatronPreconditions.POSITION) == MegatronPreconditions.PROBS;
            for (int e = 0; e < ne; e++) {
                boolean[] keep = new boolean[nt];
                List<Integer> routed = new ArrayList<>();
                for (int t = 0; t < nt; t++) if (map.getLong(t, e) == 1) routed.add(t);
                if (byProbs && routed.size() > c) {
                    final int col = e;
                    // the router's top-C of the column (stable, so equal probs would favour the lower token; X17 excludes them)
                    routed.sort((a, b) -> Double.compare(probs.getF64(b, col), probs.getF64(a, col)));
                }
                for (int i = 0; i < Math.min(c, routed.size()); i++) keep[routed.get(i)] = true;
                // argsort(keep, descending, stable)[:C]: the kept tokens, then the others, each ascending
                int taken = 0;
                for (int pass = 1; pass >= 0 && taken < c; pass--) {
                    for (int t = 0; t < nt && taken < c; t++) {
                        if (keep[t] == (pass == 1)) { cells.add(new long[] {t, e}); taken++; }
                    }
                }
            }
        } else {
            // argsort(routing_map.T.flatten(), descending, stable)[:N]: the ones, then the zeros, row-major
            for (int pass = 1; pass >= 0 && cells.size() < n; pass--) {
                for (int e = 0; e < ne && cells.size() < n; e++) {
                    for (int t = 0; t < nt && cells.size() < n; t++) {
                        if (map.getLong(t, e) == pass) cells.add(new long[] {t, e});
                    }
                }
            }
        }
        int rows = cells.size();
        Tensor out = Tensor.zeros(inp.dtype(), rows, inp.dim(1));
        Tensor sorted = Tensor.zeros(DType.I64, rows);
        Tensor pp = probs == null ? null : Tensor.zeros(probs.dtype(), rows);
        for (int r = 0; r < rows; r++) {
            long[] cell = cells.get(r);
            out.copyRowFrom(inp, cell[0], r); // index_select: a bit copy, whatever the probability
            sorted.setLong(r, cell[0]);
            if (pp != null) pp.setBits(r, 0, probs.bits(cell[0], cell[1]));
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put(Ports.OUTPUT, out);
        if (pp != null) m.put(Ports.PERMUTED_PROBS, pp);
        m.put(Ports.SORTED_INDICES, sorted);
        return new Outputs(m);
    }

    static Outputs unpermute(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Tensor sorted = inv.input(Ports.SORTED_INDICES);
        Tensor probs = inv.inputs().get(Ports.PROBS);
        int rows = (int) inp.dim(0), h = (int) inp.dim(1);
        int nt = (int) inv.attr(Attrs.NUM_TOKENS);
        float[] weight = null;
        if (probs != null) {
            Tensor map = inv.input(Ports.ROUTING_MAP);
            int ne = (int) map.dim(1);
            weight = new float[rows];
            if (inv.optionalAttr(Attrs.DROP_AND_PAD).orElse(0L) == 1) {
                int c = rows / ne;
                for (int r = 0; r < rows; r++) weight[r] = probs.getF32(sorted.getLong(r), r / c);
            } else {
                int r = 0;
                for (int e = 0; e < ne; e++) for (int t = 0; t < nt; t++) if (map.getLong(t, e) == 1) weight[r++] = probs.getF32(t, e);
            }
        }
        float[][] acc = new float[nt][h];
        float[] x = new float[h];
        for (int r = 0; r < rows; r++) {
            inp.readRowF32(r, x);
            float[] a = acc[(int) sorted.getLong(r)];
            for (int c = 0; c < h; c++) a[c] += weight == null ? x[c] : x[c] * weight[r];
        }
        Tensor out = Tensor.zeros(inp.dtype(), nt, h);
        for (int t = 0; t < nt; t++) out.writeRowF32(t, acc[t]);
        return new Outputs(Map.of(Ports.OUTPUT, out));
    }
}
