package org.permcheck.engine.fuzz;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.permcheck.engine.model.Case;
import org.permcheck.tensor.Tensor;

/** Prints (and computes for the docs test) the golden input hashes of docs/generator.md. */
public final class GeneratorGoldens {
    private GeneratorGoldens() {}

    /** The specs whose input hashes docs/generator.md publishes. */
    static final List<String> SPECS = List.of(
            "op=token_dispatch profile=te-jax T=5 E=3 H=4 k=2 routing=uniform align=0 extra=1 dtype=f32 probs_dtype=f32 probs=true merging_probs=false zero_probs=true values=bits chunks=1 chunk_order=random shards=1 seed=0x2a",
            "op=token_dispatch profile=torch-mask-pad T=9 E=4 H=3 k=2 routing=zipf align=4 extra=0 dtype=bf16 probs_dtype=bf16 probs=true merging_probs=false zero_probs=false values=specials chunks=1 chunk_order=random shards=1 seed=0x7",
            "op=token_combine profile=te-jax T=6 E=5 H=3 k=3 routing=varying align=2 extra=0 dtype=f16 probs_dtype=f32 probs=false merging_probs=true zero_probs=true values=normal chunks=1 chunk_order=random shards=1 seed=0x1234",
            "op=token_dispatch_backward profile=te-jax T=4 E=3 H=2 k=1 routing=nowhere align=0 extra=2 dtype=f32 probs_dtype=f16 probs=true merging_probs=false zero_probs=false values=small chunks=1 chunk_order=random shards=1 seed=0x99",
            "op=token_combine_backward profile=te-jax T=3 E=4 H=2 k=2 routing=empty_middle align=0 extra=0 dtype=bf16 probs_dtype=bf16 probs=false merging_probs=true zero_probs=false values=normal chunks=1 chunk_order=random shards=1 seed=0x5",
            "op=token_dispatch profile=te-jax T=4 E=3 H=2 k=3 routing=one_expert align=0 extra=0 dtype=f8e4m3 probs_dtype=f32 probs=false merging_probs=false zero_probs=false values=index chunks=1 chunk_order=random shards=1 seed=0x1",
            "op=sort_chunks_by_index profile=te-jax T=10 E=1 H=3 k=1 routing=uniform align=0 extra=2 dtype=f8e5m2 probs_dtype=f32 probs=true merging_probs=false zero_probs=true values=bits chunks=4 chunk_order=random shards=1 seed=0xabc",
            "op=sort_chunks_by_index_backward profile=te-jax T=7 E=1 H=2 k=1 routing=uniform align=0 extra=0 dtype=f32 probs_dtype=f32 probs=false merging_probs=false zero_probs=false values=small chunks=3 chunk_order=reverse shards=1 seed=0xdef",
            "op=compute_ragged_all_to_all_params profile=te-jax T=5 E=4 H=1 k=1 routing=uniform align=0 extra=0 dtype=f32 probs_dtype=f32 probs=false merging_probs=false zero_probs=false values=bits chunks=1 chunk_order=random shards=2 seed=0x10",
            "op=local_permute_after_a2a profile=te-jax T=3 E=6 H=2 k=1 routing=uniform align=0 extra=1 dtype=f16 probs_dtype=f32 probs=false merging_probs=false zero_probs=false values=bits chunks=1 chunk_order=random shards=3 seed=0x11",
            "op=local_unpermute_before_a2a profile=te-jax T=2 E=4 H=2 k=1 routing=uniform align=0 extra=0 dtype=f32 probs_dtype=f32 probs=false merging_probs=false zero_probs=false values=index chunks=1 chunk_order=random shards=2 seed=0x12",
            "op=token_dispatch profile=te-jax T=6 E=4 H=2 k=4 routing=all align=0 extra=0 dtype=f32 probs_dtype=f32 probs=false merging_probs=false zero_probs=false values=normal chunks=1 chunk_order=random shards=1 seed=0x3",
            "op=token_dispatch profile=te-jax T=5 E=3 H=2 k=2 routing=empty_first align=0 extra=0 dtype=f32 probs_dtype=f32 probs=false merging_probs=false zero_probs=false values=small chunks=1 chunk_order=random shards=1 seed=0x4",
            "op=token_dispatch profile=te-jax T=5 E=3 H=2 k=2 routing=empty_last align=0 extra=0 dtype=f32 probs_dtype=f32 probs=false merging_probs=false zero_probs=false values=small chunks=1 chunk_order=random shards=1 seed=0x4",
            // the optional field and the distinct values (issue 11)
            "op=token_dispatch profile=te-jax T=5 E=4 H=3 k=2 routing=varying align=0 extra=0 dtype=bf16 probs_dtype=f32 probs=true merging_probs=false zero_probs=false values=distinct chunks=1 chunk_order=random shards=1 seed=0x6 routing_dtype=bool",
            "op=token_dispatch profile=te-jax T=5 E=4 H=3 k=2 routing=varying align=0 extra=0 dtype=f32 probs_dtype=f32 probs=false merging_probs=false zero_probs=false values=distinct chunks=1 chunk_order=random shards=1 seed=0x6 routing_dtype=i64");

    /** "name dtype[shape] sha256" per input, in insertion order. */
    static List<String> hashes(String spec) throws Exception {
        Case c = CaseGenerator.generate("golden", CaseSpec.parse(spec), null, "property");
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : c.invocation().inputs().entrySet()) {
            out.add(e.getKey() + " " + e.getValue().dtype() + e.getValue().shapeString().replace(" ", "") + " " + sha256(e.getValue()));
        }
        for (Map.Entry<String, Long> a : c.invocation().attrs().entrySet()) out.add("attr " + a.getKey() + "=" + a.getValue());
        return out;
    }

    static String sha256(Tensor t) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < t.chunkCount(); i++) md.update(t.chunk(i));
        return HexFormat.of().formatHex(md.digest());
    }

    public static void main(String[] args) throws Exception {
        for (String s : SPECS) {
            System.out.println("spec: " + s);
            for (String h : hashes(s)) System.out.println("    " + h);
        }
    }
}
