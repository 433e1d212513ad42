package org.permcheck.engine.cpu;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.TeIndexPreconditions;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * TE's index-map permute (docs/spec.md T1-T4) shaped like TE's CUDA path: an LSD radix sort of (key, slot) pairs
 * over the four bytes of each id read as uint32 (a radix sort is stable: T1), then one pass that writes the
 * k-major row_id_map (T2, -1 past num_out_tokens, T4) and one that gathers the kept rows (T3).
 */
final class CpuTeIndex {
    private CpuTeIndex() {}

    static Outputs permute(Invocation inv) {
        long rows = TeIndexPreconditions.permute(inv); // X14, X24, X25 (already checked by CpuBackend; returns N)
        Tensor inp = inv.input(Ports.INP);
        Tensor ids = inv.input(Ports.INDICES);
        int tokens = (int) ids.dim(0), topK = (int) ids.dim(1), n = tokens * topK;
        int[] keys = new int[n];
        int[] slots = new int[n];
        for (int j = 0; j < n; j++) {
            keys[j] = (int) ids.bits(j / topK, j % topK);
            slots[j] = j;
        }
        radixSort(keys, slots);
        int kept = (int) Math.min(rows, n);
        Tensor map = Tensor.zeros(DType.I32, n);
        for (int p = 0; p < n; p++) {
            int j = slots[p], t = j / topK, k = j % topK;
            map.setLong((long) k * tokens + t, p < kept ? p : -1);
        }
        Tensor out = Tensor.zeros(inp.dtype(), rows, inp.dim(1));
        for (int p = 0; p < kept; p++) out.copyRowFrom(inp, slots[p] / topK, p);
        Map<String, Tensor> o = new LinkedHashMap<>();
        o.put(Ports.OUTPUT, out);
        o.put(Ports.ROW_ID_MAP, map);
        return new Outputs(o);
    }

    /**
     * TE's index-map unpermute (T5) as TE's kernel computes it: per token, k ascending, every dropped slot (-1)
     * skipped, each product and sum rounded to the payload dtype (the prob rounded to it first).
     */
    static Outputs unpermute(Invocation inv) {
        TeIndexPreconditions.unpermute(inv); // X26 (already checked by CpuBackend)
        Tensor inp = inv.input(Ports.INP);
        Tensor map = inv.input(Ports.ROW_ID_MAP);
        Tensor probs = inv.inputs().get(Ports.MERGING_PROBS);
        int tokens = (int) inv.attr(org.permcheck.contract.Attrs.NUM_TOKENS), topK = (int) inv.attr(org.permcheck.contract.Attrs.TOP_K);
        int h = (int) inp.dim(1);
        DType d = inp.dtype();
        Tensor out = Tensor.zeros(d, tokens, h);
        float[] row = new float[h], acc = new float[h];
        for (int t = 0; t < tokens; t++) {
            java.util.Arrays.fill(acc, 0f);
            for (int k = 0; k < topK; k++) {
                long r = map.getLong((long) k * tokens + t);
                if (r < 0) continue;
                float w = probs == null ? 1f : inDtype(d, probs.getF32(t, k));
                inp.readRowF32(r, row);
                for (int c = 0; c < h; c++) acc[c] = inDtype(d, acc[c] + inDtype(d, row[c] * w));
            }
            out.writeRowF32(t, acc);
        }
        return new Outputs(Map.of(Ports.OUTPUT, out));
    }

    private static float inDtype(DType d, float v) {
        return org.permcheck.tensor.FloatFormats.toF32(d, org.permcheck.tensor.FloatFormats.fromF32(d, v));
    }

    /** Four stable counting passes over the bytes of the keys, least significant first (unsigned order). */
    static void radixSort(int[] keys, int[] values) {
        int n = keys.length;
        int[] k2 = new int[n], v2 = new int[n];
        for (int shift = 0; shift < 32; shift += 8) {
            int[] count = new int[257];
            for (int i = 0; i < n; i++) count[((keys[i] >>> shift) & 0xff) + 1]++;
            for (int b = 0; b < 256; b++) count[b + 1] += count[b];
            for (int i = 0; i < n; i++) {
                int d = count[(keys[i] >>> shift) & 0xff]++;
                k2[d] = keys[i];
                v2[d] = values[i];
            }
            System.arraycopy(k2, 0, keys, 0, n);
            System.arraycopy(v2, 0, values, 0, n);
        }
    }
}
