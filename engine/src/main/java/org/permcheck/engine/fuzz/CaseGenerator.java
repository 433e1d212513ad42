package org.permcheck.engine.fuzz;

import org.permcheck.contract.Ports;
import org.permcheck.contract.ScaleRecipe;
import org.permcheck.contract.Attrs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Rule;
import org.permcheck.contract.Profile;
import org.permcheck.engine.model.Case;
import org.permcheck.oracle.chunks.ChunkSortMap;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Turns a {@link CaseSpec} into a case: the same spec always gives the same input bits (the draw
 * order per op is in docs/generator.md, which ports follow to rebuild the inputs byte for byte).
 * Inputs of combine and the backward passes are derived from the generated routing through the
 * layout rules (what a dispatch would have returned), so every op is reached from one routing.
 */
public final class CaseGenerator {
    private CaseGenerator() {}

    /** Why the spec cannot make a valid case, or null. */
    public static String problem(CaseSpec s) {
        if (s.hidden() < 1) return "H must be >= 1";
        if (s.tokens() < 0) return "T must be >= 0";
        if (s.extra() < 0) return "extra must be >= 0";
        if (!reducible(s.probsDtype())) return "probs dtype must be f32, bf16 or f16";
        if (s.routingDtype() != DType.I32 && s.routingDtype() != DType.I64 && s.routingDtype() != DType.BOOL) return "routing dtype must be i32, i64 or bool (X2)";
        if (s.routingDtype() != DType.I32 && s.op() != Op.DISPATCH && s.op() != Op.BLOCK_ALIGN && s.op() != Op.TORCHAO_PERMUTE_AND_PAD && s.op() != Op.TORCHAO_UNPERMUTE
                && s.op() != Op.DEEPEP_DISPATCH_LAYOUT && s.op() != Op.MEGATRON_PAD_ROUTING_MAP) {
            return "routing dtype applies to token_dispatch, megatron_pad_routing_map, the topk_ids of moe_align_block_size and deepep_dispatch_layout and the counts of the padded permute only (the other ops get a row_id_map)";
        }
        if (s.indexForm() && s.op() != Op.DISPATCH) return "the index form (topk_ids) applies to token_dispatch only";
        if (s.indexForm() && s.routingDtype() == DType.BOOL) return "topk_ids are i32 or i64 (X5), not bool";
        if (s.profile().argsortOutputs()) {
            // J1-J4, X19, X20: maxtext's permute; its combine is not a call of this profile
            if (s.op() != Op.DISPATCH || !s.indexForm()) return "profile " + s.profile() + " is a token_dispatch in the index form (X19)";
            if (s.align() != 0) return "profile " + s.profile() + " has no alignment (X19)";
            if (s.extra() != 0) return "profile " + s.profile() + " has a buffer of exactly T*K rows (J1, X20)";
            if (s.topK() < 1 || s.routing() == Routing.VARYING || s.routing() == Routing.NOWHERE) {
                return "profile " + s.profile() + " routes every token to the same k >= 1 experts (X20: no -1 slot)";
            }
        }
        if (s.scaleRecipe() != 0) {
            // F1, X22: block scales ride on an fp8 token_dispatch payload, outside the argsort profiles
            if (ScaleRecipe.byCode(s.scaleRecipe()).isEmpty()) return "scale_recipe must be 1 or 2 (F1)";
            if (s.op() != Op.DISPATCH) return "block scales apply to token_dispatch only (X23)";
            if (s.dtype() != DType.F8E4M3 && s.dtype() != DType.F8E5M2) return "block scales need an fp8 payload (X22)";
            if (s.profile().argsortOutputs()) return "profile " + s.profile() + " takes no block scales (X22)";
        }
        return family(s.op()).problem().apply(s);
    }

    /** The inputs of one family of ops: why a spec cannot make its case, and its draws (one place per op for both). */
    private record Family(Function<CaseSpec, String> problem, Draws draws) {}

