package org.permcheck.engine.fuzz;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;

/**
 * Named edge cases, run before any sampled case (docs/sources.md#te-12-2, #peer-edge-cases): every op, both
 * profiles, every payload dtype, every routing distribution, T = 1 and multiples of 1024 +-1,
 * E = 1, primes, powers of two up to 512 and above 1024, H = 1, odd, not a multiple of 8, 129 and 7168,
 * align 1, 2, 16, 128 and larger than every count, probs of +-0.0, NaN payloads and -0.0 in inputs, an
 * expert-parallel shard that sends nothing.
 */
public final class EdgeCases {
    private EdgeCases() {}

    /** Data seeds of the empty-rank expert-parallel edge cases (forward, reverse; found by search, see {@link #quick()}). */
    static final long EMPTY_RANK_SEED = 0x5eed0104L;
    static final long EMPTY_RANK_REVERSE_SEED = 0x5eed2082L;

    /** Edge cases named with this prefix are relation cases (label "relations", engine.check.Relations). */
    public static final String RELATIONS = "relations-";
    /** How a relation case's id reads: "quick/edge/relations-...". */
    static final String RELATIONS_PREFIX = "/edge/" + RELATIONS;

    /** The quick tier's edge cases (small: each runs in milliseconds). */
    public static Map<String, CaseSpec> quick() {
        Map<String, CaseSpec> m = new LinkedHashMap<>();
        CaseSpec d = CaseSpec.of(Op.DISPATCH, 16, 5, 8, 2, 0x5eed0001L).withValues(Values.SPECIALS);
        m.put("dispatch-uniform-f32", d);
        m.put("dispatch-probs-zero", d.withProbs(true).withZeroProbs(true));
        m.put("dispatch-probs-bf16", d.withDtype(DType.BF16).withProbs(true).withProbsDtype(DType.BF16).withZeroProbs(true));
        m.put("dispatch-f16-bits", d.withDtype(DType.F16).withValues(Values.BITS));
        m.put("dispatch-f8e4m3", d.withDtype(DType.F8E4M3).withValues(Values.BITS));
        m.put("dispatch-f8e5m2-probs", d.withDtype(DType.F8E5M2).withValues(Values.SPECIALS).withProbs(true));
        m.put("dispatch-num-out-above-used", d.withExtra(3).withProbs(true));
        m.put("dispatch-padded-a4", d.withAlign(4).withProbs(true).withZeroProbs(true));
        m.put("dispatch-padded-a1", d.withAlign(1));
        m.put("dispatch-padded-a2-extra", d.withAlign(2).withExtra(5));
        m.put("dispatch-padded-a128-above-counts", d.withAlign(128).withProbs(true));
        m.put("dispatch-torch-a16", d.withProfile(Profile.TORCH_MASK_PAD).withAlign(16).withDtype(DType.BF16).withProbs(true));
        m.put("dispatch-torch-already-aligned", d.withProfile(Profile.TORCH_MASK_PAD).withAlign(1).withProbs(true));
        m.put("dispatch-T1", d.withTokens(1));
        m.put("dispatch-E1", d.withExperts(1).withTopK(1).withProbs(true));
        m.put("dispatch-k-equals-E", d.withRouting(Routing.ALL).withTopK(5));
        m.put("dispatch-one-expert", d.withRouting(Routing.ONE_EXPERT).withAlign(16));
        m.put("dispatch-empty-first", d.withRouting(Routing.EMPTY_FIRST).withAlign(4));
        m.put("dispatch-empty-last", d.withRouting(Routing.EMPTY_LAST));
        m.put("dispatch-empty-middle", d.withRouting(Routing.EMPTY_MIDDLE).withProfile(Profile.TORCH_MASK_PAD).withAlign(2));
        m.put("dispatch-tokens-nowhere", d.withRouting(Routing.NOWHERE).withProbs(true));
        m.put("dispatch-varying-k", d.withRouting(Routing.VARYING).withTopK(4).withAlign(2));
        m.put("dispatch-zipf", d.withRouting(Routing.ZIPF).withTopK(3));
        m.put("dispatch-H1", d.withHidden(1));
        m.put("dispatch-H129", d.withHidden(129).withTokens(9));
        m.put("dispatch-H7168-bf16", d.withTokens(4).withExperts(4).withHidden(7168).withDtype(DType.BF16).withAlign(16).withProbs(true));
        m.put("dispatch-T1024-E2", d.withTokens(1024).withExperts(2).withHidden(2).withTopK(1));
        m.put("dispatch-T2047-E8-torch", d.withTokens(2047).withExperts(8).withHidden(1).withTopK(2).withProfile(Profile.TORCH_MASK_PAD).withAlign(128));
        m.put("dispatch-T1025-multiblock", d.withTokens(1025).withExperts(7).withHidden(3).withTopK(2).withAlign(16));
        m.put("dispatch-E512", d.withTokens(64).withExperts(512).withHidden(2).withTopK(8));
        m.put("dispatch-E127-prime", d.withTokens(33).withExperts(127).withHidden(3).withTopK(5).withRouting(Routing.ZIPF));

        CaseSpec c = CaseSpec.of(Op.COMBINE, 12, 5, 8, 3, 0x5eed0002L).withValues(Values.NORMAL);
        m.put("combine-plain", c);
        m.put("combine-merging-probs-zero", c.withMergingProbs(true).withZeroProbs(true));
        m.put("combine-bf16-merging-bf16", c.withDtype(DType.BF16).withMergingProbs(true).withProbsDtype(DType.BF16));
        m.put("combine-f16-padded", c.withDtype(DType.F16).withAlign(4).withMergingProbs(true));
        m.put("combine-nowhere", c.withRouting(Routing.NOWHERE).withMergingProbs(true).withZeroProbs(true));
        m.put("combine-torch-padded", c.withProfile(Profile.TORCH_MASK_PAD).withAlign(8).withMergingProbs(true));
        m.put("combine-k-equals-E", c.withRouting(Routing.ALL).withTopK(5).withMergingProbs(true));
        m.put("combine-unpadded-extra", c.withExtra(4).withValues(Values.SMALL));
        m.put("combine-H7168-bf16", c.withTokens(3).withHidden(7168).withDtype(DType.BF16).withMergingProbs(true).withAlign(2));

        CaseSpec g = CaseSpec.of(Op.DISPATCH_BACKWARD, 12, 5, 8, 3, 0x5eed0003L).withValues(Values.NORMAL);
        m.put("dispatch-bwd-plain", g);
        m.put("dispatch-bwd-probs", g.withProbs(true).withProbsDtype(DType.BF16).withRouting(Routing.NOWHERE));
        m.put("dispatch-bwd-padded", g.withAlign(4).withProbs(true).withDtype(DType.BF16));
        m.put("dispatch-bwd-torch", g.withProfile(Profile.TORCH_MASK_PAD).withAlign(2).withDtype(DType.F16));

        CaseSpec b = CaseSpec.of(Op.COMBINE_BACKWARD, 12, 5, 8, 3, 0x5eed0004L).withValues(Values.NORMAL);
        m.put("combine-bwd-plain", b.withValues(Values.SPECIALS));
        m.put("combine-bwd-merging-probs", b.withMergingProbs(true));
        m.put("combine-bwd-padded-bf16", b.withAlign(4).withMergingProbs(true).withDtype(DType.BF16).withProbsDtype(DType.BF16));
        m.put("combine-bwd-torch", b.withProfile(Profile.TORCH_MASK_PAD).withAlign(16).withMergingProbs(true).withRouting(Routing.NOWHERE));
        m.put("combine-bwd-f8-no-probs", b.withDtype(DType.F8E4M3).withValues(Values.BITS).withExtra(2));

        CaseSpec s = CaseSpec.of(Op.SORT_CHUNKS, 20, 1, 4, 1, 0x5eed0005L).withChunks(6).withValues(Values.SPECIALS);
        m.put("chunk-sort-random", s.withProbs(true).withZeroProbs(true));
        m.put("chunk-sort-tail", s.withExtra(5).withDtype(DType.BF16));
        m.put("chunk-sort-identity", s.withChunkOrder("identity"));
        m.put("chunk-sort-reverse", s.withChunkOrder("reverse").withDtype(DType.F8E5M2).withValues(Values.BITS));
        m.put("chunk-sort-S1", s.withChunks(1));
        m.put("chunk-sort-bwd", s.withOp(Op.SORT_CHUNKS_BACKWARD).withProbs(true).withExtra(3));
        m.put("chunk-sort-bwd-reverse", s.withOp(Op.SORT_CHUNKS_BACKWARD).withChunkOrder("reverse"));

        CaseSpec a = CaseSpec.of(Op.RAGGED_A2A_PARAMS, 6, 8, 4, 1, 0x5eed0006L).withShards(4).withValues(Values.BITS);
        m.put("ragged-params", a);
        m.put("ragged-params-1-shard", a.withShards(1).withExperts(3));
        m.put("ragged-params-reverse", a.withOp(Op.REVERSE_RAGGED_A2A_PARAMS));
        m.put("local-permute", a.withOp(Op.LOCAL_PERMUTE_AFTER_A2A).withExtra(2));
        m.put("local-permute-2-shards", a.withOp(Op.LOCAL_PERMUTE_AFTER_A2A).withShards(2).withDtype(DType.BF16));
        m.put("local-unpermute", a.withOp(Op.LOCAL_UNPERMUTE_BEFORE_A2A).withExtra(3));

        // shapes where field bugs live (issue 11), appended so the cases above keep their positions. E > 1024 (SGLang
        // #21610: expert ids aliased mod 1024), with T = 8 and H = 8 so the quick tier stays fast; every id >= 1024 is
        // routed in the first, a share of them in the others
        CaseSpec big = CaseSpec.of(Op.DISPATCH, 8, 1025, 8, 2, 0x5eed0007L).withValues(Values.BITS);
        m.put("dispatch-E1025-all", big.withRouting(Routing.ALL).withTopK(1025));
        m.put("dispatch-E1152-k2-probs", big.withExperts(1152).withProbs(true).withZeroProbs(true));
        m.put("dispatch-E1089-k2-padded", big.withExperts(1089).withAlign(4).withRouting(Routing.EMPTY_FIRST));
        m.put("combine-E1152-k2", big.withOp(Op.COMBINE).withExperts(1152).withValues(Values.NORMAL).withMergingProbs(true));
        // H not a multiple of 8 (Paddle #79756: a row stride rounded up to 16 bytes misplaces every row but the first)
        m.put("dispatch-H7", d.withHidden(7));
        m.put("dispatch-H9-bf16-padded", d.withHidden(9).withDtype(DType.BF16).withAlign(4).withProbs(true));
        m.put("dispatch-H33-f16", d.withHidden(33).withDtype(DType.F16).withValues(Values.BITS));
        m.put("dispatch-H100-torch", d.withHidden(100).withProfile(Profile.TORCH_MASK_PAD).withAlign(8).withProbs(true));
        m.put("combine-H7", c.withHidden(7).withMergingProbs(true));
        m.put("combine-H9-zero-probs", c.withHidden(9).withMergingProbs(true).withZeroProbs(true));
        m.put("combine-H33-padded", c.withHidden(33).withAlign(4).withMergingProbs(true));
        m.put("combine-H100-extra", c.withHidden(100).withExtra(3));
        // a shard that sends no token while the others do (Megatron-Bridge #5270): T = 1 draws counts of 0 or 1; the seeds
        // are ones whose drawn shard_id (> 0) sends nothing, receives something and has nonzero output_offsets
        // (EdgeCasesTest checks it); on the reverse one the forward offset formula happens to give the same
        // output_offsets, so this case adds the empty rank without taking over an existing mutant's kill
        // (reports/kill-matrix.md: a2a-reverse-uses-forward-offsets stays killed where it was)
        m.put("ragged-params-empty-rank", a.withTokens(1).withSeed(EMPTY_RANK_SEED));
        m.put("ragged-params-reverse-empty-rank", a.withOp(Op.REVERSE_RAGGED_A2A_PARAMS).withTokens(1).withSeed(EMPTY_RANK_REVERSE_SEED));
        // the index form (issue 14, docs/spec.md I1-I4): topk_ids with a -1 slot in every row, slots shuffled, weights by
        // slot (NaN on the -1 slots when zero_probs); both profiles, padded and not, int32 and int64 ids, tokens routed nowhere
        CaseSpec x = d.withIndexForm(true).withProbs(true);
        m.put("dispatch-index-form", x);
        m.put("dispatch-index-form-zero-weights", x.withZeroProbs(true).withDtype(DType.BF16).withProbsDtype(DType.BF16));
        m.put("dispatch-index-form-i64-padded", x.withRoutingDtype(DType.I64).withAlign(4).withZeroProbs(true));
        m.put("dispatch-index-form-nowhere", x.withRouting(Routing.NOWHERE).withExtra(2));
        m.put("dispatch-index-form-torch", x.withProfile(Profile.TORCH_MASK_PAD).withAlign(2).withRouting(Routing.VARYING).withTopK(4));
        m.put("dispatch-index-form-no-weights-f8", x.withProbs(false).withDtype(DType.F8E4M3).withValues(Values.BITS).withRouting(Routing.ZIPF).withTopK(3));
        // profile maxtext (issue 14 profile 4, docs/spec.md J1-J4): MaxText's argsort permute, T*K rows, every slot routed,
        // a drawn roll_to_expert_id (the seeds give rolls > 0 but for "roll-zero"), int32 and int64 ids, weights and none
        CaseSpec mx = CaseSpec.of(Op.DISPATCH, 12, 6, 3, 2, 0x5eed0401L).withProfile(Profile.MAXTEXT).withIndexForm(true).withValues(Values.DISTINCT);
        m.put("dispatch-maxtext", mx.withProbs(true));
        m.put("dispatch-maxtext-k3-zipf-i64", mx.withTopK(3).withRouting(Routing.ZIPF).withRoutingDtype(DType.I64).withProbs(true).withSeed(0x5eed0402L));
        m.put("dispatch-maxtext-zero-weights-bf16", mx.withProbs(true).withZeroProbs(true).withDtype(DType.BF16).withProbsDtype(DType.BF16).withValues(Values.BITS).withSeed(0x5eed0403L));
        m.put("dispatch-maxtext-empty-expert-f8", mx.withRouting(Routing.EMPTY_FIRST).withDtype(DType.F8E5M2).withValues(Values.BITS).withSeed(0x5eed0404L));
        m.put("dispatch-maxtext-all-experts", mx.withExperts(4).withTopK(4).withRouting(Routing.ALL).withTokens(5).withProbs(true).withSeed(0x5eed0405L));
        m.put("dispatch-maxtext-T64-E16-k4", mx.withTokens(64).withExperts(16).withTopK(4).withHidden(8).withProbs(true).withSeed(0x5eed0406L));
        // quantized payloads (issue 17, docs/spec.md F1-F4): block scales, distinct per (token, block) (BlockScales), both
        // recipes, padded and not, +-0.0 probabilities (F4: scales copied), H not a multiple of the block, extra rows (F3)
        CaseSpec q = CaseSpec.of(Op.DISPATCH, 12, 5, 130, 2, 0x5eed1701L).withDtype(DType.F8E4M3).withValues(Values.BITS).withScaleRecipe(1);
        m.put("dispatch-scales-block-h130", q);
        m.put("dispatch-scales-block-padded-zero-probs", q.withAlign(4).withProbs(true).withZeroProbs(true).withSeed(0x5eed1702L));
        m.put("dispatch-scales-mxfp8-h40-extra", q.withScaleRecipe(2).withHidden(40).withExtra(3).withDtype(DType.F8E5M2).withSeed(0x5eed1703L));
        m.put("dispatch-scales-mxfp8-torch-zero-probs", q.withScaleRecipe(2).withHidden(64).withProfile(Profile.TORCH_MASK_PAD).withAlign(16)
                .withProbs(true).withZeroProbs(true).withProbsDtype(DType.BF16).withSeed(0x5eed1704L));
        m.put("dispatch-scales-block-h256-zipf", q.withHidden(256).withRouting(Routing.ZIPF).withTopK(3).withTokens(20).withSeed(0x5eed1705L));
        m.put("dispatch-scales-mxfp8-index-form-h33", q.withScaleRecipe(2).withHidden(33).withIndexForm(true).withProbs(true).withZeroProbs(true)
                .withRouting(Routing.VARYING).withTopK(3).withSeed(0x5eed1706L));
        // three more in torch-mask-pad, the profile TE's PyTorch adapter claims, so its scale path (a Float8Blockwise
        // tensor's transposed scales, an MXFP8 tensor's) is judged in the quick tier with both recipes, not by one case
        CaseSpec qt = q.withProfile(Profile.TORCH_MASK_PAD).withProbs(true);
        m.put("dispatch-scales-block-torch-h130-zero-probs", qt.withAlign(16).withZeroProbs(true).withSeed(0x5eed1707L));
        m.put("dispatch-scales-block-torch-h512-zipf", qt.withHidden(512).withAlign(8).withRouting(Routing.ZIPF).withTopK(3)
                .withTokens(40).withExperts(8).withSeed(0x5eed1708L));
        m.put("dispatch-scales-mxfp8-torch-e5m2-h96", qt.withScaleRecipe(2).withHidden(96).withDtype(DType.F8E5M2).withAlign(4)
                .withSeed(0x5eed1709L));
        // relation cases (R3, R4; docs/checks.md, "Relations"): judged by the oracle and by the relations, so CI runs both
        CaseSpec rel = CaseSpec.of(Op.DISPATCH, 24, 6, 5, 2, 0x5eed0301L).withValues(Values.NORMAL);
        m.put(RELATIONS + "dispatch-probs", rel.withProbs(true).withExtra(2));
        m.put(RELATIONS + "dispatch-padded-bf16", rel.withAlign(4).withDtype(DType.BF16).withProbs(true).withProbsDtype(DType.BF16));
        m.put(RELATIONS + "combine", rel.withOp(Op.COMBINE).withMergingProbs(true).withAlign(2));
        m.put(RELATIONS + "combine-bwd", rel.withOp(Op.COMBINE_BACKWARD).withMergingProbs(true));
        m.put(RELATIONS + "chunk-sort", CaseSpec.of(Op.SORT_CHUNKS, 20, 1, 4, 1, 0x5eed0302L).withChunks(5).withProbs(true).withExtra(2));
        // Megatron-Core permute / unpermute (issue 14, docs/spec.md Q1-Q6; MegatronInputs: align = capacity per expert,
        // mergingProbs = the probs drop policy); zipf routing overflows the popular experts' capacity and leaves others short
        CaseSpec mg = CaseSpec.of(Op.MEGATRON_PERMUTE, 16, 5, 8, 2, 0x5eed0401L).withValues(Values.SPECIALS).withProbs(true);
        m.put("megatron-permute-dropless", mg.withZeroProbs(true).withExtra(3));
        m.put("megatron-permute-drop-position", mg.withRouting(Routing.ZIPF).withTopK(3).withAlign(3).withExtra(2));
        m.put("megatron-permute-drop-probs", mg.withRouting(Routing.ZIPF).withTopK(3).withAlign(4).withMergingProbs(true).withProbsDtype(DType.BF16));
        CaseSpec mu = mg.withOp(Op.MEGATRON_UNPERMUTE).withValues(Values.NORMAL);
        m.put("megatron-unpermute-dropless", mu.withRouting(Routing.NOWHERE));
        m.put("megatron-unpermute-drop-and-pad", mu.withRouting(Routing.ZIPF).withTopK(3).withAlign(3).withDtype(DType.BF16));
        m.put("megatron-unpermute-no-probs", mu.withProbs(false).withExtra(2).withDtype(DType.F16));
        // vLLM / SGLang moe_align_block_size (issue 14 profile 2, docs/spec.md K1-K6; BlockAlignInputs: align = block size,
        // mergingProbs = pad_sorted_ids, shards = an expert_map, K6): empty experts, groups over several blocks, block 1,
        // the large path's shape (T*K >= 1024, where the kernel's order inside a group is atomic: K2 judges multisets)
        CaseSpec ba = CaseSpec.of(Op.BLOCK_ALIGN, 10, 6, 1, 2, 0x5eed0501L).withAlign(4).withRoutingDtype(DType.I32);
        m.put("block-align", ba);
        m.put("block-align-empty-experts-i64", ba.withExperts(16).withTokens(3).withRoutingDtype(DType.I64).withSeed(0x5eed0502L));
        m.put("block-align-zipf-pad-sorted-ids", ba.withTokens(33).withTopK(3).withAlign(8).withRouting(Routing.ZIPF).withMergingProbs(true).withSeed(0x5eed0503L));
        m.put("block-align-block-1", ba.withAlign(1).withSeed(0x5eed0504L));
        m.put("block-align-expert-map", ba.withTokens(20).withExperts(8).withShards(2).withRouting(Routing.ZIPF).withSeed(0x5eed0505L));
        m.put("block-align-large-path", ba.withTokens(300).withExperts(72).withTopK(4).withAlign(16).withRouting(Routing.ZIPF).withSeed(0x5eed0506L));
        // TE's index-map permute (issue 14 profile 5, docs/spec.md T1-T4; TeIndexInputs: align = num_out_tokens,
        // routing VARYING = -1 sentinels, mergingProbs = duplicate ids in a row, extra = ids near 2^31 - 1)
        CaseSpec ti = CaseSpec.of(Op.TE_INDEX_PERMUTE, 12, 6, 8, 2, 0x5eed0601L).withValues(Values.SPECIALS).withDtype(DType.BF16);
        m.put("te-index-permute", ti);
        m.put("te-index-permute-minus-one", ti.withRouting(Routing.VARYING).withSeed(0x5eed0602L));
        m.put("te-index-permute-capacity-drop", ti.withRouting(Routing.VARYING).withTopK(3).withAlign(20).withSeed(0x5eed0603L));
        m.put("te-index-permute-k1", ti.withTopK(1).withDtype(DType.F32).withHidden(4).withSeed(0x5eed0604L));
        m.put("te-index-permute-duplicate-ids", ti.withTopK(4).withExperts(3).withMergingProbs(true).withRouting(Routing.ZIPF).withSeed(0x5eed0605L));
        CaseSpec tu = ti.withOp(Op.TE_INDEX_UNPERMUTE).withValues(Values.NORMAL).withProbs(true);
        m.put("te-index-unpermute-probs-bf16", tu.withRouting(Routing.VARYING).withTopK(3).withAlign(30).withSeed(0x5eed0611L));
        m.put("te-index-unpermute-no-probs-f32", tu.withProbs(false).withDtype(DType.F32).withHidden(4).withSeed(0x5eed0612L));
        m.put("te-index-unpermute-f16-drop", tu.withDtype(DType.F16).withAlign(10).withMergingProbs(true).withSeed(0x5eed0613L));
        // Megatron-Core's inference permute (issue 14 profile 5, docs/spec.md V1-V5; InferencePermuteInputs: align =
        // alignment, extra = row_alignment, shards = the ranks (this one seed mod shards), mergingProbs = valid_tokens
        // below T, VARYING = -1 slots): empty experts, aligned groups with pad rows, ids of other ranks, unread rows
        CaseSpec ip = CaseSpec.of(Op.MCORE_INFERENCE_PERMUTE, 12, 6, 8, 2, 0x5eed0701L).withValues(Values.SPECIALS).withDtype(DType.BF16);
        m.put("inference-permute", ip);
        m.put("inference-permute-aligned-ep", ip.withExperts(8).withShards(2).withAlign(4).withExtra(16).withRouting(Routing.ZIPF).withSeed(0x5eed0702L));
        m.put("inference-permute-valid-tokens-minus-one", ip.withTopK(3).withRouting(Routing.VARYING).withMergingProbs(true).withAlign(3)
                .withProbsDtype(DType.BF16).withSeed(0x5eed0703L));
        m.put("inference-permute-k-above-local-fp8", ip.withExperts(8).withShards(4).withTopK(4).withAlign(8).withDtype(DType.F8E4M3).withHidden(16)
                .withSeed(0x5eed0704L));
        CaseSpec iu = ip.withOp(Op.MCORE_INFERENCE_UNPERMUTE).withValues(Values.NORMAL);
        m.put("inference-unpermute-aligned-ep-bf16", iu.withExperts(8).withShards(2).withAlign(4).withRouting(Routing.ZIPF).withSeed(0x5eed0711L));
        m.put("inference-unpermute-valid-tokens-f32", iu.withTopK(3).withRouting(Routing.VARYING).withMergingProbs(true).withDtype(DType.F32).withHidden(4)
                .withSeed(0x5eed0712L));
        m.put("te-index-permute-large-ids-fp8", ti.withDtype(DType.F8E4M3).withHidden(16).withExtra(5).withAlign(30).withSeed(0x5eed0606L));
        // torchao's padded permute after the all-to-all and torchtitan's unpermute (issue 14 profile 5, docs/spec.md W1-W6;
        // PadPermuteInputs: shards = ep_degree R, experts = num_local_experts E_l, align = alignment A, routing = how the rows
        // split over the rank-major chunks, EMPTY_* an expert no rank sends to, W2's clamp)
        CaseSpec pp = CaseSpec.of(Op.TORCHAO_PERMUTE_AND_PAD, 20, 3, 8, 1, 0x5eed0701L).withShards(2).withAlign(4)
                .withValues(Values.SPECIALS).withDtype(DType.BF16).withRoutingDtype(DType.I64);
        m.put("padded-permute", pp);
        m.put("padded-permute-empty-expert", pp.withTokens(9).withAlign(8).withRouting(Routing.EMPTY_MIDDLE).withSeed(0x5eed0702L));
        m.put("padded-permute-one-rank-mxfp8-align", pp.withShards(1).withExperts(4).withTokens(40).withAlign(32).withDtype(DType.F8E4M3).withHidden(16).withSeed(0x5eed0703L));
        m.put("padded-permute-4-ranks-zipf-i32", pp.withShards(4).withExperts(2).withTokens(50).withAlign(16).withRouting(Routing.ZIPF).withRoutingDtype(DType.I32).withSeed(0x5eed0704L));
        m.put("padded-permute-align-1", pp.withAlign(1).withRouting(Routing.VARYING).withDtype(DType.F32).withHidden(4).withSeed(0x5eed0705L));
        m.put("padded-permute-one-expert", pp.withExperts(4).withRouting(Routing.ONE_EXPERT).withSeed(0x5eed0706L));
        m.put("padded-permute-no-rows", pp.withTokens(0).withSeed(0x5eed0707L));
        CaseSpec pu = pp.withOp(Op.TORCHAO_UNPERMUTE);
        m.put("padded-unpermute", pu.withRouting(Routing.VARYING).withSeed(0x5eed0711L));
        m.put("padded-unpermute-empty-expert-4-ranks", pu.withShards(4).withAlign(8).withRouting(Routing.EMPTY_FIRST).withDtype(DType.F32).withHidden(4).withSeed(0x5eed0712L));
        // DeepEP's get_dispatch_layout (issue 14 profile 5, docs/spec.md L1-L3; DeepEpLayoutInputs: shards = R ranks,
        // routing ZIPF = a token often on two experts of one rank (L1's dedup), VARYING = -1 slots, int64 or int32 ids)
        CaseSpec dl = CaseSpec.of(Op.DEEPEP_DISPATCH_LAYOUT, 12, 8, 1, 3, 0x5eed0701L).withShards(4).withRouting(Routing.ZIPF).withRoutingDtype(DType.I64);
        m.put("deepep-layout", dl);
        m.put("deepep-layout-minus-one", dl.withRouting(Routing.VARYING).withSeed(0x5eed0702L));
        m.put("deepep-layout-one-rank", dl.withShards(1).withSeed(0x5eed0703L));
        m.put("deepep-layout-rank-per-expert", dl.withExperts(6).withShards(6).withTopK(4).withSeed(0x5eed0704L));
        m.put("deepep-layout-no-tokens", dl.withTokens(0).withSeed(0x5eed0705L));
        // TE's ep_dispatch / ep_combine in the world view (issue 14 profile 5, docs/spec.md Y1-Y4; TeEpInputs: shards = S
        // ranks, tokens = T per rank, align = the slab alignment, extra = spare receive rows, 0 = a rank at its capacity)
        CaseSpec ep = CaseSpec.of(Op.TE_EP_DISPATCH, 6, 8, 8, 2, 0x5eed0801L).withShards(4).withAlign(4).withDtype(DType.BF16).withValues(Values.SPECIALS);
        m.put("te-ep-dispatch", ep.withExtra(3));
        m.put("te-ep-dispatch-capacity-bound", ep.withRouting(Routing.ZIPF).withSeed(0x5eed0802L));
        m.put("te-ep-dispatch-empty-experts", ep.withExperts(16).withTokens(2).withAlign(2).withExtra(1).withSeed(0x5eed0803L));
        m.put("te-ep-dispatch-one-rank-no-align", ep.withShards(1).withAlign(0).withDtype(DType.F32).withHidden(4).withSeed(0x5eed0804L));
        CaseSpec ec = ep.withOp(Op.TE_EP_COMBINE).withValues(Values.NORMAL);
        m.put("te-ep-combine", ec.withExtra(2).withSeed(0x5eed0811L));
        m.put("te-ep-combine-f32-bound", ec.withDtype(DType.F32).withHidden(4).withRouting(Routing.ZIPF).withSeed(0x5eed0812L));
        m.put("deepep-layout-int32-ids", dl.withRoutingDtype(DType.I32).withTokens(40).withExperts(16).withShards(2).withTopK(6).withSeed(0x5eed0706L));
        // Megatron-Core's pad_routing_map (issue 14 profile 3, docs/spec.md Q7-Q9; PadRoutingMapInputs: align = pad_multiple m,
        // routingDtype the map's): already aligned counts (every token to every expert, T = 8, m = 4), an empty expert (0 stays 0),
        // m = 1 (nothing changes), T = 12 tokens on 2 experts with m = 16 (Megatron-LM #6086: every cell set, count 12), m > T
        CaseSpec pr = CaseSpec.of(Op.MEGATRON_PAD_ROUTING_MAP, 24, 6, 1, 2, 0x5eed0901L).withAlign(4).withRoutingDtype(DType.BOOL);
        m.put("pad-routing-map", pr);
        m.put("pad-routing-map-already-aligned", pr.withTokens(8).withExperts(3).withRouting(Routing.ALL).withRoutingDtype(DType.I64).withSeed(0x5eed0902L));
        m.put("pad-routing-map-empty-expert", pr.withRouting(Routing.EMPTY_MIDDLE).withAlign(8).withRoutingDtype(DType.I32).withSeed(0x5eed0903L));
        m.put("pad-routing-map-multiple-one", pr.withAlign(1).withRouting(Routing.VARYING).withSeed(0x5eed0904L));
        m.put("pad-routing-map-too-few-tokens", pr.withTokens(12).withExperts(2).withTopK(1).withAlign(16).withSeed(0x5eed0905L));
        m.put("pad-routing-map-multiple-above-t", pr.withTokens(6).withExperts(4).withAlign(8).withRouting(Routing.ZIPF).withSeed(0x5eed0906L));
        m.put("pad-routing-map-no-tokens", pr.withTokens(0).withSeed(0x5eed0907L));
        return m;
    }

