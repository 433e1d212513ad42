package org.permcheck.engine.fuzz;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Ports;
import java.util.LinkedHashSet;
import java.util.Set;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.oracle.Oracle;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * The feature labels of a generated case, for coverage statistics: labels of the closed list
 * (vectors/features.txt, {@code org.permcheck.engine.vectors.FeatureLabels}) where one applies,
 * and generator statistics under the {@code gen:} prefix (op, routing distribution, value kind,
 * boundary sizes), which are not vector features and are dropped when a case is promoted.
 */
public final class CaseFeatures {
    /** The feature label of a case the runner also judges by the relations R3, R4 (docs/checks.md section 2a). */
    public static final String RELATIONS = "relations";
    /** The feature label of a case judged by the relations only: its oracle is not run (the xl size class). */
    public static final String ORACLE_NOT_RUN = "oracle-not-run";
    /** The feature label of a dispatch with block scales (docs/spec.md F1-F4; the backend feature of the same name). */
    public static final String QUANTIZED = "quantized";
    /** The generator's label of a case's op, before its wire name; the verdict counts tallied passes per op through it. */
    public static final String OP_FEATURE = "gen:op=";
    private CaseFeatures() {}

    public static Set<String> of(CaseSpec s, Invocation inv) {
        Set<String> f = new LinkedHashSet<>();
        f.add("generated");
        f.add(OP_FEATURE + s.op().wireName());
        f.add("gen:values=" + s.values().id());
        Tensor payload = payload(inv);
        if (payload != null) f.add(dtypeLabel(payload.dtype()));
        boolean gradient = s.op() == Op.DISPATCH_BACKWARD || s.op() == Op.COMBINE_BACKWARD || s.op() == Op.SORT_CHUNKS_BACKWARD;
        if (gradient) f.add("gradient");
        if (s.profile() == Profile.TORCH_MASK_PAD) f.add("torch-mask-pad");
        if (s.profile() == Profile.MAXTEXT) f.add("maxtext");
        if (inv.optionalAttr(Attrs.ROLL_TO_EXPERT_ID).orElse(0L) > 0) f.add("roll");
        if (inv.inputs().containsKey(Ports.SCALE_INV)) {
            f.add(QUANTIZED); // F1-F4: block scales ride with the rows
            org.permcheck.contract.ScaleRecipe.byCode(inv.attr(Attrs.SCALE_RECIPE)).ifPresent(r -> f.add("scale:" + r.label()));
        }
        Tensor probs = firstPresent(inv, Ports.PROBS, Ports.MERGING_PROBS, Ports.GRAD_PERMUTED_PROBS, Ports.TOPK_WEIGHTS);
        if (probs != null) {
            f.add(inv.inputs().containsKey(Ports.MERGING_PROBS) ? "merging-probs" : "probs");
            if (payload != null && probs.dtype() != payload.dtype()) f.add("mixed-dtypes");
        }
        if (payload != null && (s.values() == Values.BITS || s.values() == Values.SPECIALS)) payloadFeatures(payload, f);
        if (SpecSampler.isDispatchFamily(s.op())) {
            f.add("gen:routing=" + s.routing().id());
            if (s.align() > 0) f.add("padding");
            if (s.align() == 1) f.add("align-1");
            if (s.experts() == 1) f.add("single-expert");
            if (s.routing() == Routing.ALL) f.add("all-routed");
            if (s.extra() > 0) f.add("extra-rows");
            if (s.tokens() == 1) f.add("gen:T=1");
            if (s.hidden() == 1) f.add("gen:H=1");
            if (s.tokens() > 1024) f.add("gen:T>1024");
            if (s.experts() > 1024) f.add("gen:E>1024");       // expert ids past a 1024-bin histogram (SGLang #21610)
            if (s.hidden() % 8 != 0) f.add("gen:H%8!=0");      // rows not 16-byte multiples in bf16 (Paddle #79756)
            if (s.op() != Op.DISPATCH) f.add("unspecified-slots"); // the row_id_map input carries TE's garbage slots
            Tensor map = inv.inputs().get(Ports.ROUTING_MAP);
            if (map != null) f.add(routingDtypeLabel(map.dtype()));
            Tensor ids = inv.inputs().get(Ports.TOPK_IDS);
            if (ids != null) indexFormFeatures(ids, f);
            routingFeatures(inv, s, f);
        }
        if (s.op() == Op.SORT_CHUNKS || s.op() == Op.SORT_CHUNKS_BACKWARD) {
            f.add("chunk-sort");
            f.add("gen:chunk-order=" + s.chunkOrder());
            if (s.chunks() == 1) f.add("gen:S=1");
            if (s.extra() > 0) f.add("tail-rows");
            Tensor split = inv.inputs().get(Ports.SPLIT_SIZES);
            if (split != null) for (long i = 0; i < split.numel(); i++) if (split.getLong(i) == 0) { f.add("zero-size-chunk"); break; }
        }
        if (SpecSampler.isExpertParallel(s.op())) {
            f.add("expert-parallel");
            f.add("gen:shards=" + s.shards());
            if (s.extra() > 0) f.add("tail-rows");
        }
        return f;
    }

