package org.permcheck.zoo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.oracle.Oracle;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Seeded cases for the mutant zoo: a random {@link ZooShape} per seed, and the tensors of a shape
 * from its seed. Values are drawn the way docs/sources.md#te-12-2 asks for: signalling NaNs with
 * payloads, -0.0, +-0.0 probabilities on routed entries, NaN merging probabilities off the routing,
 * magnitudes that cancel (so accumulation order and precision show), empty experts, tokens routed
 * nowhere, zero-size chunks, tail rows, row_id_map slots holding pass-2 leftovers (TE 16) and huge
 * int64 counts. Inputs that need the contract's own structure (row_id_map, pad_offsets, chunk maps,
 * sorted split sizes) come from the oracle, so every case is inside the contract.
 */
final class ZooGenerator {
    private ZooGenerator() {}

    static final DType[] PAYLOADS = {DType.F32, DType.BF16, DType.F16, DType.F8E4M3, DType.F8E5M2};
    static final DType[] REDUCIBLE = {DType.F32, DType.BF16, DType.F16};
    private static final int[] ALIGNS = {1, 2, 4, 8};

    /** A random shape for one fuzz seed. */
    static ZooShape randomShape(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Op op = pickOp(r);
        return randomShape(op, r, seed);
    }

    static ZooShape randomShape(Op op, SplittableRandom r, long seed) {
        boolean edges = r.nextInt(3) == 0;
        DType probsDtype = REDUCIBLE[r.nextInt(REDUCIBLE.length)];
        boolean probs = r.nextInt(10) < 7;
        switch (op) {
            case RAGGED_A2A_PARAMS: case REVERSE_RAGGED_A2A_PARAMS: case LOCAL_PERMUTE_AFTER_A2A: case LOCAL_UNPERMUTE_BEFORE_A2A: {
                int shards = 1 + r.nextInt(4);
                int local = 1 + r.nextInt(3);
                DType dt = PAYLOADS[r.nextInt(PAYLOADS.length)];
                return new ZooShape(op, Profile.TE_JAX, r.nextInt(4), shards * local, 1 + r.nextInt(4), shards, 0, 0, dt, probsDtype,
                        false, edges, seed);
            }
            case SORT_CHUNKS: case SORT_CHUNKS_BACKWARD: {
                DType dt = PAYLOADS[r.nextInt(PAYLOADS.length)];
                int tokens = 1 + r.nextInt(12);
                return new ZooShape(op, Profile.TE_JAX, tokens, 1 + r.nextInt(5), 1 + r.nextInt(4), 1, 0, r.nextInt(4), dt, probsDtype,
                        probs, edges, seed);
            }
            default: {
                boolean torch = r.nextInt(4) == 0;
                Profile profile = torch ? Profile.TORCH_MASK_PAD : Profile.TE_JAX;
                int align = torch || r.nextInt(2) == 0 ? ALIGNS[r.nextInt(ALIGNS.length)] : 0;
                DType dt = op == Op.DISPATCH ? PAYLOADS[r.nextInt(PAYLOADS.length)] : REDUCIBLE[r.nextInt(REDUCIBLE.length)];
                int experts = 1 + r.nextInt(6);
                int tokens = 1 + (r.nextInt(4) == 0 ? r.nextInt(40) : r.nextInt(10));
                return new ZooShape(op, profile, tokens, experts, 1 + r.nextInt(5), 1 + r.nextInt(Math.min(experts, 3)), align,
                        r.nextInt(4), dt, probsDtype, probs, edges, seed);
            }
        }
    }

    private static Op pickOp(SplittableRandom r) {
        int x = r.nextInt(100);
        if (x < 35) return Op.DISPATCH;
        if (x < 50) return Op.COMBINE;
        if (x < 60) return Op.DISPATCH_BACKWARD;
        if (x < 70) return Op.COMBINE_BACKWARD;
        if (x < 78) return Op.SORT_CHUNKS;
        if (x < 83) return Op.SORT_CHUNKS_BACKWARD;
        if (x < 89) return Op.RAGGED_A2A_PARAMS;
        if (x < 93) return Op.REVERSE_RAGGED_A2A_PARAMS;
        if (x < 97) return Op.LOCAL_PERMUTE_AFTER_A2A;
        return Op.LOCAL_UNPERMUTE_BEFORE_A2A;
    }

