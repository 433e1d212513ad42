package org.permcheck.zoo;

/**
 * The bugs that can be planted in {@link PlantedCpuBackend}, one at a time. Each is modelled on a
 * bug seen in the field (docs/sources.md#te-12-3, #field-bugs): {@code fieldRef} names
 * the issue or pull request, {@code rule} the docs/spec.md rule it breaks (the rule the suite is
 * expected to kill it with; the kill matrix records the rules that actually did).
 *
 * <p>The planted bugs are deliberately narrow: they touch one expert, one kind of input or one
 * corner of the layout, so that a suite which only tries "typical" inputs lets them through.
 */
enum Bug {
    NONE("none", "", "", "-"),

    // ------------------------------------------------------------ freedoms: deviations the contract allows (must PASS)
    FREE_MAP_SLOTS("free:row-id-map-leftovers",
            "unspecified row_id_map slots [n,E) and [E+n,2E) hold pass-2 leftovers and garbage",
            "docs/sources.md#te-16 (TE leaves them so)", "M5", true),
    FREE_UNUSED_ROWS("free:unused-rows-garbage",
            "unpadded rows [N_used, num_out_tokens) of output and permuted_probs hold NaN garbage",
            "docs/sources.md#te-4-1, #te-7 (TE leaves them uninitialized)", "D5", true),
    FREE_COMBINE_ASCENDING("free:combine-ascending-f32",
            "combine accumulates in f32 in ascending expert order (another admissible order)",
            "docs/sources.md#te-3-2, #te-11 (bit-faithful order is informational)", "C2", true),
    FREE_COMBINE_FMA("free:combine-fma-in-te-jax",
            "combine fuses the multiply-add in the te-jax profile (the PyTorch-launched kernels do)",
            "docs/sources.md#te-16 (FMA vs separate multiply-add)", "C5", true),
    FREE_CBWD_UNTARGETED_ROWS("free:combine-bwd-untargeted-rows",
            "combine backward leaves rows no (t,e) targets (padding, tail, unused) uninitialized",
            "docs/sources.md#te-9 (JAX leaves them uninitialized)", "G3", true),

