package org.permcheck.engine.vectors;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Attrs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.contract.ScaleRecipe;
import org.permcheck.engine.fuzz.BlockScales;
import org.permcheck.engine.fuzz.CaseFeatures;
import org.permcheck.contract.Rule;
import org.permcheck.oracle.Oracle;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The curated, hand-written edge cases: every rule of docs/spec.md has at least one vector
 * (rules A5 and A6 describe a multi-rank simulation, not a single call; see docs/vectors.md §6).
 * Inputs are written out here; expected outputs always come from the oracle when the vector is
 * written. Many start from the worked example of TE §1 (T=5, E=3).
 */
public final class HandWrittenVectors {
    private HandWrittenVectors() {}

    /** TE §1 worked example: count=[3,2,2]; token 4 is routed nowhere. */
    static final long[] WORKED_MAP = {1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0};

    private static final float NAN_PAYLOAD = Float.intBitsToFloat(0x7FC01234);

    /** The worked example's routing map, int32 [5, 3]. */
    private static Tensor workedMap() { return Tensor.i32(shape(5, 3), WORKED_MAP); }

    /**
     * The oracle's outputs for the worked example's dispatch of f32 rows of 4 into 7 rows (padded to {@code align}
     * when given): the row_id_map and pad_offsets that the combine, gradient and negative vectors take.
     */
    private static Map<String, Tensor> workedDispatch(Long align) {
        return Oracle.expected(dispatch(Profile.TE_JAX, ramp(DType.F32, 5, 4), workedMap(), null, 7, align)).values();
    }

    public static List<VectorCase> all() {
        List<VectorCase> v = new ArrayList<>();
        dispatch(v);
        indexForm(v);
        quantized(v);
        combine(v);
        gradients(v);
        chunkSort(v);
        expertParallel(v);
        negative(v);
        megatron(v);
        blockAlign(v);
        teIndex(v);
        paddedPermute(v);
        deepEpLayout(v);
        teEp(v);
        inferencePermute(v);
        padRoutingMap(v);
        return v;
    }

    // ------------------------------------------------------------------ D, P, N, M