    // ------------------------------------------------------------------ the tensors of a shape

    static Invocation invocation(ZooShape s) {
        SplittableRandom r = new SplittableRandom(s.seed() * 0x9E3779B97F4A7C15L + 17);
        switch (s.op()) {
            case DISPATCH: return dispatch(s, r);
            case COMBINE: case DISPATCH_BACKWARD: case COMBINE_BACKWARD: return consumer(s, r);
            case SORT_CHUNKS: case SORT_CHUNKS_BACKWARD: return chunkSort(s, r);
            default: return expertParallel(s, r);
        }
    }

    /** routing_map [T,E]: k in [0, topK] distinct experts per token; with edges an empty expert, an unrouted token and a crowded expert. */
    static boolean[][] routing(ZooShape s, SplittableRandom r) {
        int tokens = s.tokens();
        int experts = s.experts();
        boolean[][] m = new boolean[tokens][experts];
        int empty = s.edges() && experts >= 2 ? r.nextInt(experts) : -1;
        int nowhere = s.edges() && tokens >= 3 ? r.nextInt(tokens) : -1;
        int crowded = s.edges() ? (nowhere + 1) % tokens : -1;
        for (int t = 0; t < tokens; t++) {
            if (t == nowhere) continue;
            int k = t == crowded ? s.topK() : s.edges() ? 1 + r.nextInt(s.topK()) : r.nextInt(s.topK() + 1);
            for (int tries = 0; k > 0 && tries < 8 * experts; tries++) {
                int e = r.nextInt(experts);
                if (e == empty || m[t][e]) continue;
                m[t][e] = true;
                k--;
            }
        }
        return m;
    }

    private static Invocation dispatch(ZooShape s, SplittableRandom r) {
        boolean[][] route = routing(s, r);
        Tensor routing = routingTensor(route, r);
        Tensor inp = payload(s.dtype(), s.tokens(), s.hidden(), r, s.edges(), true);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("inp", inp);
        in.put("routing_map", routing);
        if (s.probs()) in.put("probs", dispatchProbs(s, route, r));
        return new Invocation(Op.DISPATCH, s.profile(), in, dispatchAttrs(s, route));
    }

    private static Map<String, Long> dispatchAttrs(ZooShape s, boolean[][] route) {
        long used = 0;
        for (boolean[] row : route) for (boolean b : row) if (b) used++;
        Map<String, Long> attrs = new LinkedHashMap<>();
        attrs.put("num_out_tokens", Math.max(1, used + s.extra()));
        if (s.align() > 0 || s.profile().paddingRequired()) attrs.put("align_size", (long) Math.max(1, s.align()));
        return attrs;
    }

    private static Tensor routingTensor(boolean[][] route, SplittableRandom r) {
        DType dt = r.nextBoolean() ? DType.BOOL : DType.I32;
        int experts = route.length == 0 ? 0 : route[0].length;
        Tensor t = Tensor.zeros(dt, route.length, experts);
        for (int i = 0; i < route.length; i++) for (int e = 0; e < experts; e++) t.setBits(i, e, route[i][e] ? 1 : 0);
        return t;
    }

    private static Tensor dispatchProbs(ZooShape s, boolean[][] route, SplittableRandom r) {
        Tensor p = Tensor.zeros(s.probsDtype(), s.tokens(), s.experts());
        long sign = 1L << (s.probsDtype().size() * 8 - 1);
        boolean negDone = false;
        boolean posDone = false;
        for (int t = 0; t < s.tokens(); t++) {
            for (int e = 0; e < s.experts(); e++) {
                int x = r.nextInt(10);
                if (route[t][e] && s.edges() && !negDone) { p.setBits(t, e, sign); negDone = true; continue; }
                if (route[t][e] && s.edges() && !posDone) { posDone = true; continue; }
                if (x == 0) p.setBits(t, e, 0);
                else if (x == 1) p.setBits(t, e, sign);
                else p.setF32(t, e, (1 + r.nextInt(8)) / 8f);
            }
        }
        return p;
    }

