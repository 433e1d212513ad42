package org.permcheck.engine.vectors;

import org.permcheck.contract.Ports;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.engine.fuzz.CaseFeatures;
import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.engine.fuzz.CaseRules;
import org.permcheck.engine.fuzz.CaseSpec;
import org.permcheck.engine.model.Case;
import org.permcheck.tensor.DType;

/**
 * Vectors whose inputs come from the seeded generator (docs/generator.md): the manifest records
 * the spec line and seed, so a port can rebuild the inputs without Java. Small recipes are
 * committed like any vector; large ones are too big to commit and are regenerated on demand
 * ({@code permcheck vectors generate --large DIR}), pinned by the SHA-256 of every file in
 * vectors/recipes.json.
 */
public final class GeneratedRecipes {
    private GeneratedRecipes() {}

    /** A generated vector: its id, one sentence, and the spec line it is made from. */
    public record Recipe(String id, String description, String spec) {}

    /** The generator this format version records (docs/generator.md). */
    static final String GENERATOR = "permcheck-case-generator";
    static final int GENERATOR_VERSION = 1;

    public static List<Recipe> smallRecipes() {
        return List.of(
                new Recipe("generated/dispatch-zipf-padded-bf16", "skewed routing, bf16 payload and probs with exact zeros, align 8",
                        "op=token_dispatch profile=te-jax T=64 E=8 H=16 k=2 routing=zipf align=8 extra=0 dtype=bf16 probs_dtype=bf16 probs=true merging_probs=false zero_probs=true values=normal chunks=1 chunk_order=random shards=1 seed=0x5eed0001"),
                new Recipe("generated/dispatch-torch-mask-pad", "torch-mask-pad profile, varying experts per token, f16 probs",
                        "op=token_dispatch profile=torch-mask-pad T=48 E=6 H=8 k=3 routing=varying align=4 extra=0 dtype=f32 probs_dtype=f16 probs=true merging_probs=false zero_probs=false values=specials chunks=1 chunk_order=random shards=1 seed=0x5eed0002"),
                new Recipe("generated/dispatch-fp8-extra-rows", "fp8 raw bits, tokens routed nowhere, 5 unspecified extra rows",
                        "op=token_dispatch profile=te-jax T=40 E=5 H=16 k=2 routing=nowhere align=0 extra=5 dtype=f8e4m3 probs_dtype=f32 probs=false merging_probs=false zero_probs=false values=bits chunks=1 chunk_order=random shards=1 seed=0x5eed0003"),
                new Recipe("generated/combine-merging-probs-f16", "combine of a padded buffer with f32 merging probs into f16, with zero probabilities",
                        "op=token_combine profile=te-jax T=32 E=8 H=16 k=4 routing=uniform align=4 extra=0 dtype=f16 probs_dtype=f32 probs=false merging_probs=true zero_probs=true values=normal chunks=1 chunk_order=random shards=1 seed=0x5eed0004"),
                new Recipe("generated/dispatch-backward-probs", "dispatch VJP with grad_permuted_probs, an empty middle expert",
                        "op=token_dispatch_backward profile=te-jax T=24 E=5 H=8 k=2 routing=empty_middle align=0 extra=3 dtype=bf16 probs_dtype=bf16 probs=true merging_probs=false zero_probs=false values=small chunks=1 chunk_order=random shards=1 seed=0x5eed0005"),
                new Recipe("generated/combine-backward-merging-probs", "combine VJP with merging probs through torch-mask-pad pad offsets",
                        "op=token_combine_backward profile=torch-mask-pad T=20 E=4 H=8 k=2 routing=uniform align=4 extra=0 dtype=f32 probs_dtype=bf16 probs=false merging_probs=true zero_probs=false values=normal chunks=1 chunk_order=random shards=1 seed=0x5eed0006"),
                new Recipe("generated/chunk-sort-random-tail", "7 chunks in random order with 6 tail rows and probs",
                        "op=sort_chunks_by_index profile=te-jax T=50 E=1 H=8 k=1 routing=uniform align=0 extra=6 dtype=f8e5m2 probs_dtype=f32 probs=true merging_probs=false zero_probs=true values=bits chunks=7 chunk_order=random shards=1 seed=0x5eed0007"),
                new Recipe("generated/local-permute-4-shards", "expert-parallel local permute on shard of 4 with 16 experts and slack rows",
                        "op=local_permute_after_a2a profile=te-jax T=6 E=16 H=4 k=1 routing=uniform align=0 extra=3 dtype=bf16 probs_dtype=f32 probs=false merging_probs=false zero_probs=false values=index chunks=1 chunk_order=random shards=4 seed=0x5eed0008"));
    }

