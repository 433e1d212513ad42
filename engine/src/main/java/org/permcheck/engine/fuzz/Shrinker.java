package org.permcheck.engine.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Predicate;

import org.permcheck.contract.Op;
import org.permcheck.tensor.DType;

/**
 * Domain-aware shrinking: from a failing spec, repeatedly try smaller neighbours - fewer tokens,
 * fewer experts, smaller H, smaller k, no padding or smaller align, no extra rows, no probs,
 * simpler routing and values, f32 payload - and keep the first that still fails in the same way
 * (the caller's predicate: same status, same rule). Stops at a local minimum or after
 * {@code maxTries} evaluations. Candidates are ordered biggest cut first, so a failure that
 * needs two tokens usually reaches T = 2 in a handful of steps.
 */
public final class Shrinker {
    private Shrinker() {}

    /** The minimal spec found, how many shrink steps were taken, and how many candidates were tried. */
    public record Result(CaseSpec minimal, int steps, int tries) {}

    public static Result shrink(CaseSpec start, Predicate<CaseSpec> stillFails, int maxTries) {
        CaseSpec current = start;
        int steps = 0;
        int tries = 0;
        boolean improved = true;
        while (improved && tries < maxTries) {
            improved = false;
            for (CaseSpec candidate : candidates(current)) {
                if (tries >= maxTries) break;
                if (CaseGenerator.problem(candidate) != null) continue;
                tries++;
                if (stillFails.test(candidate)) {
                    current = candidate;
                    steps++;
                    improved = true;
                    break;
                }
            }
        }
        return new Result(current, steps, tries);
    }

    /** Smaller neighbours of {@code s}, biggest cut first; never {@code s} itself. */
    static List<CaseSpec> candidates(CaseSpec s) {
        LinkedHashSet<CaseSpec> out = new LinkedHashSet<>();
        boolean ep = SpecSampler.isExpertParallel(s.op());
        boolean chunkSort = s.op() == Op.SORT_CHUNKS || s.op() == Op.SORT_CHUNKS_BACKWARD;
        for (int t : smaller(s.tokens(), ep || chunkSort ? 0 : 1)) {
            out.add(s.withTokens(t));
        }
        if (ep) {
            for (int sh : smaller(s.shards(), 1)) if (s.experts() % sh == 0) out.add(s.withShards(sh));
            for (int e : smaller(s.experts(), 1)) if (e % s.shards() == 0) out.add(s.withExperts(e));
        } else {
            for (int e : smaller(s.experts(), 1)) out.add(s.withExperts(e).withTopK(Math.min(s.topK(), e)));
        }
        for (int h : smaller(s.hidden(), 1)) out.add(s.withHidden(h));
        for (int k : smaller(Math.min(s.topK(), Math.max(1, s.experts())), 1)) out.add(s.withTopK(k));
        if (s.chunks() > 1) for (int c : smaller(s.chunks(), 1)) out.add(s.withChunks(c));
        if (s.extra() > 0) out.add(s.withExtra(0));
        if (s.align() > 1) {
            if (!s.profile().paddingRequired() || s.op() != Op.DISPATCH) out.add(s.withAlign(0));
            for (int a : smaller(s.align(), 1)) out.add(s.withAlign(a));
        }
        if (s.probs()) out.add(s.withProbs(false));
        if (s.mergingProbs()) out.add(s.withMergingProbs(false));
        if (s.zeroProbs()) out.add(s.withZeroProbs(false));
        if (s.routing() != Routing.UNIFORM) out.add(s.withRouting(Routing.UNIFORM));
        if (chunkSort && s.chunkOrder().equals("random")) out.add(s.withChunkOrder("reverse"));
        // down the list, never to DISTINCT (the last, added later: old shrinks stay as they were); from it to INDEX
        for (int v = s.values().ordinal() + 1; v < Values.DISTINCT.ordinal(); v++) out.add(s.withValues(Values.values()[v]));
        if (s.values() == Values.DISTINCT) out.add(s.withValues(Values.INDEX));
        if (s.routingDtype() != DType.I32) out.add(s.withRoutingDtype(DType.I32));
        if (s.dtype() != DType.F32) out.add(s.withDtype(DType.F32));
        if (s.probsDtype() != DType.F32) out.add(s.withProbsDtype(DType.F32));
        out.remove(s);
        return new ArrayList<>(out);
    }

    /** Values below v, down to min: min, v/4, v/2, v-1 (biggest cut first, distinct, each in [min, v)). */
    static List<Integer> smaller(int v, int min) {
        LinkedHashSet<Integer> out = new LinkedHashSet<>();
        for (int x : new int[] {min, v / 4, v / 2, v - 1}) if (x >= min && x < v) out.add(x);
        return new ArrayList<>(out);
    }
}