    /** combine, and the two backward passes: a dispatch's row_id_map (with leftovers) and its buffer. */
    private static Invocation consumer(ZooShape s, SplittableRandom r) {
        boolean[][] route = routing(s, r);
        Tensor routing = routingTensor(route, r);
        Map<String, Tensor> din = new LinkedHashMap<>();
        din.put("inp", Tensor.zeros(DType.F32, s.tokens(), 1));
        din.put("routing_map", routing);
        Expected d = Oracle.expected(new Invocation(Op.DISPATCH, s.profile(), din, dispatchAttrs(s, route)));
        long rows = d.values().get("output").dim(0);
        Tensor map = withLeftovers(d.values().get("row_id_map"), d.specified().get("row_id_map"), rows, s.experts(), r);
        Tensor pad = d.values().get("pad_offsets");
        Map<String, Tensor> in = new LinkedHashMap<>();
        switch (s.op()) {
            case COMBINE:
                Tensor x = payload(s.dtype(), rows, s.hidden(), r, false, false);
                Tensor mp = s.probs() ? mergingProbs(s, route, r) : null;
                if (s.edges()) plantCancellation(x, mp, map, pad, s.experts());
                in.put("inp", x);
                in.put("row_id_map", map);
                if (mp != null) in.put("merging_probs", mp);
                break;
            case DISPATCH_BACKWARD:
                in.put("grad_output", payload(s.dtype(), rows, s.hidden(), r, false, false));
                in.put("row_id_map", map);
                if (s.probs()) in.put("grad_permuted_probs", payload(s.probsDtype(), rows, 0, r, s.edges(), true));
                break;
            default: {
                // grad_merging_probs has the dtype of merging_probs: keep its sums finite in f16
                float big = s.dtype() == DType.F16 || (s.probs() && s.probsDtype() == DType.F16) ? 16f : 1024f;
                in.put("grad_output", payload(s.dtype(), s.tokens(), s.hidden(), r, false, false, big));
                in.put("row_id_map", map);
                in.put("fwd_input", payload(s.dtype(), rows, s.hidden(), r, false, false, big));
                if (s.probs()) in.put("merging_probs", mergingProbs(s, route, r));
                break;
            }
        }
        if (pad != null) in.put("pad_offsets", pad);
        return new Invocation(s.op(), s.profile(), in, Map.of());
    }

    /**
     * For the first token with three or more experts: terms big, small, -big in descending expert
     * order. In f32 the sum is exactly small; an accumulator that rounds to bf16/f16 after every add
     * loses small (TE #1336), far beyond the C5 tolerance of the float64 reference.
     */
    private static void plantCancellation(Tensor x, Tensor mp, Tensor map, Tensor pad, int experts) {
        for (long t = 0; t < map.dim(0); t++) {
            if (map.getLong(t, 2L * experts) < 3) continue;
            float big = x.dtype() == DType.F16 ? 2048f : 65536f;
            float[] value = {big, 1f, big};
            float[] weight = {1f, 1f, -1f};
            for (int i = 0; i < 3; i++) {
                long e = map.getLong(t, experts + i);
                long row = map.getLong(t, i) + (pad == null ? 0 : pad.getLong(e)); // the source row (C1)
                if (mp == null) value[2] = -big;
                for (long h = 0; h < x.dim(1); h++) x.setF32(row, h, value[i]);
                if (mp != null) mp.setF32(t, e, weight[i]);
            }
            return;
        }
    }

    /** TE 16: unspecified slots hold pass-2 leftovers (a plausible dst, a plausible expert) or -1. */
    private static Tensor withLeftovers(Tensor map, Tensor specified, long rows, int experts, SplittableRandom r) {
        Tensor m = map.copy();
        if (specified == null) return m;
        for (long t = 0; t < m.dim(0); t++) {
            boolean leftovers = r.nextBoolean();
            for (long c = 0; c < 2L * experts; c++) {
                if (specified.bits(t, c) != 0) continue;
                long v = !leftovers || rows == 0 ? -1 : c < experts ? r.nextInt((int) rows) : r.nextInt(experts);
                m.setLong(t, c, v);
            }
        }
        return m;
    }

