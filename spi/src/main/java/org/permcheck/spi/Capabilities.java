package org.permcheck.spi;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Attrs;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.permcheck.contract.Determinism;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The part of the contract a backend claims. Conformance is judged inside these claims; whatever
 * lies outside is reported per feature as NOT_SUPPORTED, which never counts as a pass.
 *
 * @param ops      operations implemented
 * @param dtypes   payload dtypes of inp / grad_output (probs may be f32, bf16 or f16 when PROBS is claimed)
 * @param profiles profile ids implemented ("te-jax", "torch-mask-pad")
 * @param features optional features implemented
 * @param determinism the determinism level declared per op (docs/spec.md R1); an op left out has
 *                    {@link Determinism#defaultFor(Op)}, so a backend that declares nothing is judged as before
 */
public record Capabilities(Set<Op> ops, Set<DType> dtypes, Set<String> profiles, Set<Feature> features,
                           Map<Op, Determinism> determinism) {

    /** Optional parts of the operations. */
    public enum Feature {
        /** align_size on dispatch; pad_offsets on combine and the backward passes. */
        PADDING,
        /** probs on dispatch and chunk sort; grad_permuted_probs on their backward passes. */
        PROBS,
        /** merging_probs on combine and its backward pass. */
        MERGING_PROBS,
        /** The index form of dispatch's routing: topk_ids (and topk_weights) in place of routing_map (and probs), docs/spec.md I1-I4. */
        INDEX_FORM,
        /** Quantized payloads: scale_inv (with scale_recipe) on dispatch, moved as permuted_scale_inv, docs/spec.md F1-F4. */
        QUANTIZED
    }

    public Capabilities {
        ops = Set.copyOf(ops);
        dtypes = Set.copyOf(dtypes);
        profiles = Set.copyOf(profiles);
        features = Set.copyOf(features);
        determinism = Map.copyOf(determinism);
    }

    /** No determinism declared: every op at its default level. */
    public Capabilities(Set<Op> ops, Set<DType> dtypes, Set<String> profiles, Set<Feature> features) {
        this(ops, dtypes, profiles, features, Map.of());
    }

    /** The level R1 judges this op's second call against: the declared one, else the op's default. */
    public Determinism determinismOf(Op op) {
        return determinism.getOrDefault(op, Determinism.defaultFor(op));
    }

    /**
     * What the reports show as promised (docs/spec.md R1): the level of every claimed op, grouped by level in the
     * order strongest first, ops in their declaration order, e.g. "bit_exact: token_dispatch, token_combine; multiset:
     * moe_align_block_size"; "bit_exact for every op" when one level covers every claimed op; "" when no op is claimed.
     */
    public String determinismLine() {
        Map<Determinism, java.util.List<String>> by = new EnumMap<>(Determinism.class);
        for (Op op : Op.values()) {
            if (ops.contains(op)) by.computeIfAbsent(determinismOf(op), k -> new java.util.ArrayList<>()).add(op.wireName());
        }
        if (by.size() == 1) return by.keySet().iterator().next().wireName() + " for every op";
        java.util.StringJoiner line = new java.util.StringJoiner("; ");
        by.forEach((level, names) -> line.add(level.wireName() + ": " + String.join(", ", names)));
        return line.toString();
    }

    /** These claims with {@code level} declared for every op in {@code ops} (the others keep theirs). */
    public Capabilities declaring(Determinism level, Set<Op> which) {
        Map<Op, Determinism> d = new EnumMap<>(Op.class);
        d.putAll(determinism);
        for (Op op : which) d.put(op, level);
        return new Capabilities(ops, dtypes, profiles, features, d);
    }

    /** Everything: every op, every payload dtype, every profile of {@code Profile.ALL}, every feature. */
    public static Capabilities everything() {
        return new Capabilities(EnumSet.allOf(Op.class),
                EnumSet.of(DType.F32, DType.BF16, DType.F16, DType.F8E4M3, DType.F8E5M2),
                Profile.ALL.stream().map(Profile::id).collect(java.util.stream.Collectors.toSet()), EnumSet.allOf(Feature.class));
    }

    /** Null when the call is inside these claims, else the reason it is not (for NOT_SUPPORTED). */
    public String whyNot(Invocation inv) {
        if (!ops.contains(inv.op())) return "op " + inv.op().wireName() + " not implemented";
        // chunk sort and the EP helpers mean the same in every profile: a backend of any profile is judged on them
        if (inv.op().profileSpecific() && !profiles.contains(inv.profile().id())) return "profile " + inv.profile().id() + " not implemented";
        if (!inv.op().profileSpecific() && profiles.isEmpty()) return "no profile implemented";
        for (String payload : new String[] {Ports.INP, Ports.GRAD_OUTPUT}) {
            Tensor t = inv.inputs().get(payload);
            if (t != null && t.dtype().isFloat() && !dtypes.contains(t.dtype())) return "dtype " + t.dtype() + " not implemented";
        }
        if (inv.attrs().containsKey(Attrs.ALIGN_SIZE) || inv.inputs().containsKey(Ports.PAD_OFFSETS)) {
            if (!features.contains(Feature.PADDING)) return "padding (align_size / pad_offsets) not implemented";
        }
        if (inv.inputs().containsKey(Ports.PROBS) || inv.inputs().containsKey(Ports.GRAD_PERMUTED_PROBS)) {
            if (!features.contains(Feature.PROBS)) return "probs not implemented";
        }
        if ((inv.inputs().containsKey(Ports.SCALE_INV) || inv.attrs().containsKey(Attrs.SCALE_RECIPE)) && !features.contains(Feature.QUANTIZED)) {
            return "quantized payloads (scale_inv, F1-F4) not implemented";
        }
        if (inv.inputs().containsKey(Ports.TOPK_IDS) && !features.contains(Feature.INDEX_FORM)) {
            return "index-form routing (topk_ids) not implemented";
        }
        if (inv.inputs().containsKey(Ports.TOPK_WEIGHTS) && !features.contains(Feature.PROBS)) return "probs not implemented";
        if (inv.inputs().containsKey(Ports.MERGING_PROBS) && !features.contains(Feature.MERGING_PROBS)) {
            return "merging_probs not implemented";
        }
        return null;
    }
}