    // ------------------------------------------------------------ token_dispatch
    NUM_OUT_IGNORED("dispatch-num-out-ignored",
            "num_out_tokens ignored: the unpadded buffer has sum(routing_map) rows instead of num_out_tokens",
            "TE #3346 / PR #3347", "D5"),
    COUNTS_UNPADDED("dispatch-counts-unpadded",
            "tokens_per_expert returns the actual counts when padding (should be the aligned counts)",
            "TE #2613 (5th output always tokens_per_expert, aligned when padded)", "N1"),
    EMPTY_EXPERT_PADDED("dispatch-empty-expert-padded",
            "an expert with zero tokens is padded to align_size rows instead of 0",
            "torchtitan PR #1166 (pad empty experts for _grouped_mm)", "P1"),
    PAD_ROWS_NOT_ZEROED("dispatch-pad-rows-garbage",
            "padding rows keep a stale copy of the expert's last token row (only where pad_len > 0)",
            "TE PR #2026 (zero-init padded slots)", "P2"),
    TAIL_NOT_ZEROED("dispatch-tail-rows-garbage",
            "rows past sum(target) of the worst-case buffer are left uninitialized (NaN)",
            "torchtitan #1237, PRs #1254/#1340 (NaN from unassigned tail rows)", "P3"),
    DESCENDING_IN_EXPERT("dispatch-descending-in-last-expert",
            "tokens of the last non-empty expert (count >= 2) are stored in descending token order",
            "SGLang PR #33511 / Megatron #1603 (within-expert order differs)", "D1"),
    NONDETERMINISTIC_ORDER("dispatch-second-run-order",
            "every second call swaps the first two tokens of the first expert holding two or more",
            "DeepEP PR #753, issue #560 (atomicAdd slot placement)", "R1"),
    UNROUTED_SORTED_FIRST("dispatch-unrouted-sorted-first",
            "tokens routed nowhere get sort key -1 and take the first rows, shifting every expert's rows",
            "TE #2908 / PR #2907 (-1 sentinels sorted to the head of the radix sort)", "D1"),
    PROB_ZERO_COPIED("dispatch-prob-zero-row-copied",
            "a routed entry with probability 0.0 copies the token row instead of writing +0.0 (fp8 payloads only)",
            "TE PR #2026 (zero store for prob==0 failed for fp8)", "D3"),
    NEG_ZERO_PROB_COPIED("dispatch-neg-zero-prob-copied",
            "only probability +0.0 zeroes the row; -0.0 (compared by bits) copies it",
            "docs/sources.md#te-16 (-0.0 verified to zero the row on GPU)", "D3"),
    PERMUTED_PROBS_PAD_GARBAGE("dispatch-permuted-probs-pad-garbage",
            "permuted_probs on padding rows repeats the expert's last probability instead of +0.0",
            "TE PR #2547 (garbage-initialized permuted_scale)", "D4"),
    PERMUTED_PROBS_WIDENED("dispatch-permuted-probs-widened",
            "permuted_probs is returned as f32 when probs are bf16/f16",
            "docs/sources.md#te-4-1 (permuted_probs keeps the dtype of probs)", "D4"),
    ROW_ID_MAP_ASCENDING("dispatch-row-id-map-ascending",
            "row_id_map valid slots in ascending instead of descending expert order",
            "docs/sources.md#te-2-1 (pass 3 stores slots in descending dst order)", "M2"),
    ROW_ID_MAP_PADDED_DST("dispatch-row-id-map-padded-dst",
            "row_id_map holds the padded destination (pad offset added twice by the consumer)",
            "TE PR #1921 (fused permute+pad: pad offsets applied by the consumer)", "M2"),
    TPE_INT64("dispatch-tokens-per-expert-int64",
            "tokens_per_expert returned as int64 in the te-jax profile (int32 there)",
            "TE #2613 / docs/sources.md#profile-parameters (counts dtype is a profile parameter)", "N1"),
    TPE_MISSING_WHEN_PADDED("dispatch-tokens-per-expert-missing-padded",
            "tokens_per_expert absent when padding (the pre-#2613 None)",
            "TE #2613, MaxText #2585", "N1"),
    PAD_OFFSETS_ABSENT_WHEN_ALIGNED("dispatch-pad-offsets-absent-aligned",
            "te-jax omits pad_offsets when every count is already aligned (the torch behaviour leaked)",
            "TE PyTorch pad_offsets-is-None branch (docs/sources.md#te-4-7, #te-5)", "P4"),
    PAD_OFFSETS_INCLUSIVE("dispatch-pad-offsets-inclusive",
            "pad_offsets is the inclusive cumsum of pad lengths (layout shifted by the own pad)",
            "vLLM PR #55896 (moe_align_block_size offsets example corrected)", "P1"),
    WORST_CASE_CEIL("dispatch-worst-case-off-by-one",
            "worst-case buffer rounded up instead of down: ceil((N + E(A-1)) / A) * A rows",
            "TE #1921 (worst-case buffer from num_out_tokens)", "P3"),
    BUFFER_EXACT_IN_TE_JAX("dispatch-exact-buffer-te-jax",
            "te-jax returns exactly sum(target) rows instead of the worst-case buffer",
            "TE PR #1921 (JAX API: worst-case buffer, not tokens_per_expert)", "P3"),
    UNALIGNED_WHEN_TARGET_EXCEEDS_T("dispatch-unaligned-when-target-exceeds-t",
            "an expert whose aligned count would exceed T keeps its unaligned count",
            "Megatron-LM #6086 (pad_routing_map unaligned counts)", "P1"),
    ROW_ID_MAP_INT64("dispatch-row-id-map-int64",
            "row_id_map returned as int64 (a torch long index map) instead of int32",
            "TE #2908 / PR #2907 (index-map int64 arithmetic leaking into the output)", "M1"),
    COUNT_COLUMN_SKIPS_ZERO_PROBS("dispatch-count-column-skips-zero-probs",
            "row_id_map column 2E counts only routed experts with a nonzero probability",
            "Megatron pad_routing_map (routed entries with prob 0), TE PR #1921", "M4"),
    NAN_PAYLOAD_CANONICALIZED("dispatch-payload-times-one",
            "rows moved as x * 1.0f through f32: NaN payloads quieted (f32/bf16/f16 payloads)",
            "docs/sources.md#te-3-1 (data moves are bit copies)", "D2"),
    NEG_ZERO_PAYLOAD_FLUSHED("dispatch-payload-plus-zero",
            "rows moved as x + 0.0f: -0.0 becomes +0.0 (f32/bf16/f16 payloads)",
            "docs/sources.md#te-3-1 (-0.0 survives a data move)", "D2"),

