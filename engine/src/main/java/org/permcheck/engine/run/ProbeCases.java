package org.permcheck.engine.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Preconditions;
import org.permcheck.contract.Profile;
import org.permcheck.contract.Rule;
import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.engine.fuzz.CaseSpec;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.Robustness;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.oracle.layout.IndexForm;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The precondition probes of the robustness tier (docs/spec.md group B, docs/checks.md
 * "Robustness"): valid generated calls, each mutated to violate exactly one X rule, plus the
 * committed negative vectors. Deterministic (fixed specs and seeds), ids
 * "robustness/&lt;X rule&gt;/&lt;name&gt;"; the runner has the oracle confirm each probe's rule
 * before the backend sees it (a probe it does not refuse as meant is a HARNESS_ERROR: a bug here).
 * A few large X3 probes mirror TE #3346, whose kernel writes past a small buffer (TE §7).
 */
public final class ProbeCases {
    private ProbeCases() {}

    /** The rules every probe cites besides its X rule: a probe is judged by B1 and B2 only. */
    static final List<String> JUDGED = List.of(Rule.B1.id(), Rule.B2.id());

    private record Probe(String name, Rule rule, CaseSpec base, UnaryOperator<Invocation> mutate) {}

    /** Every probe, then the given negative vectors as probes ({@code vectors}: their rule, name and call). */
    public static List<Case> all(List<Case> negativeVectors) {
        List<Case> out = new ArrayList<>();
        for (Probe p : probes()) {
            Case valid = CaseGenerator.generate("robustness-base/" + p.name(), p.base(), null, "probe");
            out.add(probe(p.rule().id(), p.name(), p.mutate().apply(valid.invocation())));
        }
        for (Case v : negativeVectors) {
            String rule = v.rules().stream().filter(r -> Rule.byId(r).map(Rule::precondition).orElse(false)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(v.id() + ": a negative vector names no X rule"));
            out.add(probe(rule, "vector-" + v.id().substring(v.id().lastIndexOf('/') + 1), v.invocation()));
        }
        return out;
    }