    /** merging_probs [T,E]: weights on routed entries; off the routing anything, NaN included. */
    private static Tensor mergingProbs(ZooShape s, boolean[][] route, SplittableRandom r) {
        Tensor p = Tensor.zeros(s.probsDtype(), s.tokens(), s.experts());
        boolean nanDone = false;
        for (int t = 0; t < s.tokens(); t++) {
            for (int e = 0; e < s.experts(); e++) {
                if (route[t][e]) {
                    p.setF32(t, e, r.nextInt(4) == 0 ? -(1 + r.nextInt(8)) / 8f : (1 + r.nextInt(8)) / 8f);
                } else if ((s.edges() && !nanDone) || r.nextInt(8) == 0) {
                    p.setBits(t, e, PlantedDispatch.nanBits(s.probsDtype()));
                    nanDone = true;
                } else {
                    p.setF32(t, e, r.nextInt(3) / 4f);
                }
            }
        }
        return p;
    }

    /**
     * A payload [rows, H] ([rows] when hidden is 0). Moved payloads get specials (-0.0, signalling
     * NaNs with payloads, infinities); reduced ones get finite values whose magnitudes differ by up to
     * 2^12, so that the order and precision of an accumulation show beyond the tolerance.
     */
    static Tensor payload(DType dt, long rows, int hidden, SplittableRandom r, boolean edges, boolean specials) {
        return payload(dt, rows, hidden, r, edges, specials, dt == DType.F16 ? 16f : 1024f);
    }

    /** {@code big}: the largest magnitude scale; f16 results (65504 at most) need 16. */
    static Tensor payload(DType dt, long rows, int hidden, SplittableRandom r, boolean edges, boolean specials, float big) {
        Tensor x = hidden == 0 ? Tensor.zeros(dt, rows) : Tensor.zeros(dt, rows, hidden);
        long n = x.numel();
        for (long i = 0; i < n; i++) {
            if (dt == DType.F8E4M3 || dt == DType.F8E5M2) {
                x.setBits(i, r.nextInt(256));
                continue;
            }
            int k = r.nextInt(20);
            if (specials && (k == 0 || (edges && i == 0))) x.setBits(i, signallingNaN(dt, r));
            else if (specials && (k == 1 || (edges && i == 1))) x.setBits(i, 1L << (dt.size() * 8 - 1)); // -0.0
            else if (specials && k == 2) x.setF32(i, r.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY);
            else {
                float mag = k < 6 ? big : k < 9 ? 16f : 1f;
                x.setF32(i, (r.nextInt(33) - 16) * mag / 4f + (r.nextInt(8) - 4) / 8f);
            }
        }
        return x;
    }

    /** A NaN with the quiet bit clear and a nonzero payload (a quieting arithmetic operation changes its bits). */
    private static long signallingNaN(DType dt, SplittableRandom r) {
        switch (dt) {
            case F32: return 0x7F800000L | (1 + r.nextInt(0x3FFFFF)) | (r.nextBoolean() ? 0x80000000L : 0);
            case BF16: return 0x7F80L | (1 + r.nextInt(0x3F)) | (r.nextBoolean() ? 0x8000L : 0);
            case F16: return 0x7C00L | (1 + r.nextInt(0x1FF)) | (r.nextBoolean() ? 0x8000L : 0);
            default: return PlantedDispatch.nanBits(dt);
        }
    }

    // ------------------------------------------------------------------ chunk sort