    /** Draws a case's inputs, attributes and feature labels from its spec. */
    private interface Draws {
        void put(CaseSpec s, SplitMix64 rng, Map<String, Tensor> in, Map<String, Long> attrs, Set<String> features);
    }

    private static Family family(Op op) {
        switch (op) {
            case DISPATCH: case COMBINE: case DISPATCH_BACKWARD: case COMBINE_BACKWARD:
                return new Family(CaseGenerator::dispatchProblem, CaseGenerator::dispatchFamily);
            case MEGATRON_PERMUTE: case MEGATRON_UNPERMUTE: return new Family(MegatronInputs::problem, MegatronInputs::put);
            case BLOCK_ALIGN: return new Family(BlockAlignInputs::problem, BlockAlignInputs::put);
            case TE_INDEX_PERMUTE: case TE_INDEX_UNPERMUTE: return new Family(TeIndexInputs::problem, TeIndexInputs::put);
            case TORCHAO_PERMUTE_AND_PAD: case TORCHAO_UNPERMUTE: return new Family(PadPermuteInputs::problem, PadPermuteInputs::put);
            case DEEPEP_DISPATCH_LAYOUT: return new Family(DeepEpLayoutInputs::problem, DeepEpLayoutInputs::put);
            case TE_EP_DISPATCH: case TE_EP_COMBINE: return new Family(TeEpInputs::problem, TeEpInputs::put);
            case MCORE_INFERENCE_PERMUTE: case MCORE_INFERENCE_UNPERMUTE: return new Family(InferencePermuteInputs::problem, InferencePermuteInputs::put);
            case MEGATRON_PAD_ROUTING_MAP: return new Family(PadRoutingMapInputs::problem, PadRoutingMapInputs::put);
            case SORT_CHUNKS: case SORT_CHUNKS_BACKWARD: return new Family(CaseGenerator::chunkSortProblem, CaseGenerator::chunkSort);
            default: return new Family(CaseGenerator::expertParallelProblem, CaseGenerator::expertParallel);
        }
    }

    private static String dispatchProblem(CaseSpec s) {
        if (s.experts() < 1) return "E must be >= 1";
        if (s.tokens() < 1) return "T must be >= 1";
        if (s.topK() < 0) return "k must be >= 0";
        if (s.align() < 0) return "align must be >= 0";
        if (s.op() == Op.DISPATCH && s.profile().paddingRequired() && s.align() == 0) return "profile " + s.profile() + " needs align";
        if (s.op() != Op.DISPATCH && s.op() != Op.COMBINE_BACKWARD && !reducible(s.dtype())) return "reductions need f32, bf16 or f16";
        if (s.op() == Op.COMBINE_BACKWARD && s.mergingProbs() && !reducible(s.dtype())) return "reductions need f32, bf16 or f16";
        boolean reduces = s.op() != Op.DISPATCH && (s.op() != Op.COMBINE_BACKWARD || s.mergingProbs());
        if (reduces && s.values() == Values.DISTINCT && s.dtype() != DType.F32) return "distinct values in a reduction need f32 (16-bit codes include inf and NaN)";
        return null;
    }

    private static String chunkSortProblem(CaseSpec s) {
        if (s.chunks() < 1) return "chunks must be >= 1";
        if (!List.of("random", "identity", "reverse").contains(s.chunkOrder())) return "unknown chunk order " + s.chunkOrder();
        return null;
    }

    private static String expertParallelProblem(CaseSpec s) {
        if (s.shards() < 1 || s.experts() < 1 || s.experts() % s.shards() != 0) return "E must be a positive multiple of shards";
        return null;
    }

    /** Why a spec cannot make an unpermute that sums its rows (X5), or null: the index-map and inference unpermutes. */
    static String unpermuteProblem(CaseSpec s) {
        if (!reducible(s.dtype())) return "unpermute reduces: f32, bf16 or f16 (X5)";
        if (s.values() == Values.DISTINCT && s.dtype() != DType.F32) return "distinct values in a reduction need f32 (16-bit codes include inf and NaN)";
        return null;
    }

