package org.permcheck.engine.cpu;

import org.permcheck.contract.Ports;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.Tensor;

/**
 * token_combine, and the backward passes of dispatch and combine: per token block in parallel,
 * a float32 accumulator row per token, experts in the map's (descending) order, one final
 * rounding - TE's _unpermute_kernel and _unpermute_bwd_with_merging_probs_kernel, in Java. The
 * multiply-add is fused for torch-mask-pad and separate for te-jax (docs/sources.md#te-16).
 */
final class CpuReductions {
    private CpuReductions() {}

    static Outputs combine(Invocation inv) {
        Tensor inp = inv.input(Ports.INP);
        Routes routes = new Routes(inv.input(Ports.ROW_ID_MAP), inv.inputs().get(Ports.PAD_OFFSETS));
        Tensor out = weightedSum(inp, routes, inv.inputs().get(Ports.MERGING_PROBS), inv.profile().fusedMultiplyAdd());
        return new Outputs(Map.of(Ports.OUTPUT, out));
    }

    static Outputs dispatchBackward(Invocation inv) {
        Tensor grad = inv.input(Ports.GRAD_OUTPUT);
        Tensor gpp = inv.inputs().get(Ports.GRAD_PERMUTED_PROBS);
        Routes routes = new Routes(inv.input(Ports.ROW_ID_MAP), inv.inputs().get(Ports.PAD_OFFSETS));
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(Ports.GRAD_INP, weightedSum(grad, routes, null, false));
        if (gpp != null) {
            Tensor gp = Tensor.zeros(gpp.dtype(), routes.tokens, routes.experts);
            for (int t = 0; t < routes.tokens; t++) {
                for (int i = 0; i < routes.count[t]; i++) gp.setBits(t, routes.expert[t][i], gpp.bits(routes.rows[t][i], 0));
            }
            out.put(Ports.GRAD_PROBS, gp);
        }
        return new Outputs(out);
    }

    static Outputs combineBackward(Invocation inv) {
        Tensor grad = inv.input(Ports.GRAD_OUTPUT);
        Tensor fwd = inv.input(Ports.FWD_INPUT);
        Tensor mp = inv.inputs().get(Ports.MERGING_PROBS);
        boolean fused = inv.profile().fusedMultiplyAdd();
        Routes routes = new Routes(inv.input(Ports.ROW_ID_MAP), inv.inputs().get(Ports.PAD_OFFSETS));
        long hidden = grad.dim(1);
        Tensor gradInp = Tensor.zeros(grad.dtype(), fwd.dim(0), hidden);
        Tensor gradProbs = mp == null ? null : Tensor.zeros(mp.dtype(), routes.tokens, routes.experts);
        int blocks = TokenBlocks.count(routes.tokens);
        TokenBlocks.forEach(blocks, (long) routes.tokens * hidden * 4, b -> {
            float[] g = new float[(int) hidden];
            float[] x = new float[(int) hidden];
            float[] scaled = new float[(int) hidden];
            RowEncoder enc = new RowEncoder(gradInp);
            for (int t = TokenBlocks.start(b); t < TokenBlocks.end(b, routes.tokens); t++) {
                if (mp != null && routes.count[t] > 0) grad.readRowF32(t, g);
                for (int i = 0; i < routes.count[t]; i++) {
                    long row = routes.rows[t][i];
                    int e = routes.expert[t][i];
                    if (mp == null) {
                        gradInp.copyRowFrom(grad, t, row);
                        continue;
                    }
                    float p = mp.getF32(t, e);
                    fwd.readRowF32(row, x);
                    float acc = 0f;
                    for (int h = 0; h < hidden; h++) {
                        scaled[h] = g[h] * p;
                        acc = fused ? Math.fma(x[h], g[h], acc) : acc + x[h] * g[h];
                    }
                    enc.write(row, scaled);
                    gradProbs.setF32(t, e, acc);
                }
            }
        });
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(Ports.GRAD_INP, gradInp);
        if (gradProbs != null) out.put(Ports.GRAD_MERGING_PROBS, gradProbs);
        return new Outputs(out);
    }

    /** out[t] = cast(sum over the token's slots of f32(payload[row]) * f32(weight)), float32 accumulation. */
    static Tensor weightedSum(Tensor payload, Routes routes, Tensor weights, boolean fused) {
        int hidden = (int) payload.dim(1);
        Tensor out = Tensor.zeros(payload.dtype(), routes.tokens, hidden);
        int blocks = TokenBlocks.count(routes.tokens);
        TokenBlocks.forEach(blocks, (long) routes.tokens * hidden * 4, b -> {
            float[] acc = new float[hidden];
            float[] x = new float[hidden];
            RowEncoder enc = new RowEncoder(out);
            for (int t = TokenBlocks.start(b); t < TokenBlocks.end(b, routes.tokens); t++) {
                int n = routes.count[t];
                if (n == 0) continue; // tokens routed nowhere stay +0.0
                Arrays.fill(acc, 0f);
                for (int i = 0; i < n; i++) {
                    payload.readRowF32(routes.rows[t][i], x);
                    if (weights == null) {
                        for (int h = 0; h < hidden; h++) acc[h] += x[h];
                    } else {
                        float p = weights.getF32(t, routes.expert[t][i]);
                        if (fused) for (int h = 0; h < hidden; h++) acc[h] = Math.fma(x[h], p, acc[h]);
                        else for (int h = 0; h < hidden; h++) acc[h] += x[h] * p;
                    }
                }
                enc.write(t, acc);
            }
        });
        return out;
    }
}