    // ------------------------------------------------------------ token_combine
    COMBINE_LOW_PRECISION_ACCUM("combine-accumulate-in-dtype",
            "combine accumulates in the payload dtype (rounds after every add) instead of f32",
            "TE #1336 (bf16 accumulation errors up to 3.6)", "C1"),
    COMBINE_IGNORES_PAD_OFFSETS("combine-ignores-pad-offsets",
            "combine reads row_id_map destinations without adding pad_offsets",
            "TE PR #1921 (unpermute+unpad)", "C1"),
    COMBINE_DENSE_MASK("combine-dense-mask-nan-leak",
            "combine sums over every expert with a 0/1 mask: 0 * NaN merging prob of a non-routed expert leaks",
            "docs/sources.md#te-12-2 (NaN merging prob on a non-routed entry must not leak)", "C4"),
    COMBINE_SENTINEL_SCAN("combine-scans-to-sentinel",
            "combine walks the destination columns until a -1 instead of using n(t), reading pass-2 leftovers",
            "docs/sources.md#te-16 (slots [n,E) hold leftovers, not -1)", "C4"),
    COMBINE_UNROUTED_NAN("combine-unrouted-uninitialized",
            "tokens routed nowhere are never written: their output rows stay uninitialized (NaN)",
            "MaxText PR #4898/#4905 (lax.empty rows), torchtitan #1237", "C3"),
    COMBINE_OUTPUT_PROMOTED("combine-output-type-promoted",
            "combine returns f32 when inp is bf16/f16 and merging_probs f32 (type promotion of x * p)",
            "TE #1336 / PyTorch type promotion in unpermute", "C6"),
    COMBINE_PROB_BY_SLOT("combine-prob-by-slot",
            "merging_probs indexed by slot i instead of by expert row_id_map[t, E+i]",
            "MaxText #4905 / marin (index confusion between slot and expert)", "C1"),

    // ------------------------------------------------------------ gradients
    DBWD_IGNORES_PAD_OFFSETS("dispatch-bwd-ignores-pad-offsets",
            "dispatch backward gathers grad rows without the pad offsets",
            "TE PR #1921 / #2591 (padded backward)", "G1"),
    DBWD_GRAD_PROBS_UNINIT("dispatch-bwd-grad-probs-uninitialized",
            "grad_probs of non-routed experts left uninitialized instead of +0.0",
            "docs/sources.md#te-9 (JAX padded backward leaves garbage)", "G2"),
    CBWD_NO_PROB_SCALE("combine-bwd-no-prob-scale",
            "combine backward copies grad_output to grad_inp without multiplying by merging_probs",
            "TE #1336 (permute/unpermute grad errors)", "G3"),
    CBWD_GMP_LOW_PRECISION("combine-bwd-gmp-accumulate-in-dtype",
            "grad_merging_probs accumulated in the probs dtype (bf16/f16) instead of f32",
            "TE #1336", "G4"),

    // ------------------------------------------------------------ chunk sort
    CHUNK_TAIL_MOVED("chunk-sort-tail-moved",
            "rows past sum(split_sizes) travel with the last chunk instead of staying in place",
            "TE #2672 (MaxText: chunk sort tail identity)", "S1"),
    CHUNK_OFFSETS_UNSORTED("chunk-sort-offsets-unsorted-sizes",
            "output chunk starts summed over split_sizes[q] instead of split_sizes[sorted_indices[q]]",
            "TE #2730/#2575 (chunk-sort map confusion)", "S1"),
    CHUNK_BWD_SCATTER("chunk-sort-bwd-scatter",
            "chunk-sort backward scatters through the map (applies the forward) instead of gathering",
            "TE #2730 (chunk-sort backward aliasing)", "S3"),