    /** The payload dtypes a reduction takes (X5): f32, bf16, f16. */
    public static boolean reducible(DType d) { return d == DType.F32 || d == DType.BF16 || d == DType.F16; }

    /** The case for {@code spec}, under the given id (origin "property" or "fuzz"); its size label from its shape. */
    public static Case generate(String id, CaseSpec spec, Long runSeed, String origin) {
        return generate(id, spec, SizeClass.of(spec), runSeed, origin);
    }

    /** The case of a sampled spec, labelled with the class it was drawn from. */
    public static Case generate(String id, SpecSampler.Drawn drawn, Long runSeed, String origin) {
        return generate(id, drawn.spec(), drawn.size(), runSeed, origin);
    }

    private static Case generate(String id, CaseSpec spec, SizeClass size, Long runSeed, String origin) {
        String why = problem(spec);
        if (why != null) throw new IllegalArgumentException("invalid case spec (" + why + "): " + spec);
        SplitMix64 rng = new SplitMix64(spec.seed());
        Map<String, Tensor> in = new LinkedHashMap<>();
        Map<String, Long> attrs = new LinkedHashMap<>();
        Set<String> features = new LinkedHashSet<>();
        family(spec.op()).draws().put(spec, rng, in, attrs, features);
        Invocation inv = new Invocation(spec.op(), spec.profile(), in, attrs);
        features.addAll(CaseFeatures.of(spec, inv));
        features.add(size.label());
        // relation cases (docs/checks.md, "Relations"): named edge cases, and every case beyond the oracle's budget
        List<String> rules = CaseRules.of(inv);
        if (id.contains(EdgeCases.RELATIONS_PREFIX) || size.oracleFree(spec.op())) {
            features.add(CaseFeatures.RELATIONS);
            rules = new ArrayList<>(rules);
            rules.add(Rule.R3.id()); // every relation op has an adjoint relation (absent only where its exactness bound fails)
            if (spec.op() == Op.DISPATCH) rules.add(Rule.R4.id());
        }
        if (size.oracleFree(spec.op())) features.add(CaseFeatures.ORACLE_NOT_RUN);
        return new Case(id, inv, rules, features, runSeed, origin);
    }

