package org.permcheck.cli.bench;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Attrs;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.spi.BenchRequest;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The token_dispatch call a benchmark times: every token routed to exactly top-k distinct experts
 * drawn uniformly (a partial Fisher-Yates shuffle per token), payload of random bits, probs in
 * [0, 1). Deterministic in the request's seed, so every backend is timed on the same call.
 */
public final class DispatchCase {
    private DispatchCase() {}

    public static Invocation of(BenchRequest r) {
        long t = r.tokens(), e = r.experts();
        int k = (int) r.topk();
        SplittableRandom rng = new SplittableRandom(r.seed());
        Tensor routing = Tensor.zeros(DType.I32, t, e);
        int[] experts = new int[(int) e];
        for (long tok = 0; tok < t; tok++) {
            for (int i = 0; i < e; i++) experts[i] = i;
            for (int i = 0; i < k; i++) {
                int j = i + rng.nextInt((int) e - i);
                int tmp = experts[i]; experts[i] = experts[j]; experts[j] = tmp;
                routing.setLong(tok, experts[i], 1);
            }
        }
        Tensor inp = Tensor.zeros(r.dtype(), t, r.hidden());
        // payload bits are only moved, never computed on: random bytes (NaN payloads included) are a fair load
        Random bytes = new Random(r.seed() ^ 0x9E3779B97F4A7C15L);
        for (int c = 0; c < inp.chunkCount(); c++) bytes.nextBytes(inp.chunk(c));
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put(Ports.INP, inp);
        inputs.put(Ports.ROUTING_MAP, routing);
        if (r.probs()) {
            Tensor probs = Tensor.zeros(DType.F32, t, e);
            for (long tok = 0; tok < t; tok++) {
                for (long x = 0; x < e; x++) if (routing.getLong(tok, x) != 0) probs.setF32(tok, x, (float) rng.nextDouble());
            }
            inputs.put(Ports.PROBS, probs);
        }
        Map<String, Long> attrs = new LinkedHashMap<>();
        attrs.put(Attrs.NUM_OUT_TOKENS, t * k);
        if (r.alignSize() > 0) attrs.put(Attrs.ALIGN_SIZE, r.alignSize());
        return new Invocation(Op.DISPATCH, Profile.TE_JAX, inputs, attrs);
    }

    /** Bytes of every input tensor (the x axis of the report's plot, and the protocol's load). */
    public static long inputBytes(Invocation inv) {
        long n = 0;
        for (Tensor x : inv.inputs().values()) n += x.byteSize();
        return n;
    }
}