    // ------------------------------------------------------------ expert-parallel helpers
    A2A_RECEIVER_SIDE_OFFSETS("a2a-receiver-side-offsets",
            "output_offsets computed receiver-side (where shard i's slice lands in my buffer)",
            "marin PR #4867, docs/sources.md#ragged-all-to-all", "A1"),
    A2A_INT32_OVERFLOW("a2a-int32-offsets",
            "offsets accumulated in int32: huge int64 counts wrap (checked on metadata only)",
            "TE #2196, #2908/PR #2907 (int32 offset overflow)", "A1"),
    A2A_REVERSE_AS_FORWARD("a2a-reverse-uses-forward-offsets",
            "the reverse params reuse the forward output_offsets formula",
            "TE #2912 (ragged A2A helpers, untested at HEAD)", "A2"),
    LOCAL_PERMUTE_SOURCE_MAJOR("local-permute-source-major",
            "local_permute_after_a2a keeps chunks source-major (no transposition to expert-major)",
            "TE #2912 / #2672 (local permute helpers)", "A3"),
    LOCAL_UNPERMUTE_FORWARD("local-unpermute-applies-forward",
            "local_unpermute_before_a2a sorts by argsort(inverse_chunk_indices), i.e. applies the forward order again",
            "TE #2912 (ragged A2A helpers, untested at HEAD)", "A4"),

    // ------------------------------------------------------------ field bugs reported since the zoo was written (issue 11)
    COMBINE_SUMS_TAIL("combine-sums-unwritten-tail",
            "combine also adds every buffer row past the last routed row (the worst-case buffer's unwritten tail) into token 0",
            "DeepEP #739, vLLM #45539 (unwritten tail of a worst-case buffer read as data)", "C1"),
    SPARE_ROWS_IN_LAST_EXPERT("dispatch-spare-rows-in-last-expert",
            "padded dispatch returns unpadded counts, the buffer's spare rows folded into the last expert's count",
            "Primus #828, Megatron-LM #5288 (buffers padded, counts not; spare capacity in the last expert)", "N1"),
    PADDING_TOKENS_AS_LOAD("dispatch-padding-tokens-as-load",
            "tokens routed nowhere (padding tokens) are counted in expert 0's tokens_per_expert",
            "torchtitan #4168, vLLM #50759 (padding tokens counted as expert load)", "N1"),
    EXPERT_ID_MOD_1024("dispatch-expert-id-mod-1024",
            "the count pass bins experts mod 1024 (a 1024-bin histogram): with E > 1024 experts e and e+1024 share a count",
            "SGLang #21610 (MoE broken past 1024 experts)", "D1"),
    ROW_STRIDE_ROUNDED_TO_8("dispatch-row-stride-rounded-to-8",
            "output rows written with a row stride of H rounded up to 8 elements (16-byte rows): rows misplaced when H % 8 != 0",
            "Paddle #79756 (16-byte alignment assumed for the row stride)", "D2"),
    COMBINE_ROW_STRIDE_H_PLUS_1("combine-row-stride-h-plus-1",
            "combine reads inp with a row stride of H+1 elements (a padded scale-row stride taken for the payload's)",
            "FlashInfer #4087 (scale rows read from the wrong place, tests green)", "C1"),
    A2A_EMPTY_RANK_EARLY_EXIT("a2a-empty-rank-early-exit",
            "a shard that sends no tokens returns all-zero ragged all-to-all params (an early exit for an empty rank)",
            "Megatron-Bridge #5270 (uneven or zero tokens on some ranks), Megatron-LM #1877", "A1"),

    // ------------------------------------------------------------ the index form (issue 14, docs/sources.md#index-form)
    INDEX_MINUS_ONE_LAST("index-minus-one-is-last-expert",
            "index form: a -1 slot of topk_ids is scattered as expert E-1 (Python's x[-1]) instead of routing nowhere",
            "vLLM PR #46408, #52380; vllm-xpu-kernels PR #578; aiter #4636 (expert_map[-1] / negative ids as indices)", "I4"),
    INDEX_WEIGHTS_SORTED("index-weights-by-sorted-position",
            "index form: topk_weights paired with the row's ids sorted ascending instead of slot by slot",
            "LeetGPU-challenges #255 / PR #256, PyTorch #108642 (ids and weights out of step when slots are unsorted)", "I3"),
    INDEX_SLOT_MAJOR("index-slot-major-order",
            "index form: an expert's rows ordered slot-major, by (slot j, token t), instead of by flat index t*k+j",
            "Tutel 82af7aad (slot-major (k, t) order within an expert, docs/sources.md#peer-contracts)", "I2"),

