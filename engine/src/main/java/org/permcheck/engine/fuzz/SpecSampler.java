package org.permcheck.engine.fuzz;

import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;

/**
 * Draws a {@link CaseSpec} from a case seed (docs/generator.md section 9). The draw order is
 * fixed: op, profile, T, E, H, k, routing, align, extra, dtype, probs dtype, probs, merging_probs,
 * zero_probs, values, chunks, chunk order, shards, then the data seed. Dependent fields are
 * adjusted after the draws (never by more draws), so every spec costs the same draws.
 */
public final class SpecSampler {
    private SpecSampler() {}

    /** Weighted op table: dispatch most often, every op reachable. */
    static final Op[] OPS = {Op.DISPATCH, Op.DISPATCH, Op.DISPATCH, Op.DISPATCH, Op.DISPATCH,
            Op.COMBINE, Op.COMBINE, Op.COMBINE, Op.DISPATCH_BACKWARD, Op.DISPATCH_BACKWARD,
            Op.COMBINE_BACKWARD, Op.COMBINE_BACKWARD, Op.SORT_CHUNKS, Op.SORT_CHUNKS_BACKWARD,
            Op.RAGGED_A2A_PARAMS, Op.REVERSE_RAGGED_A2A_PARAMS, Op.LOCAL_PERMUTE_AFTER_A2A, Op.LOCAL_UNPERMUTE_BEFORE_A2A};
    static final int[] ALIGNS = {1, 2, 4, 16, 128};
    static final DType[] PAYLOAD = {DType.F32, DType.BF16, DType.F16, DType.F8E4M3, DType.F8E5M2};
    static final DType[] REDUCIBLE = {DType.F32, DType.BF16, DType.F16};
    static final Values[] MOVE_VALUES = {Values.BITS, Values.SPECIALS, Values.NORMAL, Values.SMALL, Values.INDEX};
    static final Values[] REDUCE_VALUES = {Values.NORMAL, Values.SMALL};
    static final String[] ORDERS = {"random", "identity", "reverse"};
    static final int[] SHARDS = {1, 2, 4};

    /** A sampled spec and the class it was drawn from (its {@code size-*} feature label). */
    public record Drawn(SizeClass size, CaseSpec spec) {}

    /** The original single-class draw (the tiers, the kill matrix): {@code draw(caseSeed, SizeMix.legacy(size))}. */
    public static CaseSpec sample(long caseSeed, SizeClass size) {
        return draw(caseSeed, SizeMix.legacy(size)).spec();
    }

