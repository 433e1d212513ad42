package org.permcheck.engine.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.engine.check.ExactInts;
import org.permcheck.engine.check.Relations;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Builds the follow-up calls of the oracle-free relations (R3, R4; docs/checks.md, "Relations") from a
 * case's inputs and, for a backward step, the backend's own answer to the step before. Nothing here
 * reads the oracle: a relation must judge cases the oracle is not run on.
 *
 * <p>R3's payloads are small integers chosen so every product and partial sum is an integer within the
 * output dtype's exact range (|Σ terms| ≤ 2^p, p the significand bits; {@link ExactInts}): a sum of
 * n(t) ≤ maxN terms of magnitude ≤ 2^p / maxN never rounds, whatever the order of summation.
 */
final class RelationCalls {
    private RelationCalls() {}

    /** One relation: its name and its steps; step i builds its call from the answers of steps 0..i-1 (null: cannot). */
    record Plan(String name, List<Function<List<Outputs>, Invocation>> steps, int[] permutation) {
        Plan(String name, List<Function<List<Outputs>, Invocation>> steps) { this(name, steps, null); }
    }

    /** Largest payload magnitude R3 uses (small values keep the int64 dot products far from overflow). */
    static final long MAX_VALUE = 7;

    /** The relations that apply to a call (empty for ops without one). */
    static List<Plan> of(Invocation inv, long seed) {
        List<Plan> plans = new ArrayList<>();
        switch (inv.op()) {
            case DISPATCH:
                // the relations are written for the routing-map form; an index-form call (docs/profiles.md) has none of its own yet
                if (inv.optionalInput(Ports.ROUTING_MAP).isEmpty()) break;
                Plan a = dispatchAdjoint(inv, seed);
                if (a != null) plans.add(a);
                long experts = inv.input(Ports.ROUTING_MAP).dim(1);
                long tokens = inv.input(Ports.ROUTING_MAP).dim(0);
                if (experts > 1) {
                    int[] pi = permutation((int) experts, seed ^ 0x5eedL);
                    plans.add(new Plan(Relations.RELABEL, List.of(prev -> relabel(inv, pi)), pi));
                }
                if (tokens > 1) {
                    int[] sigma = permutation((int) tokens, seed ^ 0x5eed5L);
                    plans.add(new Plan(Relations.SHUFFLE, List.of(prev -> shuffle(inv, sigma)), sigma));
                }
                if (tokens > 1 && inv.optionalAttr(Attrs.ALIGN_SIZE).isEmpty()) {
                    int half = (int) (tokens / 2);
                    plans.add(new Plan(Relations.SPLIT, List.of(prev -> slice(inv, 0, half), prev -> slice(inv, half, (int) tokens))));
                }
                break;
            case COMBINE: case COMBINE_BACKWARD:
                Plan c = combineAdjoint(inv, seed);
                if (c != null) plans.add(c);
                break;
            case SORT_CHUNKS:
                plans.add(chunkSortAdjoint(inv, seed));
                break;
            default:
        }
        return plans;
    }