    /**
     * The probes of one shard when they follow {@code before} cases of the unsharded list: probe j is
     * case {@code before + j} of the whole run, so every probe lands in exactly one shard and the
     * shards interleave back into the unsharded order (ShardMerge, docs/cli.md).
     */
    public static List<Case> of(Shard shard, long before, List<Case> negativeVectors) {
        List<Case> all = all(negativeVectors), mine = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) if (shard.contains(before + i)) mine.add(all.get(i));
        return mine;
    }

    /** A probe case: id "robustness/X3/name", rules B1, B2 and the X rule, feature "probe". */
    static Case probe(String xRule, String name, Invocation inv) {
        List<String> rules = new ArrayList<>(JUDGED);
        rules.add(xRule);
        return new Case(Robustness.PREFIX + xRule + "/" + name, inv, rules, Set.of(Robustness.FEATURE), null, "probe");
    }

    /** The X rule a probe case must violate (the oracle confirms it). */
    static String intendedRule(Case c) { return Robustness.probedRule(c.id()); }

    static boolean isProbe(Case c) { return Robustness.isProbe(c.id()); }

    // ------------------------------------------------------------------ the probes

    private static List<Probe> probes() {
        CaseSpec d = CaseSpec.of(Op.DISPATCH, 16, 5, 8, 2, 0x9b0be001L).withProbs(true);
        CaseSpec large = CaseSpec.of(Op.DISPATCH, 4096, 64, 256, 8, 0x9b0be002L).withDtype(DType.BF16);
        CaseSpec c = CaseSpec.of(Op.COMBINE, 12, 5, 8, 3, 0x9b0be003L).withMergingProbs(true);
        CaseSpec cb = CaseSpec.of(Op.COMBINE_BACKWARD, 12, 5, 8, 3, 0x9b0be004L);
        CaseSpec db = CaseSpec.of(Op.DISPATCH_BACKWARD, 12, 5, 8, 3, 0x9b0be005L);
        CaseSpec s = CaseSpec.of(Op.SORT_CHUNKS, 20, 1, 4, 1, 0x9b0be006L).withChunks(5);
        CaseSpec sb = s.withOp(Op.SORT_CHUNKS_BACKWARD);
        CaseSpec a = CaseSpec.of(Op.RAGGED_A2A_PARAMS, 6, 8, 4, 1, 0x9b0be007L).withShards(4);
        CaseSpec lp = a.withOp(Op.LOCAL_PERMUTE_AFTER_A2A);
        List<Probe> p = new ArrayList<>();
        // X3: num_out_tokens outside (0, N_used]: TE's mask permute writes past its output below N_used (#3346)
        p.add(new Probe("zero", Rule.X3, d, inv -> inv.withAttr(Attrs.NUM_OUT_TOKENS, 0L)));
        p.add(new Probe("negative", Rule.X3, d, inv -> inv.withAttr(Attrs.NUM_OUT_TOKENS, -1L)));
        p.add(new Probe("below-routed", Rule.X3, d, inv -> inv.withAttr(Attrs.NUM_OUT_TOKENS, routed(inv) - 1)));
        p.add(new Probe("far-below", Rule.X3, d.withTopK(4), inv -> inv.withAttr(Attrs.NUM_OUT_TOKENS, 1L)));
        p.add(new Probe("below-routed-padded", Rule.X3, d.withAlign(4), inv -> inv.withAttr(Attrs.NUM_OUT_TOKENS, routed(inv) - 1)));
        p.add(new Probe("missing", Rule.X3, d, inv -> inv.withoutAttr(Attrs.NUM_OUT_TOKENS)));
        p.add(new Probe("large-half-routed", Rule.X3, large, inv -> inv.withAttr(Attrs.NUM_OUT_TOKENS, routed(inv) / 2)));
        p.add(new Probe("large-half-routed-padded", Rule.X3, large.withAlign(16).withProbs(true).withSeed(0x9b0be008L),
                inv -> inv.withAttr(Attrs.NUM_OUT_TOKENS, routed(inv) / 2)));
        // the same under torch-mask-pad, the profile of TE's PyTorch moe_permute (the kernel of #3346 itself):
        // a backend that claims only that profile must meet the probe too (align 1 is the unpadded call)
        CaseSpec torch = d.withProfile(Profile.TORCH_MASK_PAD).withAlign(1);
        p.add(new Probe("torch-below-routed", Rule.X3, torch, inv -> inv.withAttr(Attrs.NUM_OUT_TOKENS, routed(inv) - 1)));
        p.add(new Probe("torch-large-half-routed", Rule.X3, large.withProfile(Profile.TORCH_MASK_PAD).withAlign(1).withSeed(0x9b0be009L),
                inv -> inv.withAttr(Attrs.NUM_OUT_TOKENS, routed(inv) / 2)));
        // X4: align_size <= 0, or absent where the profile needs it
        p.add(new Probe("align-zero", Rule.X4, d, inv -> inv.withAttr(Attrs.ALIGN_SIZE, 0L)));
        p.add(new Probe("align-negative", Rule.X4, d, inv -> inv.withAttr(Attrs.ALIGN_SIZE, -4L)));
        p.add(new Probe("torch-without-align", Rule.X4, d.withProfile(Profile.TORCH_MASK_PAD).withAlign(4), inv -> inv.withoutAttr(Attrs.ALIGN_SIZE)));
        // X2: routing values other than 0 and 1, in both integer dtypes
        p.add(new Probe("value-2-i32", Rule.X2, d, inv -> inv.withInput(Ports.ROUTING_MAP, routingValue(inv.input(Ports.ROUTING_MAP), DType.I32, 2))));
        p.add(new Probe("value-minus-1-i64", Rule.X2, d, inv -> inv.withInput(Ports.ROUTING_MAP, routingValue(inv.input(Ports.ROUTING_MAP), DType.I64, -1))));
        p.add(new Probe("f32-routing-map", Rule.X2, d, inv -> inv.withInput(Ports.ROUTING_MAP, convert(inv.input(Ports.ROUTING_MAP), DType.F32))));
        // X1: shapes that do not fit together, an unknown attribute
        p.add(new Probe("probs-rows", Rule.X1, d, inv -> inv.withInput(Ports.PROBS, rows(inv.input(Ports.PROBS), -1))));
        p.add(new Probe("routing-map-rows", Rule.X1, d, inv -> inv.withInput(Ports.ROUTING_MAP, rows(inv.input(Ports.ROUTING_MAP), 3))));
        p.add(new Probe("unknown-attribute", Rule.X1, d, inv -> inv.withAttr("num_out_token", 1L)));
        p.add(new Probe("row-id-map-even-width", Rule.X1, c, inv -> inv.withInput(Ports.ROW_ID_MAP, columns(inv.input(Ports.ROW_ID_MAP), -1))));
        p.add(new Probe("merging-probs-rows", Rule.X1, c, inv -> inv.withInput(Ports.MERGING_PROBS, rows(inv.input(Ports.MERGING_PROBS), 2))));
        // X6: a row_id_map input that names rows or experts that are not there
        p.add(new Probe("source-row-out-of-range", Rule.X6, c, inv -> inv.withInput(Ports.ROW_ID_MAP,
                set(inv.input(Ports.ROW_ID_MAP), 0, 0, inv.input(Ports.INP).dim(0) + 1000))));
        p.add(new Probe("count-above-experts", Rule.X6, c, inv -> inv.withInput(Ports.ROW_ID_MAP,
                set(inv.input(Ports.ROW_ID_MAP), 0, inv.input(Ports.ROW_ID_MAP).dim(1) - 1, inv.input(Ports.ROW_ID_MAP).dim(1)))));
        p.add(new Probe("negative-source-row", Rule.X6, db, inv -> inv.withInput(Ports.ROW_ID_MAP, set(inv.input(Ports.ROW_ID_MAP), 0, 0, -5))));
        p.add(new Probe("duplicate-source-row", Rule.X6, cb, ProbeCases::duplicateSource));
        // X7: chunk sizes and orders that are not a chunk sort
        p.add(new Probe("not-a-permutation", Rule.X7, s, inv -> inv.withInput(Ports.SORTED_INDICES, set(inv.input(Ports.SORTED_INDICES), 0, 0,
                inv.input(Ports.SORTED_INDICES).getLong(1)))));
        p.add(new Probe("sum-above-rows", Rule.X7, s, inv -> inv.withInput(Ports.SPLIT_SIZES, set(inv.input(Ports.SPLIT_SIZES), 0, 0,
                inv.input(Ports.INP).dim(0) + 1))));
        p.add(new Probe("negative-split", Rule.X7, s, inv -> inv.withInput(Ports.SPLIT_SIZES, set(inv.input(Ports.SPLIT_SIZES), 0, 0, -1))));
        p.add(new Probe("backward-map-not-a-permutation", Rule.X7, sb, inv -> inv.withInput(Ports.ROW_ID_MAP, set(inv.input(Ports.ROW_ID_MAP), 0, 0,
                inv.input(Ports.ROW_ID_MAP).getLong(1)))));
        // X8: shards that do not divide the experts, a shard id outside [0, S)
        p.add(new Probe("shards-do-not-divide", Rule.X8, a, inv -> inv.withInput(Ports.ALL_SHARDS_TOKENS_PER_EXPERT,
                columns(inv.input(Ports.ALL_SHARDS_TOKENS_PER_EXPERT), -1))));
        p.add(new Probe("shard-id-out-of-range", Rule.X8, a, inv -> inv.withAttr(Attrs.SHARD_ID, inv.attr(Attrs.NUM_SHARDS))));
        p.add(new Probe("shard-id-negative", Rule.X8, a.withOp(Op.REVERSE_RAGGED_A2A_PARAMS), inv -> inv.withAttr(Attrs.SHARD_ID, -1L)));
        p.add(new Probe("receive-more-than-inp", Rule.X8, lp, inv -> inv.withInput(Ports.INP, rows(inv.input(Ports.INP), -(int) inv.input(Ports.INP).dim(0) + 1))));
        // X5: fp8 into a reduction (fp8 is moved, never reduced), a float index
        p.add(new Probe("fp8-combine", Rule.X5, c, inv -> inv.withInput(Ports.INP, convert(inv.input(Ports.INP), DType.F8E4M3))));
        p.add(new Probe("fp8-dispatch-backward", Rule.X5, db, inv -> inv.withInput(Ports.GRAD_OUTPUT, convert(inv.input(Ports.GRAD_OUTPUT), DType.F8E5M2))));
        p.add(new Probe("float-split-sizes", Rule.X5, s, inv -> inv.withInput(Ports.SPLIT_SIZES, convert(inv.input(Ports.SPLIT_SIZES), DType.F32))));
        // X9, X10: the index form (topk_ids, docs/spec.md I1-I4): one form at a time with its own ports, ids in [-1, E) and distinct
        // in a row (an id >= E, a negative index or a duplicate is read out of bounds or counted twice, docs/sources.md#index-form)
        CaseSpec xi = d.withIndexForm(true);
        p.add(new Probe("both-forms", Rule.X9, xi, inv -> inv.withInput(Ports.ROUTING_MAP,
                Tensor.zeros(DType.I32, inv.input(Ports.INP).dim(0), inv.attr(Attrs.NUM_EXPERTS)))));
        p.add(new Probe("neither-form", Rule.X9, xi, inv -> inv.withoutInput(Ports.TOPK_IDS).withoutInput(Ports.TOPK_WEIGHTS)));
        p.add(new Probe("probs-beside-topk-ids", Rule.X9, xi, inv -> inv.withInput(Ports.PROBS,
                Tensor.zeros(DType.F32, inv.input(Ports.INP).dim(0), inv.attr(Attrs.NUM_EXPERTS)))));
        p.add(new Probe("missing-num-experts", Rule.X9, xi, inv -> inv.withoutAttr(Attrs.NUM_EXPERTS)));
        p.add(new Probe("num-experts-zero", Rule.X9, xi, inv -> inv.withAttr(Attrs.NUM_EXPERTS, 0L)));
        p.add(new Probe("topk-ids-rows", Rule.X9, xi, inv -> inv.withoutInput(Ports.TOPK_WEIGHTS).withInput(Ports.TOPK_IDS, rows(inv.input(Ports.TOPK_IDS), 3))));
        p.add(new Probe("topk-weights-shape", Rule.X9, xi, inv -> inv.withInput(Ports.TOPK_WEIGHTS, rows(inv.input(Ports.TOPK_WEIGHTS), -1))));
        p.add(new Probe("id-equals-num-experts", Rule.X10, xi, inv -> inv.withInput(Ports.TOPK_IDS, set(inv.input(Ports.TOPK_IDS), 0, 0, inv.attr(Attrs.NUM_EXPERTS)))));
        p.add(new Probe("id-minus-2", Rule.X10, xi.withRoutingDtype(DType.I64), inv -> inv.withInput(Ports.TOPK_IDS, set(inv.input(Ports.TOPK_IDS), 0, 0, -2))));
        p.add(new Probe("id-far-out-of-range", Rule.X10, xi, inv -> inv.withInput(Ports.TOPK_IDS, set(inv.input(Ports.TOPK_IDS), 1, 0, 1 << 20))));
        p.add(new Probe("duplicate-id", Rule.X10, xi, inv -> inv.withInput(Ports.TOPK_IDS, duplicateId(inv.input(Ports.TOPK_IDS)))));
        p.add(new Probe("index-form-below-routed", Rule.X3, xi, inv -> inv.withAttr(Attrs.NUM_OUT_TOKENS, Preconditions.routedSlots(inv.input(Ports.TOPK_IDS)) - 1)));
        // X15-X18: Megatron's permute / unpermute (docs/spec.md Q1-Q6): a dropless buffer below the routed pairs loses the
        // tail silently, a capacity above T or a policy without drop_and_pad has no layout, sorted_indices must name tokens
        CaseSpec mp = CaseSpec.of(Op.MEGATRON_PERMUTE, 16, 5, 8, 2, 0x9b0be009L).withProbs(true);
        CaseSpec mu = mp.withOp(Op.MEGATRON_UNPERMUTE);
        p.add(new Probe("megatron-below-routed", Rule.X15, mp, inv -> inv.withAttr(Attrs.NUM_OUT_TOKENS, routed(inv) - 1)));
        p.add(new Probe("megatron-capacity-above-t", Rule.X16, mp.withAlign(2), inv -> inv.withAttr(Attrs.NUM_OUT_TOKENS,
                (inv.input(Ports.INP).dim(0) + 1) * inv.input(Ports.ROUTING_MAP).dim(1))));
        p.add(new Probe("megatron-policy-without-drop-and-pad", Rule.X17, mp, inv -> inv.withAttr(Attrs.DROP_POLICY, 1L)));
        p.add(new Probe("megatron-sorted-index-out-of-range", Rule.X18, mu, inv -> inv.withInput(Ports.SORTED_INDICES,
                set(inv.input(Ports.SORTED_INDICES), 0, 0, inv.attr(Attrs.NUM_TOKENS)))));
        p.add(new Probe("megatron-probs-without-routing-map", Rule.X18, mu, inv -> inv.withoutInput(Ports.ROUTING_MAP)));
        // X19-X21: profile maxtext (docs/spec.md J1-J4), MaxText's argsort permute: the index form only, no alignment, every slot
        // routed into a buffer of exactly T*K rows, a roll in [0,E) and only in this profile
        CaseSpec mx = CaseSpec.of(Op.DISPATCH, 8, 4, 2, 2, 0x9b0be401L).withProfile(Profile.MAXTEXT).withIndexForm(true).withProbs(true);
        p.add(new Probe("maxtext-routing-map", Rule.X19, mx, inv -> inv.withoutInput(Ports.TOPK_IDS).withoutInput(Ports.TOPK_WEIGHTS)
                .withoutAttr(Attrs.NUM_EXPERTS).withoutAttr(Attrs.ROLL_TO_EXPERT_ID)
                .withInput(Ports.ROUTING_MAP, IndexForm.routingMap(inv.input(Ports.TOPK_IDS), (int) inv.attr(Attrs.NUM_EXPERTS)))));
        p.add(new Probe("maxtext-align", Rule.X19, mx, inv -> inv.withAttr(Attrs.ALIGN_SIZE, 1L)));
        p.add(new Probe("maxtext-minus-one-slot", Rule.X20, mx, inv -> inv.withInput(Ports.TOPK_IDS, set(inv.input(Ports.TOPK_IDS), 0, 0, -1))));
        p.add(new Probe("maxtext-num-out-above-slots", Rule.X20, mx, inv -> inv.withAttr(Attrs.NUM_OUT_TOKENS, inv.input(Ports.TOPK_IDS).numel() + 1)));
        p.add(new Probe("maxtext-roll-equals-experts", Rule.X21, mx, inv -> inv.withAttr(Attrs.ROLL_TO_EXPERT_ID, inv.attr(Attrs.NUM_EXPERTS))));
        p.add(new Probe("roll-outside-maxtext", Rule.X21, xi, inv -> inv.withAttr(Attrs.ROLL_TO_EXPERT_ID, 1L)));
        // X11-X13: vLLM / SGLang moe_align_block_size (docs/spec.md K1-K6): a block size below 1 divides by zero or sizes
        // the buffers negative, an id outside [0,E) indexes the kernel's counters out of bounds (SGLang PR #12701), an
        // expert_map of the wrong length or with a local id twice maps blocks nowhere or twice
        CaseSpec ba = CaseSpec.of(Op.BLOCK_ALIGN, 12, 8, 1, 2, 0x9b0be501L).withAlign(4).withRoutingDtype(DType.I32);
        CaseSpec bm = ba.withShards(2);
        p.add(new Probe("align-block-size-zero", Rule.X11, ba, inv -> inv.withAttr(Attrs.BLOCK_SIZE, 0L)));
        p.add(new Probe("align-block-size-negative", Rule.X11, ba, inv -> inv.withAttr(Attrs.BLOCK_SIZE, -16L)));
        p.add(new Probe("align-pad-sorted-ids-2", Rule.X11, ba, inv -> inv.withAttr(Attrs.PAD_SORTED_IDS, 2L)));
        p.add(new Probe("align-id-equals-num-experts", Rule.X12, ba, inv -> inv.withInput(Ports.TOPK_IDS, set(inv.input(Ports.TOPK_IDS), 0, 0, inv.attr(Attrs.NUM_EXPERTS)))));
        p.add(new Probe("align-id-minus-one", Rule.X12, ba.withRoutingDtype(DType.I64), inv -> inv.withInput(Ports.TOPK_IDS, set(inv.input(Ports.TOPK_IDS), 1, 1, -1))));
        p.add(new Probe("align-duplicate-id", Rule.X12, ba, inv -> inv.withInput(Ports.TOPK_IDS, duplicateId(inv.input(Ports.TOPK_IDS)))));
        p.add(new Probe("align-ids-f32", Rule.X12, ba, inv -> inv.withInput(Ports.TOPK_IDS, convert(inv.input(Ports.TOPK_IDS), DType.F32))));
        p.add(new Probe("align-expert-map-short", Rule.X13, bm, inv -> inv.withInput(Ports.EXPERT_MAP, rows(inv.input(Ports.EXPERT_MAP), -1))));
        p.add(new Probe("align-expert-map-out-of-range", Rule.X13, bm, inv -> inv.withInput(Ports.EXPERT_MAP, set(inv.input(Ports.EXPERT_MAP), 0, 0, inv.attr(Attrs.NUM_EXPERTS)))));
        p.add(new Probe("align-expert-map-local-id-twice", Rule.X13, bm, inv -> inv.withInput(Ports.EXPERT_MAP, localIdTwice(inv.input(Ports.EXPERT_MAP)))));
        // X14, X24-X26: TE's index-map permute / unpermute (docs/spec.md T1-T5): TE asserts num_out_tokens >= 0, the contract takes
        // int32 [T,K] indices of inp's T, the kernel moves rows in 16-byte vectors, and the unpermute gathers through row_id_map unchecked
        CaseSpec ti = CaseSpec.of(Op.TE_INDEX_PERMUTE, 12, 6, 8, 2, 0x9b0be601L).withDtype(DType.BF16);
        p.add(new Probe("te-index-num-out-negative", Rule.X14, ti, inv -> inv.withAttr(Attrs.NUM_OUT_TOKENS, -1L)));
        p.add(new Probe("te-index-indices-i64", Rule.X24, ti, inv -> inv.withInput(Ports.INDICES, convert(inv.input(Ports.INDICES), DType.I64))));
        p.add(new Probe("te-index-indices-rows", Rule.X24, ti, inv -> inv.withInput(Ports.INDICES, rows(inv.input(Ports.INDICES), -1))));
        p.add(new Probe("te-index-row-12-bytes", Rule.X25, ti, inv -> inv.withInput(Ports.INP, Tensor.zeros(DType.BF16, inv.input(Ports.INP).dim(0), 6))));
        CaseSpec tu = ti.withOp(Op.TE_INDEX_UNPERMUTE).withValues(org.permcheck.engine.fuzz.Values.NORMAL).withProbs(true);
        p.add(new Probe("te-index-unpermute-map-short", Rule.X26, tu, inv -> inv.withInput(Ports.ROW_ID_MAP, rows(inv.input(Ports.ROW_ID_MAP), -1))));
        p.add(new Probe("te-index-unpermute-row-out-of-range", Rule.X26, tu, inv -> inv.withInput(Ports.ROW_ID_MAP,
                set(inv.input(Ports.ROW_ID_MAP), 0, 0, inv.input(Ports.INP).dim(0)))));
        // X27-X29: torchao's padded permute / torchtitan's unpermute (docs/spec.md W1-W6): alignment 0 divides by zero in
        // torchao, the counts are viewed as (R, -1) and must add up to the received rows, the unpermute's index_put needs
        // every row named once
        CaseSpec pp = CaseSpec.of(Op.TORCHAO_PERMUTE_AND_PAD, 20, 3, 8, 1, 0x9b0be701L).withShards(2).withAlign(4).withDtype(DType.BF16);
        p.add(new Probe("padded-permute-alignment-0", Rule.X27, pp, inv -> inv.withAttr(Attrs.ALIGNMENT, 0L)));
        p.add(new Probe("padded-permute-counts-short", Rule.X28, pp, inv -> inv.withInput(Ports.NUM_TOKENS_PER_EXPERT, rows(inv.input(Ports.NUM_TOKENS_PER_EXPERT), -1))));
        p.add(new Probe("padded-permute-counts-sum-above-rows", Rule.X28, pp, inv -> inv.withInput(Ports.NUM_TOKENS_PER_EXPERT,
                set(inv.input(Ports.NUM_TOKENS_PER_EXPERT), 0, 0, inv.input(Ports.NUM_TOKENS_PER_EXPERT).getLong(0) + 1))));
        CaseSpec pu = pp.withOp(Op.TORCHAO_UNPERMUTE);
        p.add(new Probe("padded-unpermute-index-out-of-range", Rule.X29, pu, inv -> inv.withInput(Ports.PERMUTED_INDICES,
                set(inv.input(Ports.PERMUTED_INDICES), 0, 0, inv.attr(Attrs.NUM_TOKENS)))));
        p.add(new Probe("padded-unpermute-row-named-twice", Rule.X29, pu, inv -> inv.withInput(Ports.PERMUTED_INDICES,
                set(inv.input(Ports.PERMUTED_INDICES), 1, 0, inv.input(Ports.PERMUTED_INDICES).getLong(0)))));
        // X33, X34: DeepEP's get_dispatch_layout (docs/spec.md L1-L3): E not a multiple of R splits no expert range evenly
        // (the kernel divides E by R), R = 0 divides by zero, an id outside [0,E) or -1 is counted by no rule, an expert twice
        // in a row is two assignments of one cell, and topk_idx is an integer tensor (DeepEP's topk_idx_t, PR #422)
        CaseSpec dl = CaseSpec.of(Op.DEEPEP_DISPATCH_LAYOUT, 12, 8, 1, 3, 0x9b0be701L).withShards(4).withRoutingDtype(DType.I64);
        p.add(new Probe("layout-experts-not-multiple-of-ranks", Rule.X33, dl, inv -> inv.withAttr(Attrs.NUM_RANKS, 3L)));
        p.add(new Probe("layout-num-ranks-zero", Rule.X33, dl, inv -> inv.withAttr(Attrs.NUM_RANKS, 0L)));
        p.add(new Probe("layout-id-equals-num-experts", Rule.X34, dl, inv -> inv.withInput(Ports.TOPK_IDX, set(inv.input(Ports.TOPK_IDX), 0, 0, inv.attr(Attrs.NUM_EXPERTS)))));
        p.add(new Probe("layout-duplicate-id", Rule.X34, dl, inv -> inv.withInput(Ports.TOPK_IDX, duplicateId(inv.input(Ports.TOPK_IDX)))));
        p.add(new Probe("layout-ids-f32", Rule.X34, dl, inv -> inv.withInput(Ports.TOPK_IDX, convert(inv.input(Ports.TOPK_IDX), DType.F32))));
        // X35-X37: TE's ep_dispatch / ep_combine (docs/spec.md Y1-Y4): E not a multiple of S, an alignment not a power of two,
        // a -1 or duplicate id (TE documents no sentinel), and a receive capacity one row below a rank's padded total (TE traps)
        CaseSpec ep = CaseSpec.of(Op.TE_EP_DISPATCH, 6, 8, 8, 2, 0x9b0be801L).withShards(4).withAlign(4).withDtype(DType.BF16);
        p.add(new Probe("ep-experts-not-multiple-of-ranks", Rule.X35, ep, inv -> inv.withAttr(Attrs.NUM_RANKS, 3L)));
        p.add(new Probe("ep-alignment-3", Rule.X35, ep, inv -> inv.withAttr(Attrs.ALIGNMENT, 3L)));
        p.add(new Probe("ep-id-minus-one", Rule.X36, ep, inv -> inv.withInput(Ports.TOPK_IDX, set(inv.input(Ports.TOPK_IDX), 0, 0, -1))));
        p.add(new Probe("ep-duplicate-id", Rule.X36, ep, inv -> inv.withInput(Ports.TOPK_IDX, duplicateId(inv.input(Ports.TOPK_IDX)))));
        p.add(new Probe("ep-capacity-one-short", Rule.X37, ep, inv -> inv.withAttr(Attrs.RECV_CAPACITY, inv.attr(Attrs.RECV_CAPACITY) - 1)));
        p.add(new Probe("ep-combine-capacity-one-short", Rule.X37, ep.withOp(Op.TE_EP_COMBINE),
                inv -> inv.withAttr(Attrs.RECV_CAPACITY, inv.attr(Attrs.RECV_CAPACITY) - 1).withInput(Ports.EXPERT_OUT,
                        rows(inv.input(Ports.EXPERT_OUT), -(int) inv.attr(Attrs.NUM_RANKS)))));
        // X30-X32: Megatron-Core's inference permute (docs/spec.md V1-V5): an alignment of 0 divides by zero in the prefix sum,
        // valid_tokens above T reads past the buffers, a local id twice in a row breaks V1's T*min(K,L) bound, probs of another shape
        CaseSpec ip = CaseSpec.of(Op.MCORE_INFERENCE_PERMUTE, 12, 6, 8, 2, 0x9b0be701L).withDtype(DType.BF16).withAlign(4);
        p.add(new Probe("inference-alignment-zero", Rule.X30, ip, inv -> inv.withAttr(Attrs.ALIGNMENT, 0L)));
        p.add(new Probe("inference-valid-tokens-above-t", Rule.X30, ip, inv -> inv.withAttr(Attrs.VALID_TOKENS, inv.input(Ports.INP).dim(0) + 1)));
        p.add(new Probe("inference-duplicate-local-id", Rule.X31, ip, inv -> inv.withInput(Ports.TOPK_IDS, duplicateId(inv.input(Ports.TOPK_IDS)))));
        p.add(new Probe("inference-probs-rows", Rule.X32, ip, inv -> inv.withInput(Ports.PROBS, rows(inv.input(Ports.PROBS), -1))));
        CaseSpec iu = ip.withOp(Op.MCORE_INFERENCE_UNPERMUTE).withValues(org.permcheck.engine.fuzz.Values.NORMAL);
        p.add(new Probe("inference-unpermute-num-tokens-zero", Rule.X30, iu, inv -> inv.withAttr(Attrs.NUM_TOKENS, 0L)));
        p.add(new Probe("inference-unpermute-map-past-valid", Rule.X32, iu, inv -> inv.withInput(Ports.PERMUTATION_MAP,
                set(inv.input(Ports.PERMUTATION_MAP), 0, 0, inv.attr(Attrs.NUM_TOKENS)))));
        // X39: Megatron-Core's pad_routing_map (docs/spec.md Q7-Q9): pad_multiple 0 divides by zero in (-count) % m, absent
        // it is no call, a float map is no routing map, and a 2 in an int map would count twice in the column's sum
        CaseSpec pr = CaseSpec.of(Op.MEGATRON_PAD_ROUTING_MAP, 24, 6, 1, 2, 0x9b0be901L).withAlign(4).withRoutingDtype(DType.I32);
        p.add(new Probe("pad-routing-map-multiple-zero", Rule.X39, pr, inv -> inv.withAttr(Attrs.PAD_MULTIPLE, 0L)));
        p.add(new Probe("pad-routing-map-multiple-absent", Rule.X39, pr, inv -> inv.withoutAttr(Attrs.PAD_MULTIPLE)));
        p.add(new Probe("pad-routing-map-f32", Rule.X39, pr, inv -> inv.withInput(Ports.ROUTING_MAP, convert(inv.input(Ports.ROUTING_MAP), DType.F32))));
        p.add(new Probe("pad-routing-map-value-two", Rule.X39, pr, inv -> inv.withInput(Ports.ROUTING_MAP, set(inv.input(Ports.ROUTING_MAP), 0, 0, 2))));
        // X22, X23: block scales (docs/spec.md F1-F4) come with an fp8 dispatch payload, their recipe and its shape, and only to token_dispatch
        CaseSpec q = CaseSpec.of(Op.DISPATCH, 8, 4, 130, 2, 0x9b0be171L).withDtype(DType.F8E4M3).withScaleRecipe(1);
        p.add(new Probe("scales-with-bf16-payload", Rule.X22, q, inv -> inv.withInput(Ports.INP,
                Tensor.zeros(DType.BF16, inv.input(Ports.INP).shape()))));
        p.add(new Probe("scales-one-block-short", Rule.X22, q, inv -> inv.withInput(Ports.SCALE_INV,
                Tensor.zeros(DType.F32, inv.input(Ports.SCALE_INV).dim(0), inv.input(Ports.SCALE_INV).dim(1) - 1))));
        p.add(new Probe("scales-without-recipe", Rule.X22, q, inv -> inv.withoutAttr(Attrs.SCALE_RECIPE)));
        p.add(new Probe("scales-mxfp8-recipe-f32", Rule.X22, q, inv -> inv.withAttr(Attrs.SCALE_RECIPE, 2L)));
        p.add(new Probe("scales-to-combine", Rule.X23, c, inv -> inv.withInput(Ports.SCALE_INV,
                Tensor.zeros(DType.U8, inv.input(Ports.ROW_ID_MAP).dim(0), 1))));
        p.add(new Probe("scale-recipe-to-dispatch-backward", Rule.X23, db, inv -> inv.withAttr(Attrs.SCALE_RECIPE, 1L)));
        return p;
    }

    /** X13: an expert_map with the local id 0 given to a second (non-local) expert as well. */
    private static Tensor localIdTwice(Tensor map) {
        for (long g = 0; g < map.numel(); g++) if (map.getLong(g) == -1) return set(map, g, 0, 0);
        throw new IllegalStateException("an expert_map with every expert local");
    }

    /** topk_ids with the first routed slot's expert written into another slot of its row (X10: a duplicate). */
    private static Tensor duplicateId(Tensor ids) {
        Tensor c = ids.copy();
        for (long t = 0; t < c.dim(0); t++) {
            for (long j = 0; j < c.dim(1); j++) {
                long e = c.getLong(t, j);
                if (e >= 0) {
                    c.setLong(t, (j + 1) % c.dim(1), e); // k >= 2 in the generated index form (a -1 slot in every row)
                    return c;
                }
            }
        }
        throw new IllegalStateException("topk_ids with no expert");
    }

    // ------------------------------------------------------------------ mutations (each returns a new call)

    /** N_used of a valid mask-form call: its routed (token, expert) pairs, the oracle's table. */
    private static long routed(Invocation inv) { return AssignmentTable.of(inv.input(Ports.ROUTING_MAP)).used(); }

    /** {@code t} with element [row, col] set to {@code v} (integer tensors). */
    private static Tensor set(Tensor t, long row, long col, long v) {
        Tensor c = t.copy();
        if (c.rank() == 1) c.setLong(row * c.rowElems() + col, v);
        else c.setLong(row, col, v);
        return c;
    }

    /** The values of {@code t} in {@code dtype}; an fp8 target stays zero (values never round into fp8, X5 is about the dtype). */
    private static Tensor convert(Tensor t, DType dtype) {
        Tensor c = Tensor.zeros(dtype, t.shape());
        if (dtype == DType.F8E4M3 || dtype == DType.F8E5M2) return c;
        for (long i = 0; i < t.numel(); i++) {
            if (dtype.isFloat()) c.setF32(i, t.dtype().isFloat() ? t.getF32(i) : t.getLong(i));
            else c.setLong(i, t.getLong(i));
        }
        return c;
    }

    /** The routing map in {@code dtype} with its first routed entry set to {@code v}. */
    private static Tensor routingValue(Tensor map, DType dtype, long v) {
        Tensor c = convert(map, dtype);
        for (long i = 0; i < c.numel(); i++) {
            if (c.getLong(i) == 1) {
                c.setLong(i, v);
                return c;
            }
        }
        throw new IllegalStateException("a routing map with nothing routed");
    }

    /** {@code t} with {@code delta} rows more (the first rows repeated) or fewer. */
    private static Tensor rows(Tensor t, int delta) {
        long[] shape = t.shape();
        shape[0] = Math.max(1, shape[0] + delta);
        Tensor c = Tensor.zeros(t.dtype(), shape);
        for (long r = 0; r < shape[0]; r++) c.copyRowFrom(t, r % t.dim(0), r);
        return c;
    }

    /** {@code t} (rank 2, integers) with {@code delta} columns more or fewer (new ones zero). */
    private static Tensor columns(Tensor t, int delta) {
        long cols = t.dim(1) + delta;
        Tensor c = Tensor.zeros(t.dtype(), t.dim(0), cols);
        for (long r = 0; r < t.dim(0); r++) for (long k = 0; k < Math.min(cols, t.dim(1)); k++) c.setLong(r, k, t.getLong(r, k));
        return c;
    }

    /** X6 for the combine backward: a second valid slot names the first slot's source row. */
    private static Invocation duplicateSource(Invocation inv) {
        Tensor map = inv.input(Ports.ROW_ID_MAP).copy();
        long e = (map.dim(1) - 1) / 2;
        long first = -1;
        for (long t = 0; t < map.dim(0); t++) {
            for (long i = 0; i < map.getLong(t, 2 * e); i++) {
                if (first < 0) first = map.getLong(t, i);
                else {
                    map.setLong(t, i, first);
                    return inv.withInput(Ports.ROW_ID_MAP, map);
                }
            }
        }
        throw new IllegalStateException("a row_id_map with fewer than two valid slots");
    }
}
