package org.permcheck.engine.fuzz;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;

/**
 * Everything that determines a generated case: the op, the profile, the sizes, the distributions
 * and the data seed. {@link CaseGenerator} turns it into tensors, deterministically; the text form
 * ({@link #toString()}, {@link #parse(String)}) is what reports print and what ports read
 * (docs/generator.md).
 *
 * @param op          the operation
 * @param profile     te-jax, torch-mask-pad or maxtext (maxtext: index-form dispatch only, docs/generator.md 7a)
 * @param tokens      T (dispatch family), rows N (chunk sort), or the largest per-(shard, expert) count (EP ops)
 * @param experts     E (dispatch family and EP ops; a multiple of shards for EP ops)
 * @param hidden      H, the payload's row width
 * @param topK        experts per token (k; clamped to E)
 * @param routing     the routing distribution
 * @param align       align_size, 0 = no padding
 * @param extra       num_out_tokens - N_used (unpadded dispatch), tail rows (chunk sort), slack rows (EP)
 * @param dtype       payload dtype
 * @param probsDtype  dtype of probs / merging_probs / grad_permuted_probs
 * @param probs       give probs (dispatch, chunk sort) or grad_permuted_probs (their backward passes)
 * @param mergingProbs give merging_probs (combine and its backward pass)
 * @param zeroProbs   probabilities include exact +0.0 and -0.0 (and NaN on entries never read)
 * @param values      how payload elements are made
 * @param chunks      S, the number of chunks (chunk sort)
 * @param chunkOrder  "random", "identity" or "reverse" (chunk sort)
 * @param shards      number of expert-parallel shards (EP ops)
 * @param seed        the data seed of the case's SplitMix64
 * @param routingDtype dtype of dispatch's routing_map input: i32, i64 or bool (X2); printed only when not i32,
 *                    so every spec line written before the field existed reads back as the same case; in the
 *                    index form, the dtype of topk_ids (i32 or i64)
 * @param indexForm   token_dispatch in the index form (docs/spec.md I1-I4): topk_ids [T,k] (and topk_weights) in
 *                    place of routing_map (and probs); printed as {@code routing_form=index} only when true
 * @param scaleRecipe block scales of an fp8 dispatch payload (docs/spec.md F1-F4): 0 none, else the
 *                    {@code scale_recipe} code (1 fp8-block-1x128, 2 mxfp8); printed only when not 0
 */