    /** A uniformly drawn permutation of 0..n-1 that moves something when n > 1 (a relation of the identity proves little). */
    static int[] permutation(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int s = p[i]; p[i] = p[j]; p[j] = s;
        }
        if (n > 1 && isIdentity(p)) { int s = p[0]; p[0] = p[1]; p[1] = s; }
        return p;
    }

    private static boolean isIdentity(int[] p) {
        for (int i = 0; i < p.length; i++) if (p[i] != i) return false;
        return true;
    }

    // ------------------------------------------------------------------ R3, dispatch

    private static Plan dispatchAdjoint(Invocation inv, long seed) {
        Tensor x = inv.input(Ports.INP);
        Tensor routing = inv.input(Ports.ROUTING_MAP);
        Tensor probs = inv.inputs().get(Ports.PROBS);
        int tokens = (int) routing.dim(0), experts = (int) routing.dim(1);
        long maxN = 1, used = 0;
        for (int t = 0; t < tokens; t++) {
            long n = 0;
            for (int e = 0; e < experts; e++) n += routing.getLong(t, e);
            maxN = Math.max(maxN, n);
            used += n;
        }
        // grad_inp[t] sums n(t) <= maxN cotangent values: each at most 2^p / maxN keeps every partial sum exact
        long cMax = Math.min(MAX_VALUE, ExactInts.perTermBound(x.dtype(), maxN));
        if (cMax < 1 || (probs != null && ExactInts.significandBits(probs.dtype()) == 0)) return null;
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor t = integers(rng, x.dtype(), x.dim(0), x.dim(1), MAX_VALUE, -1);
        Tensor p = null;
        if (probs != null) {
            // non-zero on every routed entry, so D3 never zeroes a row and J is the plain copy G1 transposes
            p = Tensor.zeros(probs.dtype(), probs.shape());
            for (int i = 0; i < tokens; i++) {
                for (int e = 0; e < experts; e++) if (routing.getLong(i, e) != 0) ExactInts.set(p, i, e, 1 + rng.nextLong(MAX_VALUE));
            }
        }
        Map<String, Tensor> fwd = new LinkedHashMap<>(inv.inputs());
        fwd.put(Ports.INP, t);
        if (p != null) fwd.put(Ports.PROBS, p);
        Invocation forward = new Invocation(Op.DISPATCH, inv.profile(), fwd, inv.attrs());
        boolean padded = inv.optionalAttr(Attrs.ALIGN_SIZE).isPresent();
        long usedRows = used;
        Tensor pd = p;
        return new Plan(Relations.ADJOINT, List.of(prev -> forward, prev -> {
            Outputs o = prev.get(0);
            Tensor y = o.get(Ports.OUTPUT), map = o.get(Ports.ROW_ID_MAP);
            if (y == null || map == null || y.rank() != 2 || y.dim(1) != x.dim(1) || y.dtype() != x.dtype()) return null;
            // rows D5 leaves unspecified ([N_used, N) unpadded) get a zero cotangent: the identity never reads them
            long live = padded ? y.dim(0) : Math.min(usedRows, y.dim(0));
            Map<String, Tensor> bwd = new LinkedHashMap<>();
            bwd.put(Ports.GRAD_OUTPUT, integers(rng, x.dtype(), y.dim(0), y.dim(1), cMax, live));
            bwd.put(Ports.ROW_ID_MAP, map);
            if (pd != null) bwd.put(Ports.GRAD_PERMUTED_PROBS, integers(rng, pd.dtype(), y.dim(0), 1, MAX_VALUE, live).reshape(y.dim(0)));
            Tensor pad = o.get(Ports.PAD_OFFSETS);
            if (pad != null) bwd.put(Ports.PAD_OFFSETS, pad);
            return new Invocation(Op.DISPATCH_BACKWARD, inv.profile(), bwd, Map.of());
        }));
    }

    /** A [rows, cols] tensor of integers in [-max, max], zero from row {@code live} on (live < 0: every row). */
    static Tensor integers(SplittableRandom rng, DType d, long rows, long cols, long max, long live) {
        Tensor out = Tensor.zeros(d, rows, cols);
        long end = live < 0 ? rows : Math.min(live, rows);
        for (long r = 0; r < end; r++) {
            for (long c = 0; c < cols; c++) ExactInts.set(out, r, c, rng.nextLong(2 * max + 1) - max);
        }
        return out;
    }

    // ------------------------------------------------------------------ R3, combine

    private static Plan combineAdjoint(Invocation inv, long seed) {
        boolean combine = inv.op() == Op.COMBINE;
        Tensor map = inv.input(Ports.ROW_ID_MAP);
        Tensor merging = inv.inputs().get(Ports.MERGING_PROBS);
        Tensor pad = inv.inputs().get(Ports.PAD_OFFSETS);
        Tensor payload = combine ? inv.input(Ports.INP) : inv.input(Ports.FWD_INPUT);
        DType dx = payload.dtype();
        DType dg = combine ? dx : inv.input(Ports.GRAD_OUTPUT).dtype();
        int tokens = (int) map.dim(0), experts = (int) ((map.dim(1) - 1) / 2);
        long rows = payload.dim(0), hidden = payload.dim(1);
        long maxN = 1;
        for (int t = 0; t < tokens; t++) maxN = Math.max(maxN, map.getLong(t, 2L * experts));
        long pMax = merging == null ? 1 : Math.min(MAX_VALUE, 1L << ExactInts.significandBits(merging.dtype()));
        // output[t] sums n(t) products x * p: |x| <= 2^p / (maxN * pMax) keeps it exact
        long xMax = Math.min(MAX_VALUE, ExactInts.perTermBound(dx, maxN * pMax));
        // grad_inp = g * p, one product: |g| <= 2^p / pMax
        long gMax = Math.min(MAX_VALUE, ExactInts.perTermBound(dg, pMax));
        if (xMax < 1 || gMax < 1 || (merging != null && ExactInts.significandBits(merging.dtype()) == 0)) return null;
        // grad_merging_probs sums H products x * g: at most 2^p / (xMax * gMax) non-zero columns of g per token keep it exact
        long perRow = merging == null ? hidden : Math.min(hidden, ExactInts.perTermBound(merging.dtype(), xMax * gMax));
        if (perRow < 1) return null;
        long stride = (hidden + perRow - 1) / perRow;
        SplittableRandom rng = new SplittableRandom(seed);
        boolean[] targeted = new boolean[(int) rows];
        Tensor p = merging == null ? null : Tensor.zeros(merging.dtype(), merging.shape());
        for (int t = 0; t < tokens; t++) {
            long n = map.getLong(t, 2L * experts);
            for (int i = 0; i < n; i++) {
                int e = (int) map.getLong(t, experts + i);
                long src = map.getLong(t, i) + (pad == null ? 0 : pad.getLong(e));
                if (src >= 0 && src < rows) targeted[(int) src] = true;
                if (p != null) ExactInts.set(p, t, e, 1 + rng.nextLong(pMax));
            }
        }
        Tensor x = Tensor.zeros(dx, rows, hidden); // untargeted rows stay 0: G3 leaves grad_inp there unspecified
        for (int r = 0; r < rows; r++) {
            if (!targeted[r]) continue;
            for (long h = 0; h < hidden; h++) ExactInts.set(x, r, h, rng.nextLong(2 * xMax + 1) - xMax);
        }
        Tensor g = Tensor.zeros(dg, tokens, hidden);
        for (long t = 0; t < tokens; t++) {
            for (long h = (t % stride); h < hidden; h += stride) ExactInts.set(g, t, h, rng.nextLong(2 * gMax + 1) - gMax);
        }
        Map<String, Tensor> fwd = new LinkedHashMap<>();
        fwd.put(Ports.INP, x);
        fwd.put(Ports.ROW_ID_MAP, map);
        if (p != null) fwd.put(Ports.MERGING_PROBS, p);
        if (pad != null) fwd.put(Ports.PAD_OFFSETS, pad);
        Map<String, Tensor> bwd = new LinkedHashMap<>();
        bwd.put(Ports.GRAD_OUTPUT, g);
        bwd.put(Ports.ROW_ID_MAP, map);
        bwd.put(Ports.FWD_INPUT, x);
        if (p != null) bwd.put(Ports.MERGING_PROBS, p);
        if (pad != null) bwd.put(Ports.PAD_OFFSETS, pad);
        Invocation forward = new Invocation(Op.COMBINE, inv.profile(), fwd, Map.of());
        Invocation backward = new Invocation(Op.COMBINE_BACKWARD, inv.profile(), bwd, Map.of());
        return new Plan(Relations.ADJOINT, List.of(prev -> forward, prev -> backward));
    }

    // ------------------------------------------------------------------ R3, chunk sort

    private static Plan chunkSortAdjoint(Invocation inv, long seed) {
        Tensor in = inv.input(Ports.INP);
        Tensor probs = inv.inputs().get(Ports.PROBS);
        SplittableRandom rng = new SplittableRandom(seed);
        // a permutation moves values unchanged: integers |v| <= 7 are exact in every payload dtype, fp8 included
        Tensor x = integers(rng, in.dtype(), in.dim(0), in.dim(1), MAX_VALUE, -1);
        Tensor q = probs == null ? null : integers(rng, probs.dtype(), probs.dim(0), 1, MAX_VALUE, -1).reshape(probs.dim(0));
        Map<String, Tensor> fwd = new LinkedHashMap<>(inv.inputs());
        fwd.put(Ports.INP, x);
        if (q != null) fwd.put(Ports.PROBS, q);
        Invocation forward = new Invocation(Op.SORT_CHUNKS, inv.profile(), fwd, inv.attrs());
        return new Plan(Relations.ADJOINT, List.of(prev -> forward, prev -> {
            Tensor map = prev.get(0).get(Ports.ROW_ID_MAP);
            if (map == null || !map.sameShape(in.dim(0))) return null;
            Map<String, Tensor> bwd = new LinkedHashMap<>();
            bwd.put(Ports.GRAD_OUTPUT, integers(rng, in.dtype(), in.dim(0), in.dim(1), MAX_VALUE, -1));
            bwd.put(Ports.ROW_ID_MAP, map);
            if (q != null) bwd.put(Ports.GRAD_PERMUTED_PROBS, integers(rng, q.dtype(), q.dim(0), 1, MAX_VALUE, -1).reshape(q.dim(0)));
            return new Invocation(Op.SORT_CHUNKS_BACKWARD, inv.profile(), bwd, Map.of());
        }));
    }

    // ------------------------------------------------------------------ R4, dispatch

    /** The dispatch with routing_map and probs columns moved: column e goes to pi[e]. */
    static Invocation relabel(Invocation inv, int[] pi) {
        Map<String, Tensor> in = new LinkedHashMap<>(inv.inputs());
        for (String port : new String[] {Ports.ROUTING_MAP, Ports.PROBS}) {
            Tensor a = inv.inputs().get(port);
            if (a == null) continue;
            Tensor b = Tensor.zeros(a.dtype(), a.shape());
            for (long t = 0; t < a.dim(0); t++) {
                for (int e = 0; e < pi.length; e++) b.setBits(t, pi[e], a.bits(t, e));
            }
            in.put(port, b);
        }
        return new Invocation(Op.DISPATCH, inv.profile(), in, inv.attrs());
    }

    /** The dispatch with the rows of inp, routing_map and probs moved: token t becomes sigma[t]. */
    static Invocation shuffle(Invocation inv, int[] sigma) {
        Map<String, Tensor> in = new LinkedHashMap<>(inv.inputs());
        for (String port : new String[] {Ports.INP, Ports.ROUTING_MAP, Ports.PROBS}) {
            Tensor a = inv.inputs().get(port);
            if (a == null) continue;
            Tensor b = Tensor.zeros(a.dtype(), a.shape());
            for (int t = 0; t < sigma.length; t++) b.copyRowFrom(a, t, sigma[t]);
            in.put(port, b);
        }
        return new Invocation(Op.DISPATCH, inv.profile(), in, inv.attrs());
    }

    /** The dispatch of tokens [from, to), num_out_tokens its routed count (at least 1, X3). */
    static Invocation slice(Invocation inv, int from, int to) {
        Map<String, Tensor> in = new LinkedHashMap<>(inv.inputs());
        long used = 0;
        for (String port : new String[] {Ports.INP, Ports.ROUTING_MAP, Ports.PROBS}) {
            Tensor a = inv.inputs().get(port);
            if (a == null) continue;
            long[] shape = a.shape();
            shape[0] = to - from;
            Tensor b = Tensor.zeros(a.dtype(), shape);
            for (int t = from; t < to; t++) b.copyRowFrom(a, t, t - from);
            in.put(port, b);
            if (port.equals(Ports.ROUTING_MAP)) {
                for (int t = from; t < to; t++) for (long e = 0; e < a.dim(1); e++) used += a.getLong(t, e);
            }
        }
        return new Invocation(Op.DISPATCH, inv.profile(), in, inv.attrs()).withAttr(Attrs.NUM_OUT_TOKENS, Math.max(1, used));
    }
}