    /** The full tier adds large shapes: multi-block T, E up to 512, H = 7168. */
    public static Map<String, CaseSpec> full() {
        Map<String, CaseSpec> m = new LinkedHashMap<>(quick());
        CaseSpec d = CaseSpec.of(Op.DISPATCH, 4096, 64, 64, 6, 0x5eed0101L).withValues(Values.BITS);
        m.put("dispatch-T4096-E64", d.withProbs(true).withZeroProbs(true));
        m.put("dispatch-T2049-E7-padded", d.withTokens(2049).withExperts(7).withAlign(16).withDtype(DType.BF16));
        m.put("dispatch-T1023-E256-torch", d.withTokens(1023).withExperts(256).withTopK(8).withProfile(Profile.TORCH_MASK_PAD).withAlign(16));
        m.put("dispatch-H7168-bf16", d.withTokens(64).withExperts(16).withHidden(7168).withTopK(4).withDtype(DType.BF16).withAlign(128));
        m.put("dispatch-E512-k8", d.withTokens(2048).withExperts(512).withHidden(16).withTopK(8).withAlign(128));
        m.put("combine-T4096-bf16", CaseSpec.of(Op.COMBINE, 4096, 32, 128, 2, 0x5eed0102L).withValues(Values.NORMAL)
                .withDtype(DType.BF16).withMergingProbs(true).withAlign(16));
        m.put("combine-bwd-H1024", CaseSpec.of(Op.COMBINE_BACKWARD, 1024, 16, 1024, 4, 0x5eed0103L).withValues(Values.NORMAL)
                .withMergingProbs(true));
        m.put("dispatch-bwd-T2048", CaseSpec.of(Op.DISPATCH_BACKWARD, 2048, 64, 256, 6, 0x5eed0104L).withValues(Values.NORMAL)
                .withProbs(true).withAlign(8));
        m.put("chunk-sort-S256", CaseSpec.of(Op.SORT_CHUNKS, 4096, 1, 256, 1, 0x5eed0105L).withChunks(256).withExtra(100));
        return m;
    }
}