    private static void dispatchFamily(CaseSpec s, SplitMix64 rng, Map<String, Tensor> in, Map<String, Long> attrs, Set<String> f) {
        Profile profile = s.profile();
        Tensor routing = s.routing().generate(rng, s.tokens(), s.experts(), s.topK());
        AssignmentTable table = AssignmentTable.of(routing);
        long numOut = Math.max(1, table.used() + s.extra());
        // the layout a dispatch of this routing would have had (D1, P1-P3): the oracle's view
        GroupLayout layout = s.align() > 0 ? GroupLayout.padded(table, s.align(), numOut, profile) : GroupLayout.unpadded(table, numOut);
        int rows = (int) layout.bufferRows();
        switch (s.op()) {
            case DISPATCH: {
                Tensor probs = s.probs() ? probabilities(rng, s, routing) : null;
                in.put(Ports.INP, s.values().generate(rng, s.dtype(), s.tokens(), s.hidden()));
                if (s.indexForm()) {
                    // I1-I4: the same assignment as topk_ids, slots shuffled, -1 in the spare slots; drawn after inp
                    IndexFormInputs.put(rng, s, table, probs, in, attrs);
                    // J4: the roll, a rank's offset in [0,E) (X21), drawn last: maxtext cases only, every other case keeps its draws
                    if (profile.argsortOutputs()) attrs.put(Attrs.ROLL_TO_EXPERT_ID, (long) rng.below(s.experts()));
                } else {
                    in.put(Ports.ROUTING_MAP, s.routingDtype() == DType.I32 ? routing : asDtype(routing, s.routingDtype())); // X2
                    if (probs != null) in.put(Ports.PROBS, probs);
                }
                if (s.scaleRecipe() != 0) {
                    // F1-F4: a distinct scale per (token, block), by position (no draw: the other inputs stay as they were)
                    ScaleRecipe recipe = ScaleRecipe.byCode(s.scaleRecipe()).orElseThrow();
                    in.put(Ports.SCALE_INV, BlockScales.of(recipe, s.tokens(), s.hidden()));
                    attrs.put(Attrs.SCALE_RECIPE, (long) recipe.code());
                }
                attrs.put(Attrs.NUM_OUT_TOKENS, numOut);
                if (s.align() > 0) attrs.put(Attrs.ALIGN_SIZE, (long) s.align());
                break;
            }
            case COMBINE: {
                Tensor mp = s.mergingProbs() ? probabilities(rng, s, routing) : null;
                in.put(Ports.INP, s.values().generate(rng, s.dtype(), rows, s.hidden()));
                in.put(Ports.ROW_ID_MAP, TeRowIdMap.of(table));
                if (mp != null) in.put(Ports.MERGING_PROBS, mp);
                break;
            }
            case DISPATCH_BACKWARD: {
                Tensor g = s.values().generate(rng, s.dtype(), rows, s.hidden());
                Tensor gp = s.probs() ? probabilityVector(rng, s, rows) : null;
                in.put(Ports.GRAD_OUTPUT, g);
                in.put(Ports.ROW_ID_MAP, TeRowIdMap.of(table));
                if (gp != null) in.put(Ports.GRAD_PERMUTED_PROBS, gp);
                break;
            }
            case COMBINE_BACKWARD: {
                Tensor mp = s.mergingProbs() ? probabilities(rng, s, routing) : null;
                Tensor g = s.values().generate(rng, s.dtype(), s.tokens(), s.hidden());
                Tensor x = s.values().generate(rng, s.dtype(), rows, s.hidden());
                in.put(Ports.GRAD_OUTPUT, g);
                in.put(Ports.ROW_ID_MAP, TeRowIdMap.of(table));
                in.put(Ports.FWD_INPUT, x);
                if (mp != null) in.put(Ports.MERGING_PROBS, mp);
                break;
            }
            default: throw new IllegalStateException();
        }
        // P4: what reads a dispatch's buffer (combine, the backward passes) gets its pad offsets too, as its last input
        if (s.op() != Op.DISPATCH) layout.padOffsets().ifPresent(p -> in.put(Ports.PAD_OFFSETS, p));
    }

    /** The 0/1 routing map in another dtype X2 allows (i64, bool): the same entries, no draws. */
    static Tensor asDtype(Tensor routing, DType d) {
        Tensor out = Tensor.zeros(d, routing.dim(0), routing.dim(1));
        for (long t = 0; t < routing.dim(0); t++) for (long e = 0; e < routing.dim(1); e++) out.setLong(t, e, routing.getLong(t, e));
        return out;
    }

    /** probs / merging_probs [T,E] in row-major order (docs/generator.md, "Probabilities"). */
    static Tensor probabilities(SplitMix64 rng, CaseSpec s, Tensor routing) {
        Tensor p = Tensor.zeros(s.probsDtype(), routing.dim(0), routing.dim(1));
        for (long t = 0; t < routing.dim(0); t++) {
            for (long e = 0; e < routing.dim(1); e++) {
                p.setBits(t, e, Values.probability(rng, s.probsDtype(), s.zeroProbs(), routing.bits(t, e) != 0));
            }
        }
        return p;
    }

    /** A probability per row (every row counts as routed: no NaN). */
    static Tensor probabilityVector(SplitMix64 rng, CaseSpec s, long rows) {
        Tensor p = Tensor.zeros(s.probsDtype(), rows);
        for (long r = 0; r < rows; r++) p.setBits(r, 0, Values.probability(rng, s.probsDtype(), s.zeroProbs(), true));
        return p;
    }