    // ------------------------------------------------------------ beyond the oracle's budget (issue 11): wrong only past T = 32768,
    // killed only by the hunt's xl stage, judged by the relations R3/R4 with the oracle not run (docs/mutants.md)
    DISPATCH_TOKEN_ID_UINT16("dispatch-token-id-uint16",
            "the permute kernel's gather table holds source token ids as uint16: token t reads the row of token t mod 65536 (wrong only past T = 65536)",
            "vLLM #5938 / PR #5939 (Triton MoE kernels wrong past 65536 tokens), Paddle PR #70744 (MoE kernel fixed for token_num > 65536)", "R3"),
    DISPATCH_TAIL_BLOCKS_UNLAUNCHED("dispatch-tail-blocks-past-2^15-unlaunched",
            "the permute grid is capped at 32 blocks of 1024 tokens: rows of tokens t >= 32768 are never written (stay zero)",
            "vllm-gguf-plugin PR #132, llama.cpp PR #13384 (work past a launch-grid cap never runs; docs/sources.md#field-bugs)", "R3"),
    CBWD_DROPS_TOKENS_PAST_32768("combine-bwd-drops-tokens-past-32768",
            "combine backward runs one block per 1024 tokens on at most 32 blocks: tokens t >= 32768 add nothing to grad_inp and grad_merging_probs",
            "FreeToken #186 / PR #185, llama.cpp PR #13384 (a (token, slot) grid capped by a launch limit; docs/sources.md#field-bugs)", "R3"),
    // ------------------------------------------------------------ profile maxtext (issue 14, docs/sources.md#maxtext-permute)
    MAXTEXT_UNSTABLE_ARGSORT("maxtext-unstable-argsort",
            "maxtext: the flat ids sorted by an unstable sort, an expert's slots in descending flat index (ties last-first)",
            "JAX #2779 (XLA's sort unstable on GPU, before PR #3580 made it stable by default); data-apis/array-api-compat #354 (torch.argsort)", "J3"),
    MAXTEXT_COUNTS_BEFORE_ROLL("maxtext-group-sizes-unrolled",
            "maxtext: group_sizes = bincount of the ids before the roll, while the sort reads the rolled ids (group g sized as expert g)",
            "MaxText PR #1734 (bincount group sizes that disagree with the sorted rows), ring of experts PRs #2827, #3351", "J4"),
    MAXTEXT_ROLL_AFTER_SORT("maxtext-roll-after-sort",
            "maxtext: the ids sorted before they are rolled: the buffer keeps the unrolled expert order under the rolled group sizes",
            "MaxText ring of experts (roll_to_expert_id, PR #2827's definition: the roll comes before the sort)", "J4"),
    MAXTEXT_PADDING_IN_LAST_GROUP("maxtext-padding-counted-in-last-expert",
            "maxtext: group_sizes count the rows that pad T*K up to the matmul tile (8) into the last expert",
            "MaxText PR #1734 (local sizes by bincount assigned the padding tokens to the last expert)", "J2"),
    MAXTEXT_TILE_PADDED_BUFFER("maxtext-tile-padded-buffer",
            "maxtext: the buffer returned padded to the grouped matmul's tile (rows rounded up to 8, zero rows) instead of T*K rows",
            "MaxText moe.py (max_utils.maybe_pad pads the total row count for the GMM and slices back, docs/sources.md#maxtext-permute)", "J1");

    final String id;
    final String bugClass;
    final String fieldRef;
    final String rule;
    /** A deviation the contract allows: the suite must PASS it (no false alarm on the contract's freedoms). */
    final boolean freedom;

    Bug(String id, String bugClass, String fieldRef, String rule) { this(id, bugClass, fieldRef, rule, false); }

    Bug(String id, String bugClass, String fieldRef, String rule, boolean freedom) {
        this.id = id;
        this.bugClass = bugClass;
        this.fieldRef = fieldRef;
        this.rule = rule;
        this.freedom = freedom;
    }
}