    /**
     * Draws a spec from a case seed. Unless the mix is legacy, the class is drawn first
     * ({@code below(total weight)}, {@link SizeMix#weights}), and after the data seed two more draws
     * pick the routing map's dtype and distinct payload values (docs/generator.md section 9).
     */
    public static Drawn draw(long caseSeed, SizeMix mix) {
        SplitMix64 r = new SplitMix64(caseSeed);
        SizeClass size = mix.legacy() ? mix.sizes().get(0) : mix.pick(r.below(mix.totalWeight()));
        int[] tokenTable = mix.tokens(size);
        int[] expertTable = mix.experts(size);
        int[] hiddenTable = mix.hidden(size);
        Op op = OPS[r.below(OPS.length)];
        boolean torch = r.below(4) == 0;
        int tokens = tokenTable[r.below(tokenTable.length)];
        int experts = expertTable[r.below(expertTable.length)];
        int hidden = hiddenTable[r.below(hiddenTable.length)];
        int topK;
        if (size.topK == null) {
            topK = 1 + r.below(Math.min(experts, 8));
        } else {
            int k = size.topK[r.below(size.topK.length)];
            topK = k == SizeClass.K_ALL ? experts : Math.min(k, experts);
        }
        topK = mix.topK(topK);
        Routing routing = Routing.values()[r.below(Routing.values().length)];
        int align = r.below(3) == 0 ? 0 : ALIGNS[r.below(ALIGNS.length)];
        int extra = r.below(3) == 0 ? r.below(4) : 0;
        DType movedDtype = PAYLOAD[r.below(PAYLOAD.length)];
        DType probsDtype = REDUCIBLE[r.below(REDUCIBLE.length)];
        boolean probs = r.below(2) == 0;
        boolean mergingProbs = r.below(2) == 0;
        boolean zeroProbs = r.below(2) == 0;
        Values moveValues = MOVE_VALUES[r.below(MOVE_VALUES.length)];
        int chunks = 1 + r.below(16);
        String order = ORDERS[r.below(ORDERS.length)];
        int shards = SHARDS[r.below(SHARDS.length)];
        long seed = r.next();
        // the mix's extra draws come after the seed, so every field above is drawn as in the legacy order
        int routingDraw = mix.legacy() ? ROUTING_DTYPES.length : r.below(ROUTING_DTYPES.length + 6);
        boolean distinct = !mix.legacy() && r.below(DISTINCT_ONE_IN) == 0;

        boolean dispatchFamily = isDispatchFamily(op);
        boolean reduces = op == Op.COMBINE || op == Op.DISPATCH_BACKWARD || op == Op.COMBINE_BACKWARD;
        Profile profile = dispatchFamily && torch ? Profile.TORCH_MASK_PAD : Profile.TE_JAX;
        if (op == Op.DISPATCH && profile.paddingRequired() && align == 0) align = 16;
        DType dtype = reduces ? REDUCIBLE[indexOf(PAYLOAD, movedDtype) % REDUCIBLE.length] : movedDtype;
        Values values = reduces ? REDUCE_VALUES[indexOf(MOVE_VALUES, moveValues) % REDUCE_VALUES.length] : moveValues;
        if (!dispatchFamily) align = 0;
        if (op == Op.SORT_CHUNKS || op == Op.SORT_CHUNKS_BACKWARD) {
            chunks = Math.min(chunks, Math.max(1, tokens));
        } else {
            chunks = 1;
        }
        if (isExpertParallel(op)) {
            experts = shards * (1 + experts % 4); // E = shards * L with L in 1..4
            tokens = tokens % 9;                  // counts per (shard, expert) up to 8
        } else {
            shards = 1;
        }
        // keep a MEDIUM case below MAX_ELEMENTS moved elements by narrowing H
        long rowsMoved = (long) tokens * (dispatchFamily ? Math.min(topK, experts) : 1);
        while (hidden > 1 && rowsMoved * hidden > SizeClass.MAX_ELEMENTS) hidden /= 2;
        DType routingDtype = DType.I32;
        boolean indexForm = false;
        if (!mix.legacy()) {
            // the class's budgets: k, then T (to a smaller value of its table) until the case fits
            while (dispatchFamily && topK > 1 && (long) tokens * Math.min(topK, experts) * hidden > size.maxElements) topK = Math.max(1, topK / 2);
            while (dispatchFamily && tokens > 1 && ((long) tokens * Math.min(topK, experts) * hidden > size.maxElements
                    || (long) tokens * experts > size.maxMap)) {
                tokens = smallerEntry(tokenTable, tokens);
            }
            if (isExpertParallel(op) && mix.maxExperts() > 0 && experts > mix.maxExperts()) {
                // E = shards * L stays a multiple of the shards: fewer shards, then fewer local experts
                while (shards > 1 && shards > mix.maxExperts()) shards /= 2;
                experts = shards * Math.max(1, mix.maxExperts() / shards);
            }
            if (op == Op.DISPATCH && routingDraw < ROUTING_DTYPES.length) routingDtype = ROUTING_DTYPES[routingDraw];
            // I1-I4: two draws of the same die give the index form, topk_ids int32 or int64 (no new draw: every other case stays)
            // (not in a class the oracle is not run on: the relations R3/R4 are written for the routing map, so nothing would judge it)
            if (op == Op.DISPATCH && !size.oracleFree(op) && routingDraw >= ROUTING_DTYPES.length && routingDraw < ROUTING_DTYPES.length + INDEX_FORM_DRAWS) {
                indexForm = true;
                routingDtype = routingDraw == ROUTING_DTYPES.length ? DType.I32 : DType.I64;
            }
            if (distinct && (!reduces || dtype == DType.F32)) values = Values.DISTINCT;
        }
        // F1-F4: half the fp8 dispatches of a size mix bring block scales, recipe 1 or 2, read from the seed's bits (no new
        // draw: every other field stays); not the legacy draws (the tiers' draws must not move, SizeMixTest: the quick tier
        // has its quantized edge cases and vectors), not in a class the oracle is not run on (the relations know no scales)
        int scaleRecipe = 0;
        boolean fp8 = dtype == DType.F8E4M3 || dtype == DType.F8E5M2;
        if (!mix.legacy() && op == Op.DISPATCH && fp8 && !profile.argsortOutputs() && !size.oracleFree(op)) {
            int pick = (int) ((seed >>> SCALE_BITS) & 3);
            if (pick == 1 || pick == 2) scaleRecipe = pick;
        }
        CaseSpec spec = new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, extra, dtype, probsDtype, probs,
                mergingProbs, zeroProbs, values, chunks, order, shards, seed, routingDtype, indexForm, scaleRecipe);
        return new Drawn(size, spec);
    }

    /** Routing maps other than int32, each drawn in one case in {@code ROUTING_DTYPES.length + 6} (X2). */
    static final DType[] ROUTING_DTYPES = {DType.BOOL, DType.I64};
    /** Index-form dispatches (topk_ids i32, i64), each in one case in {@code ROUTING_DTYPES.length + 6} of the same draw. */
    static final int INDEX_FORM_DRAWS = 2;
    /** The seed's bits (shifted right by this) that give a sampled fp8 dispatch its block-scale recipe: 1, 2, else none. */
    static final int SCALE_BITS = 29;
    /** Distinct payload values in one case in this many (FlashInfer #4087). */
    static final int DISTINCT_ONE_IN = 6;

    /** The largest entry of the table below v, or v / 2 when there is none (T must keep shrinking). */
    private static int smallerEntry(int[] table, int v) {
        int best = 0;
        for (int x : table) if (x < v && x > best) best = x;
        return best > 0 ? best : Math.max(1, v / 2);
    }

    /** token_dispatch, token_combine and their backward passes: the ops of one routing map and its layout (D, C, G rules). */
    static boolean isDispatchFamily(Op op) {
        return op == Op.DISPATCH || op == Op.COMBINE || op == Op.DISPATCH_BACKWARD || op == Op.COMBINE_BACKWARD;
    }

    static boolean isExpertParallel(Op op) {
        return op == Op.RAGGED_A2A_PARAMS || op == Op.REVERSE_RAGGED_A2A_PARAMS
                || op == Op.LOCAL_PERMUTE_AFTER_A2A || op == Op.LOCAL_UNPERMUTE_BEFORE_A2A;
    }

    private static <T> int indexOf(T[] a, T v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        return 0;
    }
}
