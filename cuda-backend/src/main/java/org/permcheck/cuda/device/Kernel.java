package org.permcheck.cuda.device;

import java.util.ArrayList;
import java.util.List;

/**
 * The one table of the kernels in src/main/cuda/permcheck.cu: each entry's PTX name (a stem plus
 * one of its variants), the variants the .cu instantiates, and its parameters in C order. Every
 * launch goes through {@link #launch} and is checked against this table before the driver sees it;
 * PtxResourceTest checks the compiled PTX against it (every entry, every parameter's width), so
 * the .cu file and the Java side cannot drift apart unnoticed.
 */
public enum Kernel {
    // the row map (M-rules) and counts (N-rules)
    ROWMAP_COUNT("rowmap_count", Variants.SINGLE,
            "ptr rmap, i32 rmBytes, i64 T, i32 E, i32 G, ptr masks, ptr chunkPrefix, ptr blockCounts"),
    ROWMAP_SCAN("rowmap_scan", Variants.SINGLE,
            "ptr blockCounts, i64 nTB, i32 E, i64 align, ptr blockOff, ptr meta, ptr tpeOut, ptr padOut, i32 idxSize"),
    // dispatch (D-, P-rules)
    DISPATCH_PERMUTE("dispatch_permute_", Variants.DATA,
            "ptr rmap, i32 rmBytes, i64 T, i32 E, i32 G, ptr masks, ptr chunkPrefix, ptr blockOff, ptr meta, ptr inp, "
                    + "i64 rowBytes, ptr out, i64 outRows, ptr probs, i32 probsSize, ptr pprobs, ptr rowIdMap"),
    DISPATCH_PAD_FILL("dispatch_pad_fill_", Variants.DATA,
            "ptr meta, i32 E, ptr out, i64 rowBytes, i64 outRows, ptr pprobs, i32 probsSize"),
    // combine (C-rules) and the gradients (G-rules)
    GATHER_SUM("gather_sum_", Variants.REDUCTION,
            "ptr inp, i64 inRows, i64 rowBytes, ptr rowIdMap, i32 E, ptr mprobs, i32 mpDT, ptr padOff, i32 padSize, "
                    + "i32 fmaOn, ptr out, ptr gpp, i32 gppSize, ptr gprobs"),
    SCATTER_ROWS("scatter_rows_", Variants.DATA,
            "ptr g, i64 rowBytes, ptr rowIdMap, i32 E, i64 outRows, ptr padOff, i32 padSize, ptr out, ptr hit"),
    COMBINE_BWD("combine_bwd_", Variants.REDUCTION,
            "ptr g, i64 rowBytes, ptr rowIdMap, i32 E, ptr fwdIn, i64 fwdRows, ptr mprobs, i32 mpDT, ptr padOff, "
                    + "i32 padSize, ptr gradIn, ptr hit, ptr gradMp"),
    FILL_UNHIT("fill_unhit_", Variants.DATA, "ptr out, i64 rows, i64 rowBytes, ptr hit"),
    // chunk sort (S-rules) and the expert-parallel helpers (A-rules)
    CHUNK_PREP("chunk_prep", Variants.SINGLE, "ptr split, ptr sorted, i32 S, ptr inStart, ptr incl, ptr outStart"),
    CHUNK_MAP("chunk_map", Variants.SINGLE, "ptr incl, ptr inStart, ptr outStart, i32 S, i64 N, ptr map"),
    SORT_ROWS("sort_rows_", Variants.DATA,
            "ptr in, i64 N, i64 rowBytes, ptr map, i32 forward, ptr out, ptr probs, i32 probsSize, ptr pprobs"),
    RAGGED_PARAMS("ragged_params", Variants.SINGLE, "ptr M, i32 S, i32 E, i32 shard, i32 reverse, ptr out"),
    LOCAL_A2A_PARAMS("local_a2a_params", Variants.SINGLE,
            "ptr M, i32 S, i32 E, i32 shard, ptr split, ptr sorted, ptr group, ptr sortedSplit, ptr inverse"),
    // the benchmark's floors: the same bytes with no index work (CudaBench only, docs/cuda.md "Floors")
    BENCH_FLOOR_SPREAD("bench_floor_spread", Variants.SINGLE, "ptr in, i64 nv, i32 k, ptr out"),
    BENCH_FLOOR_GATHER("bench_floor_gather", Variants.SINGLE, "ptr in, i64 nv, i32 k, ptr out"),
    BENCH_FLOOR_GRAD("bench_floor_grad", Variants.SINGLE, "ptr g, ptr fwd, i64 nv, i32 k, ptr out");

    /** A C parameter's kind: a device pointer, a C int or a C long long. */
    public enum Param { PTR, I32, I64 }

    /** The variant suffixes the .cu instantiates (DATA_KERNELS and REDUCTION_KERNELS there). */
    public static final class Variants {
        private Variants() {}

        static final List<String> SINGLE = List.of("");
        /** Bytes per access of the data-moving kernels, widest first. */
        public static final List<Integer> DATA_UNITS = List.of(16, 8, 4, 2, 1);
        static final List<String> DATA = DATA_UNITS.stream().map(String::valueOf).toList();
        /** dtype name + bytes per access of the reductions (f32 rows are always a multiple of 4). */
        static final List<String> REDUCTION = List.of("f32_16", "f32_4", "bf16_16", "bf16_4", "bf16_2", "f16_16", "f16_4", "f16_2");
    }

    private final String stem;
    private final List<String> variants;
    private final List<Param> params;
    private final List<String> paramNames;

    Kernel(String stem, List<String> variants, String signature) {
        this.stem = stem;
        this.variants = variants;
        List<Param> ps = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String p : signature.split(",\\s*")) {
            String[] kv = p.trim().split("\\s+");
            ps.add(Param.valueOf(kv[0].toUpperCase(java.util.Locale.ROOT)));
            names.add(kv[1]);
        }
        this.params = List.copyOf(ps);
        this.paramNames = List.copyOf(names);
    }

    public List<Param> params() { return params; }

    public String paramName(int i) { return paramNames.get(i); }

    /** Every PTX entry name of this kernel, one per instantiated variant. */
    public List<String> entries() { return variants.stream().map(v -> stem + v).toList(); }

    /** The PTX entry of one variant; a variant the .cu does not instantiate is a bug here, not a driver error. */
    public String entry(String variant) {
        if (!variants.contains(variant)) throw new IllegalArgumentException(stem + ": no variant '" + variant + "' (built: " + variants + ")");
        return stem + variant;
    }

    /** A launch of the only variant (kernels without variants). */
    public Launch launch(CudaDevice dev, long grid, int block, int sharedBytes) {
        return new Launch(dev, this, entry(""), grid, block, sharedBytes);
    }

    /** A launch of one variant: a data unit (16, 8, ...) or a reduction's "bf16_4". */
    public Launch launch(CudaDevice dev, Object variant, long grid, int block, int sharedBytes) {
        return new Launch(dev, this, entry(String.valueOf(variant)), grid, block, sharedBytes);
    }
}