    private static void dispatch(List<VectorCase> v) {
        Tensor map = workedMap();
        v.add(vec("dispatch/worked-example", "TE §1 worked example, unpadded, num_out_tokens = routed pairs",
                rules(Rule.D1, Rule.D2, Rule.M1, Rule.M2, Rule.M3, Rule.M4, Rule.M5, Rule.N1), feats("f32", "unrouted-token"),
                dispatch(Profile.TE_JAX, ramp(DType.F32, 5, 4), map, null, 7, null)));
        v.add(vec("dispatch/worked-example-padded", "TE §1 worked example with align_size 4: pad rows, worst-case buffer of 16 rows",
                rules(Rule.D1, Rule.D2, Rule.P1, Rule.P2, Rule.P3, Rule.P4, Rule.N1, Rule.M2), feats("f32", "padding", "unrouted-token"),
                dispatch(Profile.TE_JAX, ramp(DType.F32, 5, 4), map, null, 7, 4L)));
        v.add(vec("dispatch/extra-rows", "num_out_tokens 10 > 7 routed pairs: rows 7..9 are unspecified",
                rules(Rule.D5, Rule.D1), feats("f32", "extra-rows"),
                dispatch(Profile.TE_JAX, ramp(DType.F32, 5, 4), map, null, 10, null)));
        v.add(vec("dispatch/extra-rows-padded", "num_out_tokens 10 > 7 with align_size 2: tail rows are zero, not free",
                rules(Rule.P3, Rule.P2), feats("f32", "extra-rows", "padding"),
                dispatch(Profile.TE_JAX, ramp(DType.F32, 5, 4), map, null, 10, 2L)));

        Tensor probs = Tensor.ofFloats(DType.F32, shape(5, 3), 0.0f, 0.5f, 0.9f, 0.25f, 7f, -0.0f, 1f, 2f, 0.125f, Float.NaN, 0.75f, 3f, 4f, 5f, 6f);
        v.add(vec("dispatch/zero-probs", "routed probabilities +0.0 (t0,e0) and -0.0 (t1,e2) zero their rows; NaN (t3,e0) copies",
                rules(Rule.D3, Rule.D4), feats("f32", "probs", "zero-prob", "nan-prob"),
                dispatch(Profile.TE_JAX, ramp(DType.F32, 5, 4), map, probs, 7, null)));
        v.add(vec("dispatch/zero-probs-padded", "zero probabilities with align_size 4: padded rows of permuted_probs are +0.0",
                rules(Rule.D3, Rule.D4, Rule.P2), feats("f32", "probs", "zero-prob", "padding"),
                dispatch(Profile.TE_JAX, ramp(DType.F32, 5, 4), map, probs, 7, 4L)));
        v.add(vec("dispatch/bf16-probs-f16", "bf16 payload with f16 probabilities",
                rules(Rule.D2, Rule.D4), feats("bf16", "probs", "mixed-dtypes"),
                dispatch(Profile.TE_JAX, ramp(DType.BF16, 5, 6), map, convert(probs, DType.F16), 7, null)));

        Tensor special = Tensor.zeros(DType.BF16, 5, 4);
        long[] bits = {0x8000, 0x7FC1, 0xFF81, 0x7F80, 0x0001, 0x3F80, 0xBF80, 0x7F7F};
        for (long i = 0; i < special.numel(); i++) special.setBits(i, bits[(int) (i % bits.length)]);
        v.add(vec("dispatch/bf16-special-bits", "bf16 rows with -0.0, NaN payloads, inf, subnormal: moved bit for bit",
                rules(Rule.D2), feats("bf16", "negative-zero", "nan-payload"),
                dispatch(Profile.TE_JAX, special, map, null, 7, null)));
        Tensor f32special = Tensor.zeros(DType.F32, 5, 2);
        long[] fb = {0x80000000L, 0x7FC01234L, 0xFF800001L, 0x00000001L, 0x7F800000L};
        for (long i = 0; i < f32special.numel(); i++) f32special.setBits(i, fb[(int) (i % fb.length)]);
        v.add(vec("dispatch/f32-special-bits", "f32 rows with -0.0, signalling and quiet NaN payloads, subnormal, inf",
                rules(Rule.D2), feats("f32", "negative-zero", "nan-payload"),
                dispatch(Profile.TE_JAX, f32special, map, null, 7, null)));
        for (DType d : new DType[] {DType.F8E4M3, DType.F8E5M2}) {
            Tensor f8 = Tensor.zeros(d, 5, 8);
            for (long i = 0; i < f8.numel(); i++) f8.setBits(i, (i * 37 + 11) & 0xFF);
            String label = CaseFeatures.dtypeLabel(d);
            v.add(vec("dispatch/" + label, "fp8 payload (every byte pattern class, NaN codes included) moved as raw bits, padded",
                    rules(Rule.D2, Rule.P2), feats(label, "padding"),
                    dispatch(Profile.TE_JAX, f8, map, null, 7, 4L)));
        }
        v.add(vec("dispatch/f16", "f16 payload, padded with align_size 3",
                rules(Rule.D2, Rule.P1, Rule.P2), feats("f16", "padding"),
                dispatch(Profile.TE_JAX, ramp(DType.F16, 5, 3), map, null, 7, 3L)));

        Tensor sparse = Tensor.i32(shape(6, 4), 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        v.add(vec("dispatch/empty-experts", "experts 0 and 1 receive no token: zero rows even with padding (0 stays 0)",
                rules(Rule.D1, Rule.P1, Rule.P2, Rule.N1), feats("f32", "empty-expert", "unrouted-token", "padding"),
                dispatch(Profile.TE_JAX, ramp(DType.F32, 6, 2), sparse, null, 5, 4L)));
        v.add(vec("dispatch/align-1", "align_size 1: the unpadded layout in a zeroed buffer, pad_offsets all zero",
                rules(Rule.P1, Rule.P2, Rule.P4), feats("f32", "align-1", "padding", "extra-rows"),
                dispatch(Profile.TE_JAX, ramp(DType.F32, 5, 2), map, null, 9, 1L)));
        Tensor boolMap = Tensor.ofInts(DType.BOOL, shape(5, 3), WORKED_MAP);
        v.add(vec("dispatch/bool-routing-map", "routing_map as bool",
                rules(Rule.D1, Rule.X2), feats("f32", "bool-routing-map", "unrouted-token"),
                dispatch(Profile.TE_JAX, ramp(DType.F32, 5, 2), boolMap, null, 7, null)));
        v.add(vec("dispatch/single-expert", "E = 1: every routed token in one group, descending order is trivial",
                rules(Rule.D1, Rule.M2, Rule.M3, Rule.M4), feats("f32", "single-expert", "unrouted-token"),
                dispatch(Profile.TE_JAX, ramp(DType.F32, 4, 3), Tensor.i32(shape(4, 1), 1, 0, 1, 1), null, 3, null)));
        v.add(vec("dispatch/all-routed", "every token to every expert (top-k = E)",
                rules(Rule.D1, Rule.M2, Rule.M3, Rule.M4, Rule.N1), feats("f32", "all-routed"),
                dispatch(Profile.TE_JAX, ramp(DType.F32, 3, 2), Tensor.filled(DType.I32, 1, 3, 4), null, 12, null)));

        Tensor aligned = Tensor.i32(shape(4, 2), 1, 1, 1, 1, 0, 0, 0, 0);
        v.add(vec("dispatch/torch-mask-pad-aligned", "torch-mask-pad: counts already aligned, so pad_offsets is absent; int64 counts",
                rules(Rule.P3, Rule.P4, Rule.N1), feats("f32", "torch-mask-pad", "padding", "unrouted-token"),
                dispatch(Profile.TORCH_MASK_PAD, ramp(DType.F32, 4, 2), aligned, null, 4, 2L)));
        v.add(vec("dispatch/torch-mask-pad", "torch-mask-pad: exact buffer of sum(target) rows, int64 pad_offsets and counts",
                rules(Rule.P1, Rule.P2, Rule.P3, Rule.P4, Rule.N1), feats("bf16", "torch-mask-pad", "padding", "probs"),
                dispatch(Profile.TORCH_MASK_PAD, ramp(DType.BF16, 5, 4), map, probs, 7, 4L)));
    }

    // ------------------------------------------------------------------ I (the index form, issue 14)

    /**
     * The index form's worked example (docs/spec.md I1-I4; IndexFormTest computes it by hand): T=4, E=3, k=2,
     * t0 -> {2 (w .25), 0 (w .75)}, t1 -> {1 (w .5), -1 (w NaN)}, t2 -> {0 (w 0.0), 2 (w 1)}, t3 -> {-1, -1}.
     */
    static final long[] INDEX_IDS = {2, 0, 1, -1, 0, 2, -1, -1};
    private static final float[] INDEX_WEIGHTS = {0.25f, 0.75f, 0.5f, Float.NaN, 0.0f, 1.0f, Float.NaN, Float.NaN};

    private static void indexForm(List<VectorCase> v) {
        Tensor ids = Tensor.i32(shape(4, 2), INDEX_IDS);
        Tensor w = Tensor.ofFloats(DType.F32, shape(4, 2), INDEX_WEIGHTS);
        v.add(vec("dispatch/index-form-worked-example", "topk_ids with -1 slots (NaN weights, never read), unsorted slots, a zero weight: "
                        + "rows e0=[t0, t2 zeroed], e1=[t1], e2=[t0, t2]; permuted_probs by slot",
                rules(Rule.I1, Rule.I2, Rule.I3, Rule.I4, Rule.D3, Rule.D4, Rule.M2, Rule.N1), feats("f32", "index-form", "minus-one-slot", "probs", "zero-prob", "unrouted-token"),
                indexDispatch(Profile.TE_JAX, ramp(DType.F32, 4, 3), ids, w, 3, 5, null)));
        v.add(vec("dispatch/index-form-padded", "the index-form worked example with align_size 2 and two spare rows: pads and tail rows zero",
                rules(Rule.I1, Rule.I4, Rule.P1, Rule.P2, Rule.P3), feats("bf16", "index-form", "minus-one-slot", "probs", "padding", "extra-rows"),
                indexDispatch(Profile.TE_JAX, ramp(DType.BF16, 4, 2), ids, convert(w, DType.BF16), 3, 7, 2L)));
        // slots in descending expert order, weights distinct: pairing the weights with the sorted ids swaps them (I3)
        Tensor desc = Tensor.ofInts(DType.I64, shape(3, 2), 1, 0, 2, 1, 0, 2);
        v.add(vec("dispatch/index-form-slot-order", "int64 topk_ids whose slots are not sorted: each weight belongs to its slot's expert",
                rules(Rule.I2, Rule.I3, Rule.D4, Rule.M2, Rule.M3), feats("f32", "index-form", "probs", "int64-index"),
                indexDispatch(Profile.TE_JAX, ramp(DType.F32, 3, 2), desc, Tensor.ofFloats(DType.F32, shape(3, 2), 0.125f, 0.875f, 0.25f, 0.5f, 0.375f, 0.625f), 3, 6, null)));
        // -1 beside experts that are not E-1: read as expert E-1 (x[-1]) it adds rows, counts and row_id_map columns
        Tensor minus = Tensor.i32(shape(4, 2), -1, 0, 1, -1, -1, -1, 0, 1);
        v.add(vec("dispatch/index-form-minus-one", "torch-mask-pad, no weights: -1 slots route nowhere, never to expert E-1 (expert 2 stays empty)",
                rules(Rule.I4, Rule.N1, Rule.M4, Rule.P1), feats("f16", "index-form", "minus-one-slot", "torch-mask-pad", "padding", "empty-expert", "unrouted-token"),
                indexDispatch(Profile.TORCH_MASK_PAD, ramp(DType.F16, 4, 2), minus, null, 3, 4, 2L)));
        // profile maxtext (J1-J4): MaxText's argsort permute; flat ids 2 0 1 2 3 2 sort stably to slots [1, 2, 0, 3, 5, 4] (by hand:
        // docs/spec.md J3); rolled by 1 the ids are 1 3 0 1 2 1 and the slots [2, 0, 3, 5, 4, 1], the counts [1, 3, 1, 1]
        Tensor mx = Tensor.i32(shape(3, 2), 2, 0, 1, 2, 3, 2);
        Tensor mw = Tensor.ofFloats(DType.F32, shape(3, 2), 0.25f, 0.75f, 0.5f, 0.0f, 1.0f, 0.125f);
        v.add(vec("dispatch/maxtext-argsort", "maxtext: T*K = 6 rows in (expert, token, slot) order, sorted_selected_experts [1,2,0,3,5,4], "
                        + "group_sizes int32 [1,1,3,1]; slot (1,1) weighs 0.0, so its row is zeroed",
                rules(Rule.J1, Rule.J2, Rule.J3, Rule.I3, Rule.D3, Rule.N1), feats("f32", "index-form", "maxtext", "probs", "zero-prob"),
                indexDispatch(Profile.MAXTEXT, ramp(DType.F32, 3, 2), mx, mw, 4, 6, null)));
        Invocation rolled = new Invocation(Op.DISPATCH, Profile.MAXTEXT, inputs(Ports.INP, ramp(DType.BF16, 3, 2), Ports.TOPK_IDS, mx),
                attrs(Attrs.NUM_EXPERTS, 4, Attrs.NUM_OUT_TOKENS, 6, Attrs.ROLL_TO_EXPERT_ID, 1));
        v.add(vec("dispatch/maxtext-roll", "maxtext with roll_to_expert_id 1: ids (id - 1) mod 4 before the sort; group g holds expert g+1: "
                        + "sorted_selected_experts [2,0,3,5,4,1], group_sizes [1,3,1,1] (not the unrolled [1,1,3,1])",
                rules(Rule.J1, Rule.J2, Rule.J3, Rule.J4, Rule.M2, Rule.M3), feats("bf16", "index-form", "maxtext", "roll"),
                rolled));
    }

    static Invocation indexDispatch(Profile profile, Tensor inp, Tensor ids, Tensor weights, long experts, long numOut, Long align) {
        return new Invocation(Op.DISPATCH, profile, inputs(Ports.INP, inp, Ports.TOPK_IDS, ids, Ports.TOPK_WEIGHTS, weights),
                attrs(Attrs.NUM_EXPERTS, experts, Attrs.NUM_OUT_TOKENS, numOut, Attrs.ALIGN_SIZE, align));
    }

    // ------------------------------------------------------------------ F (quantized payloads, issue 17)

    /**
     * Block scales on the worked example's routing (t0: e0,e1; t1: e0,e2; t2: e2; t3: e0,e1; t4: none): unpadded rows hold
     * tokens 0,1,3 | 0,3 | 1,2, so permuted_scale_inv row r is scale_inv row [0,1,3,0,3,1,2][r] (docs/spec.md F2; by hand in
     * oracle QuantizedScalesTest). Scales by BlockScales (distinct per token and block).
     */
    private static void quantized(List<VectorCase> v) {
        Tensor map = workedMap();
        Tensor block = BlockScales.of(ScaleRecipe.FP8_BLOCK_1X128, 5, 130), mx = BlockScales.of(ScaleRecipe.MXFP8, 5, 40);
        v.add(vec("dispatch/scales-block-worked-example", "fp8 1x128 blocks, H = 130 (2 f32 scales a row): each row's scales are its token's",
                rules(Rule.F1, Rule.F2, Rule.D1, Rule.D2), feats("fp8-e4m3", "quantized", "fp8-block-1x128", "unrouted-token"),
                scaled(dispatch(Profile.TE_JAX, fp8(DType.F8E4M3, 5, 130), map, null, 7, null), block, ScaleRecipe.FP8_BLOCK_1X128)));
        v.add(vec("dispatch/scales-block-padded", "te-jax, align 4: pad rows 3, 6, 7, 10, 11 and tail rows 12-15 hold zero scales (TE #2547)",
                rules(Rule.F1, Rule.F2, Rule.F3, Rule.P2, Rule.P3), feats("fp8-e4m3", "quantized", "fp8-block-1x128", "padding"),
                scaled(dispatch(Profile.TE_JAX, fp8(DType.F8E4M3, 5, 130), map, null, 7, 4L), block, ScaleRecipe.FP8_BLOCK_1X128)));
        Tensor probs = Tensor.zeros(DType.F32, 5, 3);
        for (long i = 0; i < probs.numel(); i++) if (WORKED_MAP[(int) i] == 1) probs.setF32(i, 0.25f + 0.125f * (i % 3));
        probs.setBits(0, 1, 0x80000000L); // (t0,e1) -> row 3: -0.0
        probs.setF32(1, 2, 0f);           // (t1,e2) -> row 5: +0.0
        v.add(vec("dispatch/scales-mxfp8-zero-probs", "MXFP8, H = 40 (2 E8M0 bytes a row); rows 3 and 5 zeroed by +-0.0 probs keep their token's scales (F4)",
                rules(Rule.F1, Rule.F2, Rule.F4, Rule.D3, Rule.D4), feats("fp8-e5m2", "quantized", "mxfp8", "probs", "zero-prob"),
                scaled(dispatch(Profile.TE_JAX, fp8(DType.F8E5M2, 5, 40), map, probs, 7, null), mx, ScaleRecipe.MXFP8)));
        v.add(vec("dispatch/scales-mxfp8-extra-rows", "MXFP8, num_out_tokens 10: scale rows 7-9 are unspecified, as the payload's (F3, D5)",
                rules(Rule.F1, Rule.F2, Rule.F3, Rule.D5), feats("fp8-e4m3", "quantized", "mxfp8", "extra-rows"),
                scaled(dispatch(Profile.TE_JAX, fp8(DType.F8E4M3, 5, 40), map, null, 10, null), mx, ScaleRecipe.MXFP8)));
        Tensor ids = Tensor.i32(shape(5, 2), 1, 0, 2, 0, 2, -1, 0, 1, -1, -1); // the worked example in the index form
        v.add(vec("dispatch/scales-mxfp8-index-form-torch", "torch-mask-pad, align 2, the index form: rows 0,1,3,pad | 0,3 | 1,2 carry their tokens' scales",
                rules(Rule.F1, Rule.F2, Rule.F3, Rule.I1, Rule.P2), feats("fp8-e4m3", "quantized", "mxfp8", "index-form", "torch-mask-pad", "padding"),
                scaled(indexDispatch(Profile.TORCH_MASK_PAD, fp8(DType.F8E4M3, 5, 40), ids, null, 3, 7, 2L), mx, ScaleRecipe.MXFP8)));
    }

    /** {@code inv} with block scales: the scale_inv input and the scale_recipe attribute (F1). */
    static Invocation scaled(Invocation inv, Tensor scale, ScaleRecipe recipe) {
        return inv.withInput(Ports.SCALE_INV, scale).withAttr(Attrs.SCALE_RECIPE, recipe.code());
    }

    /** An fp8 payload whose bytes differ by position (no NaN pattern: e4m3 0x7F/0xFF, e5m2 0x7C and up are avoided). */
    static Tensor fp8(DType d, long rows, long cols) {
        Tensor t = Tensor.zeros(d, rows, cols);
        for (long r = 0; r < rows; r++) for (long c = 0; c < cols; c++) t.setBits(r, c, 1 + (r * 31 + c * 3) % 0x70);
        return t;
    }

    // ------------------------------------------------------------------ C

    private static void combine(List<VectorCase> v) {
        Map<String, Tensor> dp = workedDispatch(4L);
        Tensor rid = workedDispatch(null).get(Ports.ROW_ID_MAP);
        Tensor mp = Tensor.zeros(DType.F32, 5, 3);
        for (long i = 0; i < mp.numel(); i++) mp.setF32(i, 0.1f + 0.3f * (i % 4));
        v.add(vec("combine/worked-example", "combine of the worked example with merging probs: descending expert f32 accumulation",
                rules(Rule.C1, Rule.C2, Rule.C3, Rule.C5), feats("f32", "merging-probs", "unrouted-token"),
                combine(Profile.TE_JAX, payload(DType.F32, 7, 4), rid, mp, null)));
        v.add(vec("combine/no-merging-probs", "combine without merging probs: a plain sum over routed experts",
                rules(Rule.C1, Rule.C3), feats("bf16", "unrouted-token"),
                combine(Profile.TE_JAX, payload(DType.BF16, 7, 4), rid, null, null)));
        v.add(vec("combine/padded", "combine of a padded buffer through pad_offsets; padded rows hold NaN and are never read",
                rules(Rule.C1, Rule.C4), feats("f32", "padding", "merging-probs", "unspecified-slots"),
                combine(Profile.TE_JAX, nanPadRows(payload(DType.F32, 16, 4), new long[] {3, 6, 7, 10, 11, 12, 13, 14, 15}),
                        dp.get(Ports.ROW_ID_MAP), mp, dp.get(Ports.PAD_OFFSETS))));
        Tensor junk = rid.copy();
        for (long t = 0; t < 5; t++) {
            long n = junk.getLong(t, 6);
            for (long c = n; c < 3; c++) junk.setLong(t, c, 1000 + c);
            for (long c = 3 + n; c < 6; c++) junk.setLong(t, c, -77);
        }
        Tensor nanMp = mp.copy();
        for (int i = 0; i < WORKED_MAP.length; i++) if (WORKED_MAP[i] == 0) nanMp.setF32(i, NAN_PAYLOAD);
        v.add(vec("combine/garbage-in-free-slots", "row_id_map garbage in its unspecified slots and NaN merging probs of unrouted experts: neither may leak",
                rules(Rule.C4, Rule.M5), feats("f32", "merging-probs", "unspecified-slots"),
                combine(Profile.TE_JAX, payload(DType.F32, 7, 4), junk, nanMp, null)));
        v.add(vec("combine/bf16-f32-probs", "bf16 payload, f32 merging probs: one final rounding to bf16",
                rules(Rule.C1, Rule.C5, Rule.C6), feats("bf16", "merging-probs", "mixed-dtypes"),
                combine(Profile.TE_JAX, payload(DType.BF16, 7, 8), rid, mp, null)));
        v.add(vec("combine/f16-bf16-probs", "f16 payload, bf16 merging probs",
                rules(Rule.C1, Rule.C5, Rule.C6), feats("f16", "merging-probs", "mixed-dtypes"),
                combine(Profile.TE_JAX, payload(DType.F16, 7, 8), rid, convert(mp, DType.BF16), null)));
        v.add(vec("combine/torch-mask-pad-fma", "torch-mask-pad: the bit-faithful value uses fused multiply-add",
                rules(Rule.C2, Rule.C5), feats("f32", "merging-probs", "torch-mask-pad", "padding"),
                combine(Profile.TORCH_MASK_PAD, payload(DType.F32, 12, 4), dp.get(Ports.ROW_ID_MAP), mp, dp.get(Ports.PAD_OFFSETS))));
        Tensor cancel = Tensor.ofFloats(DType.F32, shape(7, 2), 1e8f, 3f, 1.5f, -1e8f, -1e8f, 1f, 2f, 2f, 1e8f, -4f, 5f, 6f, 7f, 8f);
        v.add(vec("combine/cancellation", "terms of 1e8 cancel: the result is judged with the C5 slack, not a relative tolerance alone",
                rules(Rule.C5), feats("f32", "cancellation"),
                combine(Profile.TE_JAX, cancel, rid, null, null)));
        Tensor big = Tensor.zeros(DType.BF16, 7, 4);
        float[] bv = {3e38f, 3e38f, -3e38f, 1e-40f, Float.POSITIVE_INFINITY, 1f, -0.0f, 2f};
        for (long i = 0; i < big.numel(); i++) big.setF32(i, bv[(int) (i % bv.length)]);
        v.add(vec("combine/special-values", "overflow to inf, infinities, subnormals and -0.0 in a bf16 reduction",
                rules(Rule.C5, Rule.C3), feats("bf16", "special-values", "negative-zero"),
                combine(Profile.TE_JAX, big, rid, null, null)));
    }

    // ------------------------------------------------------------------ G

    private static void gradients(List<VectorCase> v) {
        Map<String, Tensor> dp = workedDispatch(4L);
        Tensor rid = workedDispatch(null).get(Ports.ROW_ID_MAP);
        Tensor gpp = Tensor.zeros(DType.F32, 7);
        for (long i = 0; i < 7; i++) gpp.setF32(i, 0.5f + i);
        v.add(vec("dispatch-backward/probs", "dispatch VJP: grad_inp sums routed rows, grad_probs copies grad_permuted_probs",
                rules(Rule.G1, Rule.G2, Rule.C5), feats("f32", "gradient", "probs", "unrouted-token"),
                new Invocation(Op.DISPATCH_BACKWARD, Profile.TE_JAX,
                        inputs(Ports.GRAD_OUTPUT, payload(DType.F32, 7, 4), Ports.ROW_ID_MAP, rid, Ports.GRAD_PERMUTED_PROBS, gpp), Map.of())));
        v.add(vec("dispatch-backward/padded", "dispatch VJP through pad_offsets (bf16)",
                rules(Rule.G1, Rule.C5), feats("bf16", "gradient", "padding"),
                new Invocation(Op.DISPATCH_BACKWARD, Profile.TE_JAX,
                        inputs(Ports.GRAD_OUTPUT, payload(DType.BF16, 16, 4), Ports.ROW_ID_MAP, dp.get(Ports.ROW_ID_MAP),
                                Ports.PAD_OFFSETS, dp.get(Ports.PAD_OFFSETS)), Map.of())));
        v.add(vec("combine-backward/no-merging-probs", "combine VJP without merging probs: bit copies of grad_output rows; unused rows free",
                rules(Rule.G3), feats("f32", "gradient", "extra-rows"),
                new Invocation(Op.COMBINE_BACKWARD, Profile.TE_JAX,
                        inputs(Ports.GRAD_OUTPUT, payload(DType.F32, 5, 4), Ports.ROW_ID_MAP, rid, Ports.FWD_INPUT, payload(DType.F32, 9, 4)), Map.of())));
        Tensor mp = Tensor.zeros(DType.F32, 5, 3);
        for (long i = 0; i < mp.numel(); i++) mp.setF32(i, 0.2f + 0.15f * (i % 5));
        v.add(vec("combine-backward/merging-probs", "combine VJP with merging probs: scaled rows (DATA) and per-(t,e) dot products (REDUCTION)",
                rules(Rule.G3, Rule.G4, Rule.C5), feats("bf16", "gradient", "merging-probs", "padding"),
                new Invocation(Op.COMBINE_BACKWARD, Profile.TE_JAX,
                        inputs(Ports.GRAD_OUTPUT, payload(DType.BF16, 5, 4), Ports.ROW_ID_MAP, dp.get(Ports.ROW_ID_MAP),
                                Ports.FWD_INPUT, payload(DType.BF16, 16, 4), Ports.MERGING_PROBS, mp, Ports.PAD_OFFSETS, dp.get(Ports.PAD_OFFSETS)),
                        Map.of())));
    }

    // ------------------------------------------------------------------ S

    private static void chunkSort(List<VectorCase> v) {
        Tensor split = Tensor.i32(shape(3), 2, 0, 3);
        Tensor order = Tensor.i32(shape(3), 2, 0, 1);
        Invocation fwd = chunks(ramp(DType.F32, 5, 3), split, order, null);
        v.add(vec("chunk-sort/worked-example", "TE §3.4 example: split [2,0,3], order [2,0,1] gives map [3,4,0,1,2]",
                rules(Rule.S1, Rule.S2), feats("f32", "chunk-sort", "zero-size-chunk"), fwd));
        Tensor probs = Tensor.zeros(DType.BF16, 7);
        for (long i = 0; i < 7; i++) probs.setF32(i, 0.125f * (i + 1));
        v.add(vec("chunk-sort/tail-rows-probs", "7 rows, sum(split_sizes) = 5: rows 5 and 6 stay in place; probs follow their rows",
                rules(Rule.S1, Rule.S2), feats("bf16", "chunk-sort", "tail-rows", "probs"),
                chunks(ramp(DType.BF16, 7, 2), Tensor.i32(shape(2), 2, 3), Tensor.i32(shape(2), 1, 0), probs)));
        Tensor fwdOut = Oracle.expected(fwd).values().get(Ports.OUTPUT);
        v.add(vec("chunk-sort/inverse", "the chunk sort with (split[perm], argsort(perm)) undoes the worked example",
                rules(Rule.S4, Rule.S1, Rule.S2), feats("f32", "chunk-sort", "zero-size-chunk"),
                chunks(fwdOut, Tensor.i32(shape(3), 3, 2, 0), Tensor.i32(shape(3), 1, 2, 0), null)));
        Tensor gp = Tensor.zeros(DType.F32, 5);
        for (long i = 0; i < 5; i++) gp.setF32(i, -1.5f * i);
        v.add(vec("chunk-sort-backward/worked-example", "chunk sort VJP: gathers through the map [3,4,0,1,2]",
                rules(Rule.S3), feats("f32", "chunk-sort", "gradient"),
                new Invocation(Op.SORT_CHUNKS_BACKWARD, Profile.TE_JAX,
                        inputs(Ports.GRAD_OUTPUT, ramp(DType.F32, 5, 3), Ports.ROW_ID_MAP, Tensor.i32(shape(5), 3, 4, 0, 1, 2), Ports.GRAD_PERMUTED_PROBS, gp),
                        Map.of())));
    }

    // ------------------------------------------------------------------ A

    private static void expertParallel(List<VectorCase> v) {
        Tensor m = Tensor.i32(shape(2, 4), 1, 2, 0, 3, 2, 0, 4, 1);
        Map<String, Long> shard1 = Map.of(Attrs.SHARD_ID, 1L, Attrs.NUM_SHARDS, 2L);
        v.add(vec("ep/ragged-params", "forward ragged all-to-all parameters of shard 1 of 2 (sender-side output offsets)",
                rules(Rule.A1), feats("expert-parallel"),
                new Invocation(Op.RAGGED_A2A_PARAMS, Profile.TE_JAX, inputs(Ports.ALL_SHARDS_TOKENS_PER_EXPERT, m), shard1)));
        v.add(vec("ep/reverse-ragged-params", "reverse ragged all-to-all parameters of shard 1 of 2",
                rules(Rule.A2), feats("expert-parallel"),
                new Invocation(Op.REVERSE_RAGGED_A2A_PARAMS, Profile.TE_JAX, inputs(Ports.ALL_SHARDS_TOKENS_PER_EXPERT, m), shard1)));
        Invocation after = new Invocation(Op.LOCAL_PERMUTE_AFTER_A2A, Profile.TE_JAX,
                inputs(Ports.INP, ramp(DType.F32, 10, 2), Ports.ALL_SHARDS_TOKENS_PER_EXPERT, m), shard1);
        v.add(vec("ep/local-permute", "expert-major local sort after the all-to-all, with 2 slack rows that stay in place",
                rules(Rule.A3, Rule.S1, Rule.S2), feats("f32", "expert-parallel", "tail-rows", "zero-size-chunk"), after));
        Expected a = Oracle.expected(after);
        v.add(vec("ep/local-unpermute", "the inverse local sort before the reverse all-to-all",
                rules(Rule.A4, Rule.S4), feats("f32", "expert-parallel", "tail-rows"),
                new Invocation(Op.LOCAL_UNPERMUTE_BEFORE_A2A, Profile.TE_JAX,
                        inputs(Ports.INP, a.values().get(Ports.OUTPUT), Ports.SORTED_SPLIT_SIZES, a.values().get(Ports.SORTED_SPLIT_SIZES),
                                Ports.INVERSE_CHUNK_INDICES, a.values().get(Ports.INVERSE_CHUNK_INDICES)), Map.of())));
    }

    // ------------------------------------------------------------------ X (negative vectors)

    private static void negative(List<VectorCase> v) {
        Tensor map = workedMap();
        v.add(neg("precondition/x1-probs-shape", "probs of shape [5,2] for E = 3", Rule.X1,
                dispatch(Profile.TE_JAX, ramp(DType.F32, 5, 2), map, Tensor.zeros(DType.F32, 5, 2), 7, null)));
        Tensor two = map.copy();
        two.setLong(2, 2, 2);
        v.add(neg("precondition/x2-routing-value", "routing_map holds a 2", Rule.X2,
                dispatch(Profile.TE_JAX, ramp(DType.F32, 5, 2), two, null, 8, null)));
        v.add(neg("precondition/x3-too-few-out-tokens", "num_out_tokens 6 < 7 routed pairs (an out-of-bounds write in TE, #3346)", Rule.X3,
                dispatch(Profile.TE_JAX, ramp(DType.F32, 5, 2), map, null, 6, null)));
        v.add(neg("precondition/x4-align-zero", "align_size 0", Rule.X4,
                dispatch(Profile.TE_JAX, ramp(DType.F32, 5, 2), map, null, 7, 0L)));
        Tensor rid = workedDispatch(null).get(Ports.ROW_ID_MAP);
        Tensor f8 = Tensor.zeros(DType.F8E4M3, 7, 4);
        v.add(neg("precondition/x5-fp8-reduction", "combine of an fp8 payload (fp8 is moved, never reduced)", Rule.X5,
                combine(Profile.TE_JAX, f8, rid, null, null)));
        Tensor bad = rid.copy();
        bad.setLong(0, 0, 9);
        v.add(neg("precondition/x6-source-row-out-of-range", "row_id_map names source row 9 of a 7-row payload", Rule.X6,
                combine(Profile.TE_JAX, payload(DType.F32, 7, 4), bad, null, null)));
        v.add(neg("precondition/x7-not-a-permutation", "sorted_indices [0,0,1] is not a permutation", Rule.X7,
                chunks(ramp(DType.F32, 5, 3), Tensor.i32(shape(3), 2, 0, 3), Tensor.i32(shape(3), 0, 0, 1), null)));
        Tensor ids = Tensor.i32(shape(4, 2), INDEX_IDS);
        v.add(neg("precondition/x9-both-forms", "routing_map and topk_ids in one call", Rule.X9,
                new Invocation(Op.DISPATCH, Profile.TE_JAX, inputs(Ports.INP, ramp(DType.F32, 4, 2), Ports.TOPK_IDS, ids, Ports.ROUTING_MAP, Tensor.zeros(DType.I32, 4, 3)),
                        attrs(Attrs.NUM_EXPERTS, 3, Attrs.NUM_OUT_TOKENS, 5))));
        v.add(neg("precondition/x10-duplicate-id", "topk_ids row 0 names expert 2 twice", Rule.X10,
                indexDispatch(Profile.TE_JAX, ramp(DType.F32, 4, 2), Tensor.i32(shape(4, 2), 2, 2, 1, -1, 0, 2, -1, -1), null, 3, 5, null)));
        v.add(neg("precondition/x10-id-out-of-range", "topk_ids holds 3 with num_experts 3", Rule.X10,
                indexDispatch(Profile.TE_JAX, ramp(DType.F32, 4, 2), Tensor.i32(shape(4, 2), 2, 0, 3, -1, 0, 2, -1, -1), null, 3, 5, null)));
        v.add(neg("precondition/x19-maxtext-align", "maxtext with align_size 2 (MaxText has no per-expert alignment)", Rule.X19,
                indexDispatch(Profile.MAXTEXT, ramp(DType.F32, 3, 2), Tensor.i32(shape(3, 2), 2, 0, 1, 2, 3, 2), null, 4, 6, 2L)));
        v.add(neg("precondition/x21-roll-outside-maxtext", "te-jax given roll_to_expert_id (an attribute of profile maxtext only)", Rule.X21,
                new Invocation(Op.DISPATCH, Profile.TE_JAX, inputs(Ports.INP, ramp(DType.F32, 3, 2), Ports.TOPK_IDS, Tensor.i32(shape(3, 2), 2, 0, 1, 2, 3, 2)),
                        attrs(Attrs.NUM_EXPERTS, 4, Attrs.NUM_OUT_TOKENS, 6, Attrs.ROLL_TO_EXPERT_ID, 1))));
        v.add(neg("precondition/x20-maxtext-minus-one", "maxtext: a -1 slot (argsort would sort it first, bincount count it nowhere)", Rule.X20,
                indexDispatch(Profile.MAXTEXT, ramp(DType.F32, 3, 2), Tensor.i32(shape(3, 2), 2, 0, 1, -1, 3, 2), null, 4, 6, null)));
        v.add(neg("precondition/x22-scales-bf16-payload", "scale_inv with a bf16 payload (block scales belong to an fp8 one)", Rule.X22,
                scaled(dispatch(Profile.TE_JAX, ramp(DType.BF16, 5, 130), map, null, 7, null),
                        BlockScales.of(ScaleRecipe.FP8_BLOCK_1X128, 5, 130), ScaleRecipe.FP8_BLOCK_1X128)));
        v.add(neg("precondition/x22-scales-one-block-short", "H = 130 needs ceil(130/128) = 2 scales a row, scale_inv has 1", Rule.X22,
                scaled(dispatch(Profile.TE_JAX, fp8(DType.F8E4M3, 5, 130), map, null, 7, null),
                        BlockScales.of(ScaleRecipe.FP8_BLOCK_1X128, 5, 128), ScaleRecipe.FP8_BLOCK_1X128)));
        v.add(neg("precondition/x23-scales-to-combine", "token_combine given scale_inv (only token_dispatch moves block scales)", Rule.X23,
                scaled(combine(Profile.TE_JAX, payload(DType.F32, 7, 4), rid, null, null), BlockScales.of(ScaleRecipe.MXFP8, 5, 4), ScaleRecipe.MXFP8)));
        v.add(neg("precondition/x8-shards-do-not-divide", "4 experts over 3 shards", Rule.X8,
                new Invocation(Op.RAGGED_A2A_PARAMS, Profile.TE_JAX,
                        inputs(Ports.ALL_SHARDS_TOKENS_PER_EXPERT, Tensor.i32(shape(3, 4), 1, 2, 0, 3, 2, 0, 4, 1, 0, 0, 1, 1)),
                        Map.of(Attrs.SHARD_ID, 0L, Attrs.NUM_SHARDS, 3L))));
    }

    // ------------------------------------------------------------------ Q (Megatron-Core permute / unpermute, issue 14)

    /**
     * MegatronPermuteTest's worked example (computed by hand there): T=4, E=3; t0 -> {e0 .5, e2 .5},
     * t1 -> {e1 .25, e2 .75}, t2 -> {e0 1}, t3 -> {e0 .125, e2 .875}; off the map only probs[t0,e1] = .0625.
     */
    static final long[] MEGATRON_MAP = {1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1};
    private static final float[] MEGATRON_PROBS = {0.5f, 0.0625f, 0.5f, 0, 0.25f, 0.75f, 1f, 0, 0, 0.125f, 0, 0.875f};

    private static void megatron(List<VectorCase> v) {
        Tensor map = Tensor.ofInts(DType.BOOL, shape(4, 3), MEGATRON_MAP);
        Tensor probs = Tensor.ofFloats(DType.F32, shape(4, 3), MEGATRON_PROBS);
        Invocation dropless = megatronPermute(ramp(DType.F32, 4, 3), map, probs, 7, null, null);
        v.add(vec("megatron/permute-dropless", "rows in (expert, token) order, sorted_indices = [0,2,3,1,0,1,3]; a zero-probability row is still a copy",
                rules(Rule.Q1, Rule.Q2), feats("f32", "megatron", "probs", "bool-routing-map"), dropless));
        v.add(vec("megatron/permute-extra-rows", "num_out_tokens 9 > 7 routed pairs: rows 7, 8 unspecified",
                rules(Rule.Q1, Rule.Q2), feats("bf16", "megatron", "extra-rows", "bool-routing-map"),
                megatronPermute(ramp(DType.BF16, 4, 2), map, null, 9, null, null)));
        Invocation dropAndPad = megatronPermute(ramp(DType.F32, 4, 3), map, probs, 6, 1L, null);
        v.add(vec("megatron/permute-drop-and-pad-position", "capacity 6 // 3 = 2: t3 dropped from e0 and e2, e1 padded with t0 (prob .0625)",
                rules(Rule.Q3, Rule.Q4, Rule.Q2), feats("f32", "megatron", "drop-and-pad", "probs", "bool-routing-map"), dropAndPad));
        v.add(vec("megatron/permute-drop-and-pad-probs", "capacity 2 by probs: e2 keeps t1 (.75) and t3 (.875), drops t0 (.5)",
                rules(Rule.Q3, Rule.Q4), feats("f16", "megatron", "drop-and-pad", "probs", "bool-routing-map"),
                megatronPermute(ramp(DType.F16, 4, 2), map, probs, 6, 1L, 1L)));
        Expected back = Oracle.expected(dropless);
        v.add(vec("megatron/unpermute-dropless", "the rows back with their probs: every token comes back (weights sum to 1)",
                rules(Rule.Q5, Rule.C5), feats("f32", "megatron", "probs"),
                megatronUnpermute(back.values().get(Ports.OUTPUT), back.values().get(Ports.SORTED_INDICES), probs, map, 4, null)));
        Expected padded = Oracle.expected(dropAndPad);
        v.add(vec("megatron/unpermute-drop-and-pad", "capacity rows back, expert r // 2: t0 gains its padding row's .0625, t3 (dropped) is exactly +0.0",
                rules(Rule.Q5, Rule.Q6, Rule.C5), feats("f32", "megatron", "drop-and-pad", "probs", "unrouted-token"),
                megatronUnpermute(padded.values().get(Ports.OUTPUT), padded.values().get(Ports.SORTED_INDICES), probs, map, 4, 1L)));
        v.add(vec("megatron/unpermute-no-probs", "no probs: a plain scatter-add, duplicate rows summed, bf16",
                rules(Rule.Q5, Rule.Q6, Rule.C5), feats("bf16", "megatron", "unrouted-token"),
                megatronUnpermute(ramp(DType.BF16, 5, 2), Tensor.ofInts(DType.I64, shape(5), 2, 0, 2, 1, 2), null, null, 4, null)));
        v.add(neg("precondition/x15-megatron-too-few-out-tokens", "dropless num_out_tokens 6 < 7 routed pairs (Megatron drops the tail silently)", Rule.X15,
                megatronPermute(ramp(DType.F32, 4, 2), map, null, 6, null, null)));
        v.add(neg("precondition/x16-megatron-capacity-above-t", "drop_and_pad capacity 15 // 3 = 5 > T = 4", Rule.X16,
                megatronPermute(ramp(DType.F32, 4, 2), map, null, 15, 1L, null)));
        Tensor tie = Tensor.ofFloats(DType.F32, shape(4, 3), 0.5f, 0, 0.5f, 0, 0.25f, 0.5f, 1f, 0, 0, 0.125f, 0, 0.875f);
        v.add(neg("precondition/x17-megatron-tie-at-the-cut", "probs policy, capacity 2: e2's .5 (t0) and .5 (t1) tie at the cut", Rule.X17,
                megatronPermute(ramp(DType.F32, 4, 2), map, tie, 6, 1L, 1L)));
        v.add(neg("precondition/x18-megatron-sorted-index-out-of-range", "sorted_indices names token 4 of 4", Rule.X18,
                megatronUnpermute(ramp(DType.F32, 2, 2), Tensor.ofInts(DType.I64, shape(2), 0, 4), null, null, 4, null)));
    }

    // ------------------------------------------------------------------ K (vLLM / SGLang moe_align_block_size, issue 14)

    /**
     * BlockAlignTest's worked example (computed by hand there): T=4, K=2, topk_ids = [[1,0],[1,2],[3,1],[0,1]]: the flat
     * slots of e0 {1,6}, e1 {0,2,5,7}, e2 {3}, e3 {4}, sentinel 8. The vectors hold the oracle's order inside a group
     * (ascending slot); a backend's group is judged as a multiset (K2), so any order of it passes.
     */
    static final long[] ALIGN_IDS = {1, 0, 1, 2, 3, 1, 0, 1};

    private static void blockAlign(List<VectorCase> v) {
        Tensor ids = Tensor.i32(shape(4, 2), ALIGN_IDS);
        v.add(vec("align/worked-example", "block 4, E 4: sorted_token_ids [1,6,8,8 | 0,2,5,7 | 3,8,8,8 | 4,8,8,8 | 8,8,8,8], expert_ids [0,1,2,3,0], 16 rows used",
                rules(Rule.K1, Rule.K2, Rule.K3, Rule.K4, Rule.K5), feats("block-align"), blockAlign(ids, 4, 4, null, null)));
        v.add(vec("align/empty-expert-pad-sorted-ids", "block 3, E 5 (expert 4 empty, no rows), pad_sorted_ids: 8 + 5*2 = 18 entries, e1's 4 slots over two blocks, int64 ids",
                rules(Rule.K1, Rule.K2, Rule.K3, Rule.K4, Rule.K5), feats("block-align", "pad-sorted-ids", "empty-expert"),
                blockAlign(Tensor.ofInts(DType.I64, shape(4, 2), ALIGN_IDS), 5, 3, 1L, null)));
        v.add(vec("align/block-1", "block 1: no padding, sorted_token_ids is the 8 slots grouped by expert, no sentinel, no tail block",
                rules(Rule.K1, Rule.K2, Rule.K3, Rule.K4, Rule.K5), feats("block-align"), blockAlign(ids, 4, 1, null, null)));
        v.add(vec("align/expert-map", "rank 1 of 2 (experts 2, 3 local as 0, 1): expert_ids [-1,-1,0,1], the tail block unspecified; the layout is the global one",
                rules(Rule.K2, Rule.K5, Rule.K6), feats("block-align", "expert-map"),
                blockAlign(ids, 4, 4, null, Tensor.i32(shape(4), -1, -1, 0, 1))));
        v.add(neg("precondition/x11-block-size-zero", "block_size 0", Rule.X11, blockAlign(ids, 4, 0, null, null)));
        v.add(neg("precondition/x12-align-id-out-of-range", "topk_ids holds 3 with num_experts 3 (the kernel's counters overflow, SGLang PR #12701)", Rule.X12,
                blockAlign(ids, 3, 4, null, null)));
        v.add(neg("precondition/x13-expert-map-short", "expert_map of 3 entries for E = 4", Rule.X13,
                blockAlign(ids, 4, 4, null, Tensor.i32(shape(3), -1, 0, 1))));
    }

    // ------------------------------------------------------------------ T (TE's index map, issue 14 profile 5)

    /**
     * TeIndexPermuteTest's example (computed by hand there): T=4, K=2, indices = [[2,-1],[0,2],[2,2],[-1,0]], sorted
     * slots j = 2,7 (id 0), 0,3,4,5 (id 2), 1,6 (-1), tokens 1,3,0,1,2,2,0,3; row_id_map [2,0,4,7, 6,3,5,1].
     */
    static final long[] TE_INDEX_IDS = {2, -1, 0, 2, 2, 2, -1, 0};

    private static void teIndex(List<VectorCase> v) {
        Tensor ids = Tensor.i32(shape(4, 2), TE_INDEX_IDS);
        v.add(vec("te-index/worked-example", "every slot kept: row_id_map [2,0,4,7, 6,3,5,1] (k-major), rows of tokens 1,3,0,1,2,2,0,3; -1 last, expert 2 twice in row 2",
                rules(Rule.T1, Rule.T2, Rule.T3), feats("te-index-map", "index-map-minus-one", "index-map-duplicate-ids", "f32"),
                teIndexPermute(ramp(DType.F32, 4, 4), ids, 0)));
        v.add(vec("te-index/capacity-drop", "num_out_tokens 6: the two -1 slots (positions 6, 7) dropped, row_id_map [2,0,4,-1, -1,3,5,1]",
                rules(Rule.T1, Rule.T2, Rule.T3, Rule.T4), feats("te-index-map", "index-map-minus-one", "index-map-drop", "f32"),
                teIndexPermute(ramp(DType.F32, 4, 4), ids, 6)));
        v.add(vec("te-index/drop-real-ids", "num_out_tokens 3: keeps id 0's two slots and slot 0 (id 2), row_id_map [2,0,-1,-1, -1,-1,-1,1], bf16",
                rules(Rule.T1, Rule.T2, Rule.T3, Rule.T4), feats("te-index-map", "index-map-drop", "bf16"),
                teIndexPermute(ramp(DType.BF16, 4, 8), ids, 3)));
        v.add(vec("te-index/k1-large-ids", "K = 1, indices [-1, 2^31-1, 5, 0, 5]: order 0 (t3), 5 (t2), 5 (t4), 2^31-1 (t1), -1 (t0), row_id_map [4,3,1,0,2]",
                rules(Rule.T1, Rule.T2, Rule.T3), feats("te-index-map", "index-map-minus-one", "index-map-large-ids", "bf16"),
                teIndexPermute(ramp(DType.BF16, 5, 8), Tensor.i32(shape(5, 1), -1, Integer.MAX_VALUE, 5, 0, 5), 0)));
        v.add(vec("te-index/rows-past-slots", "num_out_tokens 10 > T*K = 8: rows 8, 9 unspecified (TE leaves them uninitialized)",
                rules(Rule.T1, Rule.T2, Rule.T3), feats("te-index-map", "index-map-rows-past-slots", "f32"),
                teIndexPermute(ramp(DType.F32, 4, 4), ids, 10)));
        // T5: TeIndexUnpermuteTest's example: rows 1, 2, 3 (bf16, H = 8), row_id_map [1,-1,0,2] (k-major, T = K = 2)
        Tensor rows = Tensor.zeros(DType.BF16, 3, 8);
        for (int r = 0; r < 3; r++) for (int c = 0; c < 8; c++) rows.setF32(r, c, r + 1);
        Tensor map = Tensor.i32(shape(4), 1, -1, 0, 2);
        v.add(vec("te-index/unpermute-probs", "token 0 = 2*.5 + 1*.25 = 1.25, token 1 = 3*.75 = 2.25 (its k=0 slot dropped), bf16",
                rules(Rule.T5, Rule.C5), feats("te-index-map", "index-map-unpermute", "bf16"),
                teIndexUnpermute(rows, map, Tensor.ofFloats(DType.F32, shape(2, 2), 0.5f, 0.25f, 1f, 0.75f), 2, 2)));
        Tensor big = Tensor.zeros(DType.BF16, 3, 8);
        for (int c = 0; c < 8; c++) {
            big.setF32(0, c, 256);
            big.setF32(1, c, 1);
            big.setF32(2, c, 1);
        }
        v.add(vec("te-index/unpermute-dtype-accumulation", "no probs, K = 3: bf16 256 + 1 + 1 is 256 summed in bf16 (TE), 258 in float64; T5's band takes both",
                rules(Rule.T5, Rule.C5), feats("te-index-map", "index-map-unpermute", "bf16"),
                teIndexUnpermute(big, Tensor.i32(shape(3), 0, 1, 2), null, 1, 3)));
        v.add(neg("precondition/x26-index-unpermute-row-out-of-range", "row_id_map names row 3 of 3", Rule.X26,
                teIndexUnpermute(rows, Tensor.i32(shape(4), 1, -1, 3, 2), null, 2, 2)));
        v.add(neg("precondition/x14-index-num-out-negative", "num_out_tokens -1 (TE asserts >= 0)", Rule.X14,
                teIndexPermute(ramp(DType.F32, 4, 4), ids, -1)));
        v.add(neg("precondition/x24-index-indices-int64", "indices int64 (the contract takes int32)", Rule.X24,
                teIndexPermute(ramp(DType.F32, 4, 4), Tensor.ofInts(DType.I64, shape(4, 2), TE_INDEX_IDS), 0)));
        v.add(neg("precondition/x25-index-row-12-bytes", "a bf16 row of H = 6, 12 bytes: not a multiple of the kernel's 16-byte vectors", Rule.X25,
                teIndexPermute(ramp(DType.BF16, 4, 6), ids, 0)));
    }

    // ------------------------------------------------------------------ W (torchao's padded permute, issue 14 profile 5)

    /**
     * PadPermuteTest's examples (computed by hand there). A: R=2, E_l=2, A=4, counts [2,0 | 1,3]: sizes 4, 4, offsets
     * 4, 8, max_len 16, permuted_indices [0,1,2,-1, 3,4,5,-1, -1 x 8]. B: R=2, E_l=3, A=2, counts [1,0,2 | 0,0,1]: sizes
     * 2, 2, 4 (expert 1 empty, clamped to A), offsets 2, 4, 8, max_len 10, permuted_indices [0,-1, -1,-1, 1,2,3,-1, -1,-1].
     */
    static final long[] PADDED_A_INDICES = {0, 1, 2, -1, 3, 4, 5, -1, -1, -1, -1, -1, -1, -1, -1, -1};

    private static void paddedPermute(List<VectorCase> v) {
        Tensor countsA = Tensor.ofInts(DType.I64, shape(4), 2, 0, 1, 3);
        v.add(vec("padded-permute/worked-example", "R=2, E_l=2, A=4, counts [2,0 | 1,3]: permuted_indices [0,1,2,-1, 3,4,5,-1, -1 x 8], sizes [4,4], offsets [4,8]",
                rules(Rule.W1, Rule.W2, Rule.W3, Rule.W4, Rule.W5), feats("padded-permute", "f32"),
                paddedPermute(ramp(DType.F32, 6, 4), countsA, 2, 2, 4)));
        v.add(vec("padded-permute/empty-expert", "R=2, E_l=3, A=2, counts [1,0,2 | 0,0,1]: expert 1 gets A = 2 pad rows (torchtitan #1166), offsets [2,4,8]",
                rules(Rule.W1, Rule.W2, Rule.W3, Rule.W4, Rule.W5), feats("padded-permute", "padded-permute-empty-expert", "bf16"),
                paddedPermute(ramp(DType.BF16, 4, 8), Tensor.i32(shape(6), 1, 0, 2, 0, 0, 1), 2, 3, 2)));
        v.add(vec("padded-permute/one-rank-align-1", "R=1, A=1, counts [2,1]: the identity, sizes [2,1], offsets [2,3], a tail of E_l*A = 2 rows of -1",
                rules(Rule.W1, Rule.W2, Rule.W3, Rule.W5), feats("padded-permute", "padded-permute-one-rank", "padded-permute-align-1", "f32"),
                paddedPermute(ramp(DType.F32, 3, 4), Tensor.i32(shape(2), 2, 1), 1, 2, 1)));
        v.add(vec("padded-permute/unpermute-worked-example", "the worked example's permuted_indices: output rows 0..5 are inp rows 0,1,2,4,5,6; the -1 rows dropped",
                rules(Rule.W6), feats("padded-permute", "f32"),
                paddedUnpermute(ramp(DType.F32, 16, 4), Tensor.i32(shape(16), PADDED_A_INDICES), 6)));
        v.add(neg("precondition/x27-padded-permute-alignment-0", "alignment 0 (torchao's round-up divides by it)", Rule.X27,
                paddedPermute(ramp(DType.F32, 6, 4), countsA, 2, 2, 0)));
        v.add(neg("precondition/x28-padded-permute-counts-sum", "counts add up to 6, inp has 5 rows", Rule.X28,
                paddedPermute(ramp(DType.F32, 5, 4), countsA, 2, 2, 4)));
        v.add(neg("precondition/x29-padded-unpermute-row-twice", "permuted_indices names row 0 twice and row 1 never", Rule.X29,
                paddedUnpermute(ramp(DType.F32, 4, 4), Tensor.i32(shape(4), 0, 0, -1, -1), 2)));
    }

    static Invocation paddedPermute(Tensor inp, Tensor counts, long ranks, long local, long alignment) {
        return new Invocation(Op.TORCHAO_PERMUTE_AND_PAD, Profile.TE_JAX, inputs(Ports.INP, inp, Ports.NUM_TOKENS_PER_EXPERT, counts),
                attrs(Attrs.EP_DEGREE, ranks, Attrs.NUM_LOCAL_EXPERTS, local, Attrs.ALIGNMENT, alignment));
    }

    static Invocation paddedUnpermute(Tensor inp, Tensor indices, long tokens) {
        return new Invocation(Op.TORCHAO_UNPERMUTE, Profile.TE_JAX, inputs(Ports.INP, inp, Ports.PERMUTED_INDICES, indices), attrs(Attrs.NUM_TOKENS, tokens));
    }

    // ------------------------------------------------------------------ L (DeepEP's get_dispatch_layout, issue 14 profile 5)

    /**
     * DeepEpLayoutTest's example (computed by hand there): E = 6 on R = 3 ranks (E_l = 2), topk_idx =
     * [[0,1,4],[-1,3,-1],[5,2,3],[-1,-1,-1]]: num_tokens_per_rank [1,2,2], num_tokens_per_expert [1,1,1,2,1,1],
     * is_token_in_rank rows [1,0,1],[0,1,0],[0,1,1],[0,0,0].
     */
    static final long[] LAYOUT_IDS = {0, 1, 4, -1, 3, -1, 5, 2, 3, -1, -1, -1};

    private static void deepEpLayout(List<VectorCase> v) {
        Tensor ids = Tensor.ofInts(DType.I64, shape(4, 3), LAYOUT_IDS);
        v.add(vec("deepep-layout/worked-example", "E=6 on R=3: per rank [1,2,2] (token 0 twice on rank 0, token 2 twice on rank 1, each counted once), per expert [1,1,1,2,1,1], -1 nowhere",
                rules(Rule.L1, Rule.L2, Rule.L3), feats("deepep-layout", "layout-minus-one", "layout-rank-dedup"), deepEpLayout(ids, 6, 3)));
        v.add(vec("deepep-layout/int32-ids", "the worked example with int32 topk_idx (a build's topk_idx_t, DeepEP PR #422): the same layout",
                rules(Rule.L1, Rule.L2, Rule.L3), feats("deepep-layout", "layout-minus-one", "layout-rank-dedup", "layout-int32-ids"),
                deepEpLayout(Tensor.i32(shape(4, 3), LAYOUT_IDS), 6, 3)));
        v.add(vec("deepep-layout/one-rank", "R = 1: num_tokens_per_rank [3], the tokens with any selection; is_token_in_rank [1,1,1,0]",
                rules(Rule.L1, Rule.L2, Rule.L3), feats("deepep-layout", "layout-minus-one", "layout-rank-dedup"), deepEpLayout(ids, 6, 1)));
        v.add(vec("deepep-layout/no-tokens", "T = 0 (an idle rank): every count 0, is_token_in_rank bool[0,2]",
                rules(Rule.L1, Rule.L2, Rule.L3), feats("deepep-layout", "layout-no-tokens"), deepEpLayout(Tensor.zeros(DType.I64, 0, 2), 4, 2)));
        v.add(neg("precondition/x33-layout-experts-not-multiple", "num_experts 6 on num_ranks 4: E % R != 0", Rule.X33, deepEpLayout(ids, 6, 4)));
        v.add(neg("precondition/x34-layout-id-out-of-range", "topk_idx names expert 5 with num_experts 5", Rule.X34, deepEpLayout(ids, 5, 1)));
    }

    // ------------------------------------------------------------------ Q7-Q9 (Megatron-Core's pad_routing_map, issue 14 profile 3)

    /**
     * PaddedRoutingMapTest's example (computed by hand there): T = 6, E = 4, m = 4, rows [1,0,0,0] [0,1,0,0] [1,0,0,0]
     * [0,0,0,1] [1,1,0,1] [0,0,0,1]; counts [3,2,0,3] become [4,4,0,4]: expert 0 gains token 1, expert 1 tokens 0 and 2,
     * expert 3 token 0, expert 2 stays empty. The Q9 example: T = 5, E = 2, m = 8, expert 0 on tokens {1,3}: 8 > 5, so
     * every cell of its column is set (count 5), expert 1 stays empty.
     */
    static final long[] PAD_MAP = {1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1};

    private static void padRoutingMap(List<VectorCase> v) {
        Tensor map = Tensor.ofInts(DType.BOOL, shape(6, 4), PAD_MAP);
        v.add(vec("megatron/pad-routing-map-worked-example", "T=6, E=4, m=4: counts [3,2,0,3] -> [4,4,0,4], each pad the lowest non-routed token (1; 0, 2; -; 0), the empty expert untouched",
                rules(Rule.Q7, Rule.Q8), feats("pad-routing-map", "pad-empty-expert", "bool-routing-map"), padRoutingMap(map, 4)));
        v.add(vec("megatron/pad-routing-map-int64-m2", "the worked example as int64 with m=2: experts 0 and 3 gain one pad (tokens 1 and 0), expert 1's 2 is already aligned",
                rules(Rule.Q7, Rule.Q8), feats("pad-routing-map", "pad-already-aligned", "pad-empty-expert"),
                padRoutingMap(Tensor.ofInts(DType.I64, shape(6, 4), PAD_MAP), 2)));
        v.add(vec("megatron/pad-routing-map-too-few-tokens", "T=5, m=8 (Megatron-LM #6086): expert 0's align_up(2) = 8 > 5, so all 5 cells are set, unaligned; expert 1 stays empty",
                rules(Rule.Q7, Rule.Q8, Rule.Q9), feats("pad-routing-map", "pad-too-few-tokens", "pad-empty-expert", "bool-routing-map"),
                padRoutingMap(Tensor.ofInts(DType.BOOL, shape(5, 2), 0, 0, 1, 0, 0, 0, 1, 0, 0, 0), 8)));
        v.add(neg("precondition/x39-pad-routing-map-multiple-zero", "pad_multiple 0: (-count) % 0 divides by zero", Rule.X39, padRoutingMap(map, 0)));
        v.add(neg("precondition/x39-pad-routing-map-value-two", "an int32 routing_map with a 2: not a 0/1 map (the column's sum is its count)", Rule.X39,
                padRoutingMap(Tensor.i32(shape(2, 2), 1, 2, 0, 0), 4)));
    }

    static Invocation padRoutingMap(Tensor map, long multiple) {
        return new Invocation(Op.MEGATRON_PAD_ROUTING_MAP, Profile.TE_JAX, inputs(Ports.ROUTING_MAP, map), attrs(Attrs.PAD_MULTIPLE, multiple));
    }

    // ------------------------------------------------------------------ Y (TE's ep_dispatch / ep_combine, world view, issue 14 profile 5)

    /**
     * TeEpTest's example (computed by hand there): S = 2 ranks of T = 2 tokens, E = 4 (L = 2), K = 2, alignment 2,
     * recv_capacity 6, topk_idx g0 [0,3], g1 [1,0], g2 [0,2], g3 [3,1]: counts [3,2,1,2]; rank 0 rows e0 {g0,g1,g2}, pad,
     * e1 {g1,g3} (6 = C, the bound); rank 1 rows e2 {g2}, pad, e3 {g0,g3}, two rows past its total.
     */
    static final long[] EP_IDS = {0, 3, 1, 0, 0, 2, 3, 1};

    private static void teEp(List<VectorCase> v) {
        Tensor ids = Tensor.ofInts(DType.I64, shape(4, 2), EP_IDS);
        Tensor w = Tensor.ofFloats(DType.F32, shape(4, 2), 0.5f, 0.25f, 0.75f, 0.125f, 1f, 2f, 0.0625f, 4f);
        v.add(vec("te-ep/worked-example", "S=2, E=4, alignment 2, C=6: counts [3,2,1,2], rank 0 full to its capacity, pad rows 3 and 7 zero, rows 10-11 unspecified; slabs judged as multisets",
                rules(Rule.Y1, Rule.Y2, Rule.Y3), feats("te-ep", "ep-aligned-slabs", "ep-capacity-bound", "bf16"),
                teEp(Op.TE_EP_DISPATCH, Ports.TOKENS, ramp(DType.BF16, 4, 8), ids, w, 2, 4, 2, 6)));
        v.add(vec("te-ep/empty-expert", "S=1, E=4, alignment 4, C=12: expert 2 receives nothing (an empty slab, no rows), expert 3's slab starts at row 8",
                rules(Rule.Y1, Rule.Y2, Rule.Y3), feats("te-ep", "ep-aligned-slabs", "ep-empty-expert", "ep-one-rank", "f32"),
                teEp(Op.TE_EP_DISPATCH, Ports.TOKENS, ramp(DType.F32, 4, 4), Tensor.ofInts(DType.I64, shape(4, 2), 0, 3, 1, 0, 0, 1, 3, 1),
                        w, 1, 4, 4, 12)));
        v.add(vec("te-ep/combine-worked-example", "the worked example's layout combined back: result[g] = the sum of g's two rows, no weight (Y4)",
                rules(Rule.Y4, Rule.C5), feats("te-ep", "ep-aligned-slabs", "ep-capacity-bound", "f32"),
                teEp(Op.TE_EP_COMBINE, Ports.EXPERT_OUT, payload(DType.F32, 12, 4), ids, null, 2, 4, 2, 6)));
        v.add(neg("precondition/x35-ep-alignment-3", "the worked example with alignment 3: not 0, 1 or a power of two", Rule.X35,
                teEp(Op.TE_EP_DISPATCH, Ports.TOKENS, ramp(DType.BF16, 4, 8), ids, w, 2, 4, 3, 6)));
        v.add(neg("precondition/x36-ep-id-minus-one", "the worked example with a -1 in topk_idx (TE documents no sentinel)", Rule.X36,
                teEp(Op.TE_EP_DISPATCH, Ports.TOKENS, ramp(DType.BF16, 4, 8), Tensor.ofInts(DType.I64, shape(4, 2), 0, 3, 1, 0, 0, 2, 3, -1), w, 2, 4, 2, 6)));
        v.add(neg("precondition/x37-ep-capacity-one-short", "the worked example with recv_capacity 5: rank 0 needs 6 padded rows (TE traps)", Rule.X37,
                teEp(Op.TE_EP_DISPATCH, Ports.TOKENS, ramp(DType.BF16, 4, 8), ids, w, 2, 4, 2, 5)));
    }

    static Invocation teEp(Op op, String payloadPort, Tensor payload, Tensor ids, Tensor weights, long ranks, long experts, long alignment, long capacity) {
        return new Invocation(op, Profile.TE_JAX, inputs(payloadPort, payload, Ports.TOPK_IDX, ids, Ports.TOPK_WEIGHTS, weights),
                attrs(Attrs.NUM_RANKS, ranks, Attrs.NUM_EXPERTS, experts, Attrs.ALIGNMENT, alignment, Attrs.RECV_CAPACITY, capacity));
    }

    static Invocation deepEpLayout(Tensor ids, long experts, long ranks) {
        return new Invocation(Op.DEEPEP_DISPATCH_LAYOUT, Profile.TE_JAX, inputs(Ports.TOPK_IDX, ids),
                attrs(Attrs.NUM_EXPERTS, experts, Attrs.NUM_RANKS, ranks));
    }

    static Invocation teIndexPermute(Tensor inp, Tensor indices, long numOut) {
        return new Invocation(Op.TE_INDEX_PERMUTE, Profile.TE_JAX, inputs(Ports.INP, inp, Ports.INDICES, indices), attrs(Attrs.NUM_OUT_TOKENS, numOut));
    }

    static Invocation teIndexUnpermute(Tensor inp, Tensor map, Tensor probs, long tokens, long topK) {
        return new Invocation(Op.TE_INDEX_UNPERMUTE, Profile.TE_JAX, inputs(Ports.INP, inp, Ports.ROW_ID_MAP, map, Ports.MERGING_PROBS, probs),
                attrs(Attrs.NUM_TOKENS, tokens, Attrs.TOP_K, topK));
    }

    // ------------------------------------------------------------------ V (Megatron-Core's inference permute, issue 14 profile 5)

    /**
     * InferencePermuteTest's worked example (computed by hand there): T=4, K=2, topk_ids = [[1,0],[2,1],[3,1],[0,-1]],
     * local_expert_start 1, L = 2, alignment 4: local 0's group tokens {0,1,2} and a pad, local 1's {1} and three pads,
     * inclusive_offsets [4, 8], S = 16. The vectors hold the oracle's order inside a group (ascending token); a
     * backend's group is judged as a multiset (V3), so any order of it passes.
     */
    static final long[] INFERENCE_IDS = {1, 0, 2, 1, 3, 1, 0, -1};

    private static void inferencePermute(List<VectorCase> v) {
        Tensor ids = Tensor.i32(shape(4, 2), INFERENCE_IDS);
        Tensor probs = Tensor.ofFloats(DType.F32, shape(4, 2), 1 / 64f, 2 / 64f, 11 / 64f, 12 / 64f, 21 / 64f, 22 / 64f, 31 / 64f, 32 / 64f);
        v.add(vec("inference/worked-example", "start 1, L 2, alignment 4: permutation_map [0,1,2,-1 | 1,-1,-1,-1 | 8 rows unspecified], inclusive_offsets [4,8], S 16",
                rules(Rule.V1, Rule.V2, Rule.V3, Rule.V4, Rule.V5), feats("inference-permute", "inference-permute-ep", "inference-permute-aligned"),
                inferencePermute(ramp(DType.F32, 4, 4), ids, probs, 1, 2, 4L, null, null)));
        v.add(vec("inference/valid-tokens-row-alignment", "valid_tokens 2, row_alignment 8, bf16 probs: only tokens 0, 1 read, offsets [2,3], S = ceil(10/8)*8 = 16",
                rules(Rule.V1, Rule.V2, Rule.V3, Rule.V5), feats("inference-permute", "inference-permute-valid-tokens"),
                inferencePermute(ramp(DType.BF16, 4, 8), ids, convert(probs, DType.BF16), 1, 2, null, 2L, 8L)));
        v.add(vec("inference/k-above-local", "K 2 above L 1 (start 2): S = 4*min(2,1) + 1 = 5, one token in the group, the buffer's worst case by min(K,L)",
                rules(Rule.V1, Rule.V2, Rule.V3, Rule.V5), feats("inference-permute", "inference-permute-ep"),
                inferencePermute(ramp(DType.F32, 4, 4), ids, probs, 2, 1, null, null, null)));
        // V6: the worked example's permute answer back: rows 0-2 tokens 0, 1, 2, row 4 token 1, pads -1, rows past n_used 8 set
        // to 0 (never read); token 1 = inp[1]*12/64 + inp[4]*11/64, token 3 none (+0.0); every term exact in f32
        Tensor map = Tensor.i32(shape(16), 0, 1, 2, -1, 1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0);
        Tensor permuted = Tensor.ofFloats(DType.F32, shape(16), 1 / 64f, 12 / 64f, 22 / 64f, 0, 11 / 64f, 0, 0, 0, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f);
        v.add(vec("inference/unpermute-worked-example", "the worked example back: token 1 sums rows 1 and 4, token 3 none (+0.0), rows past n_used = 8 not read",
                rules(Rule.V6, Rule.C5), feats("inference-unpermute"),
                inferenceUnpermute(ramp(DType.F32, 16, 4), permuted, map, Tensor.i32(shape(2), 4, 8), 4, null)));
        v.add(neg("precondition/x32-inference-unpermute-map-past-valid", "permutation_map names token 3 with valid_tokens 3", Rule.X32,
                inferenceUnpermute(ramp(DType.F32, 16, 4), permuted, Tensor.i32(shape(16), 0, 1, 2, -1, 3, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0),
                        Tensor.i32(shape(2), 4, 8), 4, 3L)));
        v.add(neg("precondition/x30-inference-alignment-zero", "alignment 0 (the prefix sum divides by it)", Rule.X30,
                inferencePermute(ramp(DType.F32, 4, 4), ids, probs, 1, 2, 0L, null, null)));
        v.add(neg("precondition/x31-inference-local-id-twice", "global id 1 (local to start 1) twice in row 0", Rule.X31,
                inferencePermute(ramp(DType.F32, 4, 4), Tensor.i32(shape(4, 2), 1, 1, 2, 1, 3, 1, 0, -1), probs, 1, 2, 4L, null, null)));
        v.add(neg("precondition/x32-inference-probs-shape", "probs [4,1] for topk_ids [4,2]", Rule.X32,
                inferencePermute(ramp(DType.F32, 4, 4), ids, Tensor.ofFloats(DType.F32, shape(4, 1), 0.5f, 0.5f, 0.5f, 0.5f), 1, 2, 4L, null, null)));
    }

    static Invocation inferencePermute(Tensor inp, Tensor ids, Tensor probs, long start, long local, Long alignment, Long validTokens, Long rowAlignment) {
        return new Invocation(Op.MCORE_INFERENCE_PERMUTE, Profile.TE_JAX, inputs(Ports.INP, inp, Ports.TOPK_IDS, ids, Ports.PROBS, probs),
                attrs(Attrs.LOCAL_EXPERT_START, start, Attrs.NUM_LOCAL_EXPERTS, local, Attrs.ALIGNMENT, alignment,
                        Attrs.VALID_TOKENS, validTokens, Attrs.ROW_ALIGNMENT, rowAlignment));
    }

    static Invocation inferenceUnpermute(Tensor inp, Tensor probs, Tensor map, Tensor offsets, long tokens, Long validTokens) {
        return new Invocation(Op.MCORE_INFERENCE_UNPERMUTE, Profile.TE_JAX,
                inputs(Ports.INP, inp, Ports.PERMUTED_PROBS, probs, Ports.PERMUTATION_MAP, map, Ports.INCLUSIVE_OFFSETS, offsets),
                attrs(Attrs.NUM_TOKENS, tokens, Attrs.VALID_TOKENS, validTokens));
    }

    static Invocation blockAlign(Tensor ids, long experts, long block, Long padSortedIds, Tensor expertMap) {
        return new Invocation(Op.BLOCK_ALIGN, Profile.TE_JAX, inputs(Ports.TOPK_IDS, ids, Ports.EXPERT_MAP, expertMap),
                attrs(Attrs.BLOCK_SIZE, block, Attrs.NUM_EXPERTS, experts, Attrs.PAD_SORTED_IDS, padSortedIds));
    }

    static Invocation megatronPermute(Tensor inp, Tensor map, Tensor probs, long numOut, Long dropAndPad, Long policy) {
        return new Invocation(Op.MEGATRON_PERMUTE, Profile.TE_JAX, inputs(Ports.INP, inp, Ports.ROUTING_MAP, map, Ports.PROBS, probs),
                attrs(Attrs.NUM_OUT_TOKENS, numOut, Attrs.DROP_AND_PAD, dropAndPad, Attrs.DROP_POLICY, policy));
    }

    static Invocation megatronUnpermute(Tensor inp, Tensor sorted, Tensor probs, Tensor map, long tokens, Long dropAndPad) {
        return new Invocation(Op.MEGATRON_UNPERMUTE, Profile.TE_JAX,
                inputs(Ports.INP, inp, Ports.SORTED_INDICES, sorted, Ports.PROBS, probs, Ports.ROUTING_MAP, map),
                attrs(Attrs.NUM_TOKENS, tokens, Attrs.DROP_AND_PAD, dropAndPad));
    }

    // ------------------------------------------------------------------ small builders

    static VectorCase vec(String id, String description, List<String> rules, List<String> features, Invocation inv) {
        return new VectorCase(id, description, rules, features, inv, null, Map.of(), Map.of("source", "hand-written"));
    }

    static VectorCase neg(String id, String description, Rule rule, Invocation inv) {
        return new VectorCase(id, description, List.of(rule.id()), List.of("precondition"), inv, rule.id(), Map.of(), Map.of("source", "hand-written"));
    }

    static Invocation dispatch(Profile profile, Tensor inp, Tensor map, Tensor probs, long numOut, Long align) {
        return new Invocation(Op.DISPATCH, profile, inputs(Ports.INP, inp, Ports.ROUTING_MAP, map, Ports.PROBS, probs),
                attrs(Attrs.NUM_OUT_TOKENS, numOut, Attrs.ALIGN_SIZE, align));
    }

    static Invocation combine(Profile profile, Tensor inp, Tensor rid, Tensor mp, Tensor pad) {
        return new Invocation(Op.COMBINE, profile, inputs(Ports.INP, inp, Ports.ROW_ID_MAP, rid, Ports.MERGING_PROBS, mp, Ports.PAD_OFFSETS, pad), Map.of());
    }

    static Invocation chunks(Tensor inp, Tensor split, Tensor order, Tensor probs) {
        return new Invocation(Op.SORT_CHUNKS, Profile.TE_JAX,
                inputs(Ports.INP, inp, Ports.SPLIT_SIZES, split, Ports.SORTED_INDICES, order, Ports.PROBS, probs), Map.of());
    }

    /** Port, tensor pairs in order; a null tensor is an optional input the vector leaves out. */
    private static Map<String, Tensor> inputs(Object... kv) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) if (kv[i + 1] != null) m.put((String) kv[i], (Tensor) kv[i + 1]);
        return m;
    }

    /** Attribute, value pairs in order; a null value is an optional attribute the vector leaves out. */
    private static Map<String, Long> attrs(Object... kv) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) if (kv[i + 1] != null) m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
        return m;
    }

    /** Distinct, exactly representable values: row r, column c holds 10 r + c + 0.5 (rows are easy to recognise). */
    static Tensor ramp(DType d, long rows, long cols) {
        Tensor t = Tensor.zeros(d, rows, cols);
        for (long r = 0; r < rows; r++) for (long c = 0; c < cols; c++) t.setF32(r, c, 10f * r + c + 0.5f);
        return t;
    }

    /** Varied signed values with fractional parts, for reductions. */
    static Tensor payload(DType d, long rows, long cols) {
        Tensor t = Tensor.zeros(d, rows, cols);
        for (long r = 0; r < rows; r++) {
            for (long c = 0; c < cols; c++) t.setF32(r, c, ((r * 7 + c * 3) % 11 - 5) * 0.37f + 0.01f * (r + 1));
        }
        return t;
    }

    private static Tensor nanPadRows(Tensor t, long[] rows) {
        for (long r : rows) for (long c = 0; c < t.rowElems(); c++) t.setF32(r, c, NAN_PAYLOAD);
        return t;
    }

    private static Tensor convert(Tensor t, DType to) {
        Tensor o = Tensor.zeros(to, t.shape());
        for (long i = 0; i < t.numel(); i++) o.setF32(i, t.getF32(i));
        return o;
    }

    private static long[] shape(long... d) { return d; }

    private static List<String> rules(Rule... r) { return Arrays.stream(r).map(Rule::id).toList(); }

    private static List<String> feats(String... f) { return List.of(f); }
}