public record CaseSpec(Op op, Profile profile, int tokens, int experts, int hidden, int topK, Routing routing, int align,
                       int extra, DType dtype, DType probsDtype, boolean probs, boolean mergingProbs, boolean zeroProbs,
                       Values values, int chunks, String chunkOrder, int shards, long seed, DType routingDtype, boolean indexForm,
                       int scaleRecipe) {

    /** A default spec to start from (then change fields with the with... methods). */
    public static CaseSpec of(Op op, int tokens, int experts, int hidden, int topK, long seed) {
        return new CaseSpec(op, Profile.TE_JAX, tokens, experts, hidden, topK, Routing.UNIFORM, 0, 0, DType.F32, DType.F32,
                false, false, false, Values.BITS, 1, "random", 1, seed, DType.I32, false, 0);
    }

    public CaseSpec withOp(Op v) { return new CaseSpec(v, profile, tokens, experts, hidden, topK, routing, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withProfile(Profile v) { return new CaseSpec(op, v, tokens, experts, hidden, topK, routing, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withTokens(int v) { return new CaseSpec(op, profile, v, experts, hidden, topK, routing, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withExperts(int v) { return new CaseSpec(op, profile, tokens, v, hidden, topK, routing, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withHidden(int v) { return new CaseSpec(op, profile, tokens, experts, v, topK, routing, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withTopK(int v) { return new CaseSpec(op, profile, tokens, experts, hidden, v, routing, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withRouting(Routing v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, v, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withAlign(int v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, v, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withExtra(int v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, v, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withDtype(DType v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, extra, v, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withProbsDtype(DType v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, extra, dtype, v, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withProbs(boolean v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, extra, dtype, probsDtype, v, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withMergingProbs(boolean v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, extra, dtype, probsDtype, probs, v, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withZeroProbs(boolean v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, extra, dtype, probsDtype, probs, mergingProbs, v, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withValues(Values v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, v, chunks, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withChunks(int v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, v, chunkOrder, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withChunkOrder(String v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, v, shards, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withShards(int v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, v, seed, routingDtype, indexForm, scaleRecipe); }
    public CaseSpec withRoutingDtype(DType v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, v, indexForm, scaleRecipe); }
    public CaseSpec withIndexForm(boolean v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, v, scaleRecipe); }
    public CaseSpec withScaleRecipe(int v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, seed, routingDtype, indexForm, v); }
    public CaseSpec withSeed(long v) { return new CaseSpec(op, profile, tokens, experts, hidden, topK, routing, align, extra, dtype, probsDtype, probs, mergingProbs, zeroProbs, values, chunks, chunkOrder, shards, v, routingDtype, indexForm, scaleRecipe); }

    /** The one-line text form: {@code key=value} pairs in a fixed order (docs/generator.md). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : fields().entrySet()) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    private Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("op", op.wireName());
        m.put("profile", profile.id());
        m.put("T", Integer.toString(tokens));
        m.put("E", Integer.toString(experts));
        m.put("H", Integer.toString(hidden));
        m.put("k", Integer.toString(topK));
        m.put("routing", routing.id());
        m.put("align", Integer.toString(align));
        m.put("extra", Integer.toString(extra));
        m.put("dtype", dtype.id());
        m.put("probs_dtype", probsDtype.id());
        m.put("probs", Boolean.toString(probs));
        m.put("merging_probs", Boolean.toString(mergingProbs));
        m.put("zero_probs", Boolean.toString(zeroProbs));
        m.put("values", values.id());
        m.put("chunks", Integer.toString(chunks));
        m.put("chunk_order", chunkOrder);
        m.put("shards", Integer.toString(shards));
        m.put("seed", "0x" + Long.toHexString(seed));
        if (routingDtype != DType.I32) m.put(ROUTING_DTYPE, routingDtype.id()); // optional: old lines stay as they were
        if (indexForm) m.put(ROUTING_FORM, INDEX); // optional, as routing_dtype
        if (scaleRecipe != 0) m.put(SCALE_RECIPE, Integer.toString(scaleRecipe)); // optional, as routing_dtype
        return m;
    }

    /** The optional key of the routing map's dtype (absent: i32). */
    static final String ROUTING_DTYPE = "routing_dtype";
    /** The optional key of the routing's form (absent: the mask form) and its one other value. */
    static final String ROUTING_FORM = "routing_form";
    static final String INDEX = "index";
    /** The optional key of the block-scale recipe (absent: no scales; 1 fp8-block-1x128, 2 mxfp8, docs/spec.md F1). */
    static final String SCALE_RECIPE = "scale_recipe";

    /** Parses the text form; a bad field gives a one-line IllegalArgumentException. */
    public static CaseSpec parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : text.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("bad case spec field '" + part + "' (expected key=value)");
            m.put(part.substring(0, eq), part.substring(eq + 1));
        }
        try {
            String seed = req(m, "seed");
            long s = seed.startsWith("0x") ? Long.parseUnsignedLong(seed.substring(2), 16) : Long.parseLong(seed);
            return new CaseSpec(Op.byWireName(req(m, "op")), Profile.byId(req(m, "profile")), num(m, "T"), num(m, "E"),
                    num(m, "H"), num(m, "k"), Routing.byId(req(m, "routing")), num(m, "align"), num(m, "extra"),
                    DType.byId(req(m, "dtype")), DType.byId(req(m, "probs_dtype")), bool(m, "probs"),
                    bool(m, "merging_probs"), bool(m, "zero_probs"), Values.byId(req(m, "values")), num(m, "chunks"),
                    req(m, "chunk_order").toLowerCase(Locale.ROOT), num(m, "shards"), s,
                    m.containsKey(ROUTING_DTYPE) ? DType.byId(m.get(ROUTING_DTYPE)) : DType.I32, indexForm(m),
                    m.containsKey(SCALE_RECIPE) ? num(m, SCALE_RECIPE) : 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number in case spec: " + e.getMessage());
        }
    }

    private static boolean indexForm(Map<String, String> m) {
        String v = m.get(ROUTING_FORM);
        if (v == null || v.equals("mask")) return false;
        if (v.equals(INDEX)) return true;
        throw new IllegalArgumentException("routing_form must be mask or index, got '" + v + "'");
    }

    private static String req(Map<String, String> m, String k) {
        String v = m.get(k);
        if (v == null) throw new IllegalArgumentException("case spec lacks '" + k + "'");
        return v;
    }

    private static int num(Map<String, String> m, String k) { return Integer.parseInt(req(m, k)); }

    private static boolean bool(Map<String, String> m, String k) { return Boolean.parseBoolean(req(m, k)); }
}