    private static void chunkSort(CaseSpec s, SplitMix64 rng, Map<String, Tensor> in, Map<String, Long> attrs, Set<String> f) {
        int n = s.tokens();
        int total = Math.max(0, n - s.extra());
        int chunks = s.chunks();
        int[] cuts = new int[chunks - 1];
        for (int i = 0; i < cuts.length; i++) cuts[i] = rng.below(total + 1);
        Arrays.sort(cuts);
        long[] sizes = new long[chunks];
        int prev = 0;
        for (int i = 0; i < chunks; i++) {
            int end = i < cuts.length ? cuts[i] : total;
            sizes[i] = end - prev;
            prev = end;
        }
        int[] order = new int[chunks];
        for (int i = 0; i < chunks; i++) order[i] = s.chunkOrder().equals("reverse") ? chunks - 1 - i : i;
        if (s.chunkOrder().equals("random")) rng.shuffle(order);
        long[] sortedIndices = Arrays.stream(order).asLongStream().toArray();
        Tensor payload = s.values().generate(rng, s.dtype(), n, s.hidden());
        Tensor probs = s.probs() ? probabilityVector(rng, s, n) : null;
        if (s.op() == Op.SORT_CHUNKS) {
            in.put(Ports.INP, payload);
            in.put(Ports.SPLIT_SIZES, Tensor.i32(Tensor.shape(chunks), sizes));
            in.put(Ports.SORTED_INDICES, Tensor.i32(Tensor.shape(chunks), sortedIndices));
            if (probs != null) in.put(Ports.PROBS, probs);
        } else {
            in.put(Ports.GRAD_OUTPUT, payload);
            in.put(Ports.ROW_ID_MAP, Tensor.i32(Tensor.shape(n), ChunkSortMap.of(sizes, sortedIndices, n))); // S1, the oracle's map
            if (probs != null) in.put(Ports.GRAD_PERMUTED_PROBS, probs);
        }
    }

    private static void expertParallel(CaseSpec s, SplitMix64 rng, Map<String, Tensor> in, Map<String, Long> attrs, Set<String> f) {
        int shards = s.shards();
        int experts = s.experts();
        int local = experts / shards;
        Tensor m = Tensor.zeros(DType.I32, shards, experts);
        for (int i = 0; i < shards; i++) for (int e = 0; e < experts; e++) m.setLong(i, e, rng.below(s.tokens() + 1));
        int shard = rng.below(shards);
        long received = 0;
        for (int i = 0; i < shards; i++) for (int l = 0; l < local; l++) received += m.getLong(i, (long) shard * local + l);
        switch (s.op()) {
            case RAGGED_A2A_PARAMS: case REVERSE_RAGGED_A2A_PARAMS:
                in.put(Ports.ALL_SHARDS_TOKENS_PER_EXPERT, m);
                attrs.put(Attrs.SHARD_ID, (long) shard);
                attrs.put(Attrs.NUM_SHARDS, (long) shards);
                break;
            case LOCAL_PERMUTE_AFTER_A2A:
                in.put(Ports.INP, s.values().generate(rng, s.dtype(), received + s.extra(), s.hidden()));
                in.put(Ports.ALL_SHARDS_TOKENS_PER_EXPERT, m);
                attrs.put(Attrs.SHARD_ID, (long) shard);
                attrs.put(Attrs.NUM_SHARDS, (long) shards);
                break;
            case LOCAL_UNPERMUTE_BEFORE_A2A: {
                Tensor sortedSizes = Tensor.zeros(DType.I32, (long) shards * local);
                Tensor inverse = Tensor.zeros(DType.I32, (long) shards * local);
                for (int i = 0; i < shards; i++) {
                    for (int l = 0; l < local; l++) {
                        sortedSizes.setLong((long) l * shards + i, m.getLong(i, (long) shard * local + l));
                        inverse.setLong((long) i * local + l, (long) l * shards + i);
                    }
                }
                in.put(Ports.INP, s.values().generate(rng, s.dtype(), received + s.extra(), s.hidden()));
                in.put(Ports.SORTED_SPLIT_SIZES, sortedSizes);
                in.put(Ports.INVERSE_CHUNK_INDICES, inverse);
                break;
            }
            default: throw new IllegalStateException();
        }
    }
}
