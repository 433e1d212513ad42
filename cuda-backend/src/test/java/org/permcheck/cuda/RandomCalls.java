package org.permcheck.cuda;

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
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * Seeded random calls of every op, shaped to reach the corners the kernels care about: rows whose
 * byte width needs every access unit (1..16 bytes), E above the block size, T across several
 * count blocks, zero and -0.0 probabilities, NaN payloads, every payload dtype, both profiles,
 * padding with every kind of alignment. Follow-up ops (combine, gradients, chunk-sort backward,
 * local unpermute) take their row maps from the oracle's answer to the forward call.
 */
final class RandomCalls {
    static final DType[] PAYLOADS = {DType.F32, DType.BF16, DType.F16, DType.F8E4M3, DType.F8E5M2};
    static final DType[] REDUCIBLE = {DType.F32, DType.BF16, DType.F16};

    private final SplittableRandom rnd;

    RandomCalls(long seed) { rnd = new SplittableRandom(seed); }

    private <T> T pick(T[] xs) { return xs[rnd.nextInt(xs.length)]; }

    private long pickL(long... xs) { return xs[rnd.nextInt(xs.length)]; }

    /** Raw random bits: every pattern, NaN payloads and -0.0 included (for data-moving ops). */
    Tensor bits(DType dt, long... shape) {
        Tensor t = Tensor.zeros(dt, shape);
        long mask = dt.size() == 8 ? -1L : (1L << (8 * dt.size())) - 1;
        for (long i = 0; i < t.numel(); i++) t.setBits(i, rnd.nextLong() & mask);
        return t;
    }

    /** Finite values of moderate size with some specials (NaN with payload, -0.0, 0) for reductions. */
    Tensor values(DType dt, long... shape) {
        Tensor t = Tensor.zeros(dt, shape);
        for (long i = 0; i < t.numel(); i++) {
            int k = rnd.nextInt(200);
            if (k == 0) t.setBits(i, dt == DType.F32 ? 0x7FC01234L : dt == DType.BF16 ? 0x7FC3L : 0x7E21L); // NaN payload
            else if (k == 1) t.setF32(i, -0.0f);
            else if (k == 2) t.setF32(i, 0.0f);
            else t.setF32(i, (float) ((rnd.nextDouble() * 2 - 1) * Math.pow(2, rnd.nextInt(-6, 7))));
        }
        return t;
    }

    /** Probabilities in [0, 1) with exact +0.0 / -0.0 / NaN sprinkled on routed and other entries. */
    Tensor probs(DType dt, long rows, long cols) {
        Tensor t = Tensor.zeros(dt, rows, cols);
        for (long i = 0; i < t.numel(); i++) {
            int k = rnd.nextInt(30);
            if (k == 0) t.setF32(i, 0.0f);
            else if (k == 1) t.setF32(i, -0.0f);
            else if (k == 2) t.setBits(i, dt == DType.F32 ? 0x7FC00001L : dt == DType.BF16 ? 0x7FC1L : 0x7E01L);
            else t.setF32(i, (float) rnd.nextDouble());
        }
        return t;
    }

    Tensor routing(long tokens, int experts) {
        DType dt = pick(new DType[] {DType.I32, DType.BOOL, DType.I64});
        Tensor r = Tensor.zeros(dt, tokens, experts);
        int mode = rnd.nextInt(4);
        int k = 1 + rnd.nextInt(Math.min(experts, 8));
        for (long t = 0; t < tokens; t++) {
            if (mode == 0) { // exactly k distinct experts
                int placed = 0;
                while (placed < k) {
                    int e = rnd.nextInt(experts);
                    if (r.getLong(t, e) == 0) { r.setLong(t, e, 1); placed++; }
                }
            } else {
                double p = mode == 1 ? 0.5 : mode == 2 ? 0.05 : (t % 7 == 0 ? 1.0 : 0.2);
                for (int e = 0; e < experts; e++) if (rnd.nextDouble() < p) r.setLong(t, e, 1);
            }
        }
        return r;
    }

    long tokens() { return rnd.nextInt(10) == 0 ? pickL(1025, 2049, 1500) : 1 + rnd.nextInt(300); }

    /** Mostly small; now and then past the scan block (1024) and past 48 KiB of per-token shared memory (3100). */
    int experts() {
        if (rnd.nextInt(25) == 0) return (int) pickL(1100, 3100);
        return (int) pickL(1, 2, 3, 5, 7, 8, 16, 33, 64, 130, 257);
    }

    long hidden() { return pickL(1, 2, 3, 5, 8, 16, 33, 64, 129, 256); }