    /** I1-I4: the index form, its ids' dtype and whether some slot is -1 (no expert). */
    private static void indexFormFeatures(Tensor ids, Set<String> f) {
        f.add("index-form");
        f.add("gen:topk-ids=" + ids.dtype().id());
        for (long i = 0; i < ids.numel(); i++) if (ids.getLong(i) < 0) { f.add("minus-one-slot"); break; }
    }

    /** n(t), the counts and the D3 pairs from the oracle: its layout view of a dispatch, its routes of the row_id_map input otherwise. */
    private static void routingFeatures(Invocation inv, CaseSpec s, Set<String> f) {
        GroupLayout layout = Oracle.layout(inv).orElse(null);
        RowIdMap.Routes routes = layout != null ? null : Oracle.routes(inv).orElseThrow();
        Tensor probs = firstPresent(Oracle.maskForm(inv), Ports.PROBS, Ports.MERGING_PROBS); // I3: topk_weights as probs
        long[] count = new long[s.experts()];
        boolean nowhere = false;
        boolean toAll = false;
        boolean zeroProb = layout != null && probs != null && layout.anyZeroProb(probs);
        for (int t = 0; t < s.tokens(); t++) {
            int n = layout != null ? layout.n(t) : routes.count(t);
            nowhere |= n == 0;
            toAll |= n == s.experts();
            for (int i = 0; routes != null && i < n; i++) {
                int e = routes.expert(t, i);
                count[e]++;
                zeroProb |= probs != null && probs.getF32(t, e) == 0f;
            }
        }
        for (int e = 0; layout != null && e < count.length; e++) count[e] = layout.count(e);
        if (nowhere) f.add("unrouted-token");
        if (toAll) f.add("gen:token-to-all-experts");
        if (zeroProb) f.add("zero-prob");
        long max = 0;
        for (long c : count) {
            if (c == 0) f.add("empty-expert");
            max = Math.max(max, c);
        }
        if (s.align() > max) f.add("gen:align>counts");
    }

    private static void payloadFeatures(Tensor p, Set<String> f) {
        DType d = p.dtype();
        boolean nan = false;
        boolean negZero = false;
        if (d == DType.F32 || d == DType.BF16 || d == DType.F16) {
            float[] row = new float[(int) p.rowElems()]; // exact widening keeps the sign of zero and NaN-ness
            for (long r = 0; r < p.rows() && !(nan && negZero); r++) {
                p.readRowF32(r, row);
                for (float v : row) {
                    if (v != v) nan = true;
                    else if (v == 0f && Float.floatToRawIntBits(v) != 0) negZero = true;
                }
            }
        } else {
            long signBit = 1L << (8 * d.size() - 1);
            for (long i = 0; i < p.numel() && !(nan && negZero); i++) {
                long bits = p.bits(i);
                double v = FloatFormats.toF64(d, bits);
                if (v == 0.0 && (bits & signBit) != 0) negZero = true;
                if (Double.isNaN(v)) nan = true;
            }
        }
        if (nan) f.add("nan-payload");
        if (negZero) f.add("negative-zero");
    }

    private static Tensor payload(Invocation inv) {
        return firstPresent(inv, Ports.INP, Ports.GRAD_OUTPUT);
    }

    private static Tensor firstPresent(Invocation inv, String... names) {
        for (String n : names) if (inv.inputs().containsKey(n)) return inv.inputs().get(n);
        return null;
    }

    /** The label of a routing map's dtype (X2 allows i32, i64 and bool), for coverage per routing dtype. */
    public static String routingDtypeLabel(DType d) {
        switch (d) {
            case BOOL: return "bool-routing-map";
            case I64: return "int64-routing-map";
            default: return "int32-routing-map";
        }
    }

    /** The label of a payload dtype: its id, but "fp8-e4m3" and "fp8-e5m2" for the fp8 ones (vectors label them so too). */
    public static String dtypeLabel(DType d) {
        switch (d) {
            case F8E4M3: return "fp8-e4m3";
            case F8E5M2: return "fp8-e5m2";
            default: return d.id();
        }
    }
}