    /** Too large to commit: regenerated from the spec, pinned by hash in vectors/recipes.json. */
    public static List<Recipe> largeRecipes() {
        return List.of(
                new Recipe("large/dispatch-t4096-e64-top8-h1024-bf16", "a production-like dispatch: 4096 tokens, 64 experts, top-8, bf16 rows of 1024, probs, align 16",
                        "op=token_dispatch profile=te-jax T=4096 E=64 H=1024 k=8 routing=uniform align=16 extra=0 dtype=bf16 probs_dtype=f32 probs=true merging_probs=false zero_probs=true values=normal chunks=1 chunk_order=random shards=1 seed=0x1a4e0001"),
                new Recipe("large/combine-t2048-e32-top4-h512-f32", "combine of a padded buffer: 2048 tokens, 32 experts, top-4, f32 rows of 512, merging probs",
                        "op=token_combine profile=te-jax T=2048 E=32 H=512 k=4 routing=zipf align=8 extra=0 dtype=f32 probs_dtype=bf16 probs=false merging_probs=true zero_probs=false values=normal chunks=1 chunk_order=random shards=1 seed=0x1a4e0002"));
    }

    /** The vector of recipe {@code r}; a {@code large} one (not committed) carries the label "large". */
    static VectorCase toVector(Recipe r, boolean large) {
        CaseSpec spec = CaseSpec.parse(r.spec());
        Case c = CaseGenerator.generate(r.id(), spec, null, "vector");
        Map<String, Object> gen = new LinkedHashMap<>();
        gen.put("name", GENERATOR);
        gen.put("version", GENERATOR_VERSION);
        gen.put("spec", spec.toString());
        gen.put("seed", spec.seed());
        List<String> features = new ArrayList<>(labels(spec, c.invocation()));
        if (large) features.add("large");
        return new VectorCase(r.id(), r.description(), CaseRules.of(c.invocation()), features, c.invocation(), null, gen,
                Map.of("source", "recipe"));
    }

    /** Labels of the closed list ({@link FeatureLabels}) that describe a generated case. */
    static Set<String> labels(CaseSpec s, Invocation inv) {
        Set<String> f = new LinkedHashSet<>();
        f.add("generated");
        f.add(CaseFeatures.dtypeLabel(s.dtype()));
        if (s.probsDtype() != s.dtype() && (s.probs() || s.mergingProbs()) && s.dtype() != DType.F8E4M3 && s.dtype() != DType.F8E5M2) f.add("mixed-dtypes");
        if (s.probs() && (s.op() == Op.DISPATCH || s.op() == Op.SORT_CHUNKS || s.op() == Op.DISPATCH_BACKWARD || s.op() == Op.SORT_CHUNKS_BACKWARD)) f.add("probs");
        if (s.mergingProbs() && (s.op() == Op.COMBINE || s.op() == Op.COMBINE_BACKWARD)) f.add("merging-probs");
        if (s.zeroProbs() && (f.contains("probs") || f.contains("merging-probs"))) f.add("zero-prob");
        if (s.align() > 0 && (s.op() == Op.DISPATCH || inv.inputs().containsKey(Ports.PAD_OFFSETS))) f.add("padding");
        if (s.profile() == Profile.TORCH_MASK_PAD) f.add("torch-mask-pad");
        if (s.profile() == Profile.MAXTEXT) f.add("maxtext");
        if (s.op() == Op.DISPATCH && s.align() == 0 && s.extra() > 0) f.add("extra-rows");
        if (s.op().wireName().endsWith("_backward")) f.add("gradient");
        if (s.op() == Op.SORT_CHUNKS || s.op() == Op.SORT_CHUNKS_BACKWARD) {
            f.add("chunk-sort");
            if (s.extra() > 0) f.add("tail-rows");
        }
        if (s.op().ordinal() >= Op.RAGGED_A2A_PARAMS.ordinal()) {
            f.add("expert-parallel");
            if (s.extra() > 0) f.add("tail-rows");
        }
        switch (s.routing()) {
            case NOWHERE: f.add("unrouted-token"); break;
            case EMPTY_FIRST: case EMPTY_LAST: case EMPTY_MIDDLE: f.add("empty-expert"); break;
            case ALL: f.add("all-routed"); break;
            default:
        }
        switch (s.values()) {
            case SPECIALS: f.add("special-values"); break;
            case BITS: f.add("nan-payload"); break;
            default:
        }
        return f;
    }
}