    /** A dispatch call. */
    Invocation dispatch() {
        int experts = experts();
        long tokens = experts > 1000 ? 1 + rnd.nextInt(64) : tokens();
        long hidden = hidden();
        Profile profile = rnd.nextInt(3) == 0 ? Profile.TORCH_MASK_PAD : Profile.TE_JAX;
        Tensor routing = routing(tokens, experts);
        long used = 0;
        for (long i = 0; i < routing.numel(); i++) used += routing.getLong(i);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("inp", bits(pick(PAYLOADS), tokens, hidden));
        in.put("routing_map", routing);
        if (rnd.nextInt(3) > 0) in.put("probs", probs(pick(REDUCIBLE), tokens, experts));
        Map<String, Long> attrs = new LinkedHashMap<>();
        attrs.put("num_out_tokens", Math.max(1, used + (rnd.nextBoolean() ? 0 : rnd.nextInt(6))));
        if (profile.paddingRequired() || rnd.nextBoolean()) attrs.put("align_size", pickL(1, 2, 4, 16, 128));
        return new Invocation(Op.DISPATCH, profile, in, attrs);
    }

    /** A dispatch whose payload can be reduced, and the oracle's answer to it. */
    private Invocation reducibleDispatch(Profile profile) {
        for (;;) {
            Invocation d = dispatch();
            if (d.profile() != profile) continue;
            Map<String, Tensor> in = new LinkedHashMap<>(d.inputs());
            Tensor inp = in.get("inp");
            in.put("inp", values(pick(REDUCIBLE), inp.shape()));
            return new Invocation(Op.DISPATCH, profile, in, d.attrs());
        }
    }

    Invocation combine() {
        Profile profile = rnd.nextInt(3) == 0 ? Profile.TORCH_MASK_PAD : Profile.TE_JAX;
        Invocation d = reducibleDispatch(profile);
        Expected x = Oracle.expected(d);
        Tensor out = x.values().get("output");
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("inp", values(out.dtype(), out.shape()));
        in.put("row_id_map", x.values().get("row_id_map"));
        long t = d.input("routing_map").dim(0), e = d.input("routing_map").dim(1);
        if (rnd.nextInt(4) > 0) in.put("merging_probs", probs(pick(REDUCIBLE), t, e));
        if (x.values().containsKey("pad_offsets")) in.put("pad_offsets", x.values().get("pad_offsets"));
        return new Invocation(Op.COMBINE, profile, in, Map.of());
    }

    Invocation dispatchBackward() {
        Invocation d = reducibleDispatch(Profile.TE_JAX);
        Expected x = Oracle.expected(d);
        Tensor out = x.values().get("output");
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("grad_output", values(pick(REDUCIBLE), out.shape()));
        in.put("row_id_map", x.values().get("row_id_map"));
        if (rnd.nextBoolean()) in.put("grad_permuted_probs", bits(pick(REDUCIBLE), out.dim(0)));
        if (x.values().containsKey("pad_offsets")) in.put("pad_offsets", x.values().get("pad_offsets"));
        return new Invocation(Op.DISPATCH_BACKWARD, Profile.TE_JAX, in, Map.of());
    }

    Invocation combineBackward() {
        Profile profile = rnd.nextInt(3) == 0 ? Profile.TORCH_MASK_PAD : Profile.TE_JAX;
        Invocation d = reducibleDispatch(profile);
        Expected x = Oracle.expected(d);
        Tensor out = x.values().get("output");
        long t = d.input("routing_map").dim(0), e = d.input("routing_map").dim(1);
        boolean weighted = rnd.nextInt(3) > 0;
        DType dt = weighted ? pick(REDUCIBLE) : pick(PAYLOADS);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("grad_output", weighted ? values(dt, t, out.dim(1)) : bits(dt, t, out.dim(1)));
        in.put("row_id_map", x.values().get("row_id_map"));
        in.put("fwd_input", weighted ? values(dt, out.shape()) : bits(dt, out.shape()));
        if (weighted) in.put("merging_probs", probs(pick(REDUCIBLE), t, e));
        if (x.values().containsKey("pad_offsets")) in.put("pad_offsets", x.values().get("pad_offsets"));
        return new Invocation(Op.COMBINE_BACKWARD, profile, in, Map.of());
    }