    private static Invocation chunkSort(ZooShape s, SplittableRandom r) {
        int rows = s.tokens();
        int chunks = s.experts();
        int tail = Math.min(rows, s.edges() ? Math.max(1, s.extra()) : s.extra());
        long[] split = new long[chunks];
        for (int i = 0; i < rows - tail; i++) split[r.nextInt(chunks)]++;
        if (s.edges() && chunks >= 2) { // a zero-size chunk
            int z = r.nextInt(chunks);
            int to = (z + 1) % chunks;
            split[to] += split[z];
            split[z] = 0;
        }
        long[] order = permutation(chunks, r, s.edges());
        Tensor splitT = PlantedDispatch.longs(DType.I32, split);
        Tensor orderT = PlantedDispatch.longs(DType.I32, order);
        Map<String, Tensor> in = new LinkedHashMap<>();
        if (s.op() == Op.SORT_CHUNKS) {
            in.put("inp", payload(s.dtype(), rows, s.hidden(), r, s.edges(), true));
            in.put("split_sizes", splitT);
            in.put("sorted_indices", orderT);
            if (s.probs()) in.put("probs", payload(s.probsDtype(), rows, 0, r, s.edges(), true));
            return new Invocation(Op.SORT_CHUNKS, s.profile(), in, Map.of());
        }
        Map<String, Tensor> fwd = new LinkedHashMap<>();
        fwd.put("inp", Tensor.zeros(DType.F32, rows, 1));
        fwd.put("split_sizes", splitT);
        fwd.put("sorted_indices", orderT);
        Tensor map = Oracle.expected(new Invocation(Op.SORT_CHUNKS, s.profile(), fwd, Map.of())).values().get("row_id_map");
        in.put("grad_output", payload(s.dtype(), rows, s.hidden(), r, s.edges(), true));
        in.put("row_id_map", map);
        if (s.probs()) in.put("grad_permuted_probs", payload(s.probsDtype(), rows, 0, r, s.edges(), true));
        return new Invocation(Op.SORT_CHUNKS_BACKWARD, s.profile(), in, Map.of());
    }

    /** A random permutation of [0,n); with edges never the identity when n >= 2. */
    private static long[] permutation(int n, SplittableRandom r, boolean notIdentity) {
        List<Long> v = new ArrayList<>();
        for (long i = 0; i < n; i++) v.add(i);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Long tmp = v.get(i);
            v.set(i, v.get(j));
            v.set(j, tmp);
        }
        if (notIdentity && n >= 2 && v.get(0) == 0) { v.set(0, v.get(1)); v.set(1, 0L); }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = v.get(i);
        return out;
    }

    // ------------------------------------------------------------------ expert-parallel helpers

    private static Invocation expertParallel(ZooShape s, SplittableRandom r) {
        int shards = s.topK();
        int experts = s.experts();
        boolean huge = s.edges() && (s.op() == Op.RAGGED_A2A_PARAMS || s.op() == Op.REVERSE_RAGGED_A2A_PARAMS);
        DType counts = huge || r.nextBoolean() ? DType.I64 : DType.I32;
        Tensor m = Tensor.zeros(counts, shards, experts);
        for (int i = 0; i < shards; i++) {
            for (int e = 0; e < experts; e++) m.setLong(i, e, huge ? (1L << 30) + r.nextInt(1 << 20) : r.nextInt(4));
        }
        long shard = s.edges() ? shards - 1 : r.nextInt(shards);
        Map<String, Long> attrs = new LinkedHashMap<>();
        attrs.put("shard_id", shard);
        attrs.put("num_shards", (long) shards);
        Map<String, Tensor> in = new LinkedHashMap<>();
        if (s.op() == Op.RAGGED_A2A_PARAMS || s.op() == Op.REVERSE_RAGGED_A2A_PARAMS) {
            in.put("all_shards_tokens_per_expert", m);
            return new Invocation(s.op(), s.profile(), in, attrs);
        }
        int local = experts / shards;
        long received = 0;
        for (int i = 0; i < shards; i++) for (int l = 0; l < local; l++) received += m.getLong(i, shard * local + l);
        long rows = received + s.tokens();
        Tensor inp = payload(s.dtype(), rows, s.hidden(), r, s.edges(), true);
        in.put("inp", inp);
        in.put("all_shards_tokens_per_expert", m);
        Invocation after = new Invocation(Op.LOCAL_PERMUTE_AFTER_A2A, s.profile(), in, attrs);
        if (s.op() == Op.LOCAL_PERMUTE_AFTER_A2A) return after;
        Expected e = Oracle.expected(after);
        Map<String, Tensor> back = new LinkedHashMap<>();
        back.put("inp", inp);
        back.put("sorted_split_sizes", e.values().get("sorted_split_sizes"));
        back.put("inverse_chunk_indices", e.values().get("inverse_chunk_indices"));
        return new Invocation(Op.LOCAL_UNPERMUTE_BEFORE_A2A, s.profile(), back, Map.of());
    }
}