    private Map<String, Tensor> chunkInputs(long rows) {
        int s = 1 + rnd.nextInt(12);
        long[] split = new long[s];
        long left = rnd.nextInt(4) == 0 ? rows - rnd.nextInt((int) Math.min(rows, 5) + 1) : rows; // sometimes a tail
        for (int j = 0; j < s; j++) {
            long v = j == s - 1 ? left : (rnd.nextInt(4) == 0 ? 0 : rnd.nextLong(left + 1) / 2);
            split[j] = v;
            left -= v;
        }
        long[] perm = new long[s];
        for (int j = 0; j < s; j++) perm[j] = j;
        for (int j = s - 1; j > 0; j--) {
            int k = rnd.nextInt(j + 1);
            long tmp = perm[j]; perm[j] = perm[k]; perm[k] = tmp;
        }
        DType idx = rnd.nextBoolean() ? DType.I32 : DType.I64;
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("split_sizes", Tensor.ofInts(idx, new long[] {s}, split));
        in.put("sorted_indices", Tensor.ofInts(idx, new long[] {s}, perm));
        return in;
    }

    Invocation sortChunks() {
        long rows = 1 + rnd.nextInt(400);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("inp", bits(pick(PAYLOADS), rows, hidden()));
        in.putAll(chunkInputs(rows));
        if (rnd.nextBoolean()) in.put("probs", bits(pick(REDUCIBLE), rows));
        return new Invocation(Op.SORT_CHUNKS, Profile.TE_JAX, in, Map.of());
    }

    Invocation sortChunksBackward() {
        Invocation f = sortChunks();
        Tensor map = Oracle.expected(f).values().get("row_id_map");
        Tensor inp = f.input("inp");
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("grad_output", bits(pick(PAYLOADS), inp.shape()));
        in.put("row_id_map", map);
        if (rnd.nextBoolean()) in.put("grad_permuted_probs", bits(pick(REDUCIBLE), inp.dim(0)));
        return new Invocation(Op.SORT_CHUNKS_BACKWARD, Profile.TE_JAX, in, Map.of());
    }

    private Tensor shardCounts(int shards, int experts, long maxEach) {
        Tensor m = Tensor.zeros(rnd.nextBoolean() ? DType.I32 : DType.I64, shards, experts);
        for (long i = 0; i < m.numel(); i++) m.setLong(i, rnd.nextLong(maxEach + 1));
        return m;
    }

    Invocation ragged(boolean reverse) {
        int shards = 1 + rnd.nextInt(8);
        int experts = shards * (1 + rnd.nextInt(6));
        Map<String, Tensor> in = Map.of("all_shards_tokens_per_expert", shardCounts(shards, experts, 50));
        Map<String, Long> attrs = new LinkedHashMap<>();
        attrs.put("shard_id", (long) rnd.nextInt(shards));
        attrs.put("num_shards", (long) shards);
        return new Invocation(reverse ? Op.REVERSE_RAGGED_A2A_PARAMS : Op.RAGGED_A2A_PARAMS, Profile.TE_JAX, in, attrs);
    }

    Invocation localPermute() {
        int shards = 1 + rnd.nextInt(6);
        int l = 1 + rnd.nextInt(5);
        int experts = shards * l;
        int shard = rnd.nextInt(shards);
        Tensor m = shardCounts(shards, experts, 12);
        long sum = 0;
        for (int i = 0; i < shards; i++) for (int j = 0; j < l; j++) sum += m.getLong(i, (long) shard * l + j);
        long rows = Math.max(1, sum + rnd.nextInt(5));
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("inp", bits(pick(PAYLOADS), rows, hidden()));
        in.put("all_shards_tokens_per_expert", m);
        Map<String, Long> attrs = new LinkedHashMap<>();
        attrs.put("shard_id", (long) shard);
        attrs.put("num_shards", (long) shards);
        return new Invocation(Op.LOCAL_PERMUTE_AFTER_A2A, Profile.TE_JAX, in, attrs);
    }

    Invocation localUnpermute() {
        Invocation p = localPermute();
        Expected x = Oracle.expected(p);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("inp", bits(p.input("inp").dtype(), p.input("inp").shape()));
        in.put("sorted_split_sizes", x.values().get("sorted_split_sizes"));
        in.put("inverse_chunk_indices", x.values().get("inverse_chunk_indices"));
        return new Invocation(Op.LOCAL_UNPERMUTE_BEFORE_A2A, Profile.TE_JAX, in, Map.of());
    }

    /** n calls of every op, interleaved. */
    List<Invocation> everyOp(int n) {
        List<Invocation> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(dispatch());
            out.add(combine());
            out.add(dispatchBackward());
            out.add(combineBackward());
            out.add(sortChunks());
            out.add(sortChunksBackward());
            out.add(ragged(false));
            out.add(ragged(true));
            out.add(localPermute());
            out.add(localUnpermute());
        }
        return out;
    }

    static float f(DType dt, long bits) { return FloatFormats.toF32(dt, bits); }
}
