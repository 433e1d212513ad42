package org.permcheck.contract;

import java.util.Optional;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The group-X rules of docs/spec.md: every check throws {@link PreconditionViolation} naming the
 * rule, with the offending argument in the message. The reference classes call these before they
 * compute anything, so an input outside the contract never yields expected values. They live in
 * the model, beside the ops and ports they check, so that the oracle's sub-packages need nothing
 * from the oracle's front door (no cycle) and a backend may use the same checks.
 */
public final class Preconditions {
    private Preconditions() {}

    public static PreconditionViolation violation(Rule rule, String message) {
        return new PreconditionViolation(rule, message);
    }

    // ------------------------------------------------------------------ X1 ports and shapes

    /** X1: every input is a port of the op (X23 first: block scales outside token_dispatch), every required port is present, every attribute known. */
    public static void requirePorts(Invocation inv) {
        QuantizedPreconditions.refuseOutsideDispatch(inv); // X23 before X1: the ports exist, the op refuses them
        Op op = inv.op();
        for (String name : inv.inputs().keySet()) {
            boolean known = false;
            for (Port p : op.inputs()) known |= p.name().equals(name);
            if (!known) throw violation(Rule.X1, op.wireName() + " has no input '" + name + "' (inputs: " + names(op.inputs()) + ")");
        }
        for (Port p : op.inputs()) {
            if (p.required() && !inv.inputs().containsKey(p.name())) {
                throw violation(Rule.X1, op.wireName() + " needs input '" + p.name() + "'");
            }
        }
        for (String a : inv.attrs().keySet()) {
            if (!op.attrs().contains(a)) throw violation(Rule.X1, op.wireName() + " has no attribute '" + a + "' (attributes: " + op.attrs() + ")");
        }
    }

    private static String names(java.util.List<Port> ports) {
        StringBuilder sb = new StringBuilder();
        for (Port p : ports) sb.append(sb.length() == 0 ? "" : ", ").append(p.name()).append(p.required() ? "" : "?");
        return sb.toString();
    }

    /** X1: {@code t} has rank 2. */
    public static void requireRank2(String name, Tensor t) {
        if (t.rank() != 2) throw violation(Rule.X1, name + " must be 2-D, got " + t.dtype() + t.shapeString());
    }

    /** X1: {@code t} has rank 1. */
    public static void requireRank1(String name, Tensor t) {
        if (t.rank() != 1) throw violation(Rule.X1, name + " must be 1-D, got " + t.dtype() + t.shapeString());
    }

    /** X1: {@code t} has exactly this shape. */
    public static void requireShape(String name, Tensor t, long... shape) {
        if (!t.sameShape(shape)) {
            throw violation(Rule.X1, name + " must have shape " + java.util.Arrays.toString(shape) + ", got " + t.dtype() + t.shapeString());
        }
    }

    // ------------------------------------------------------------------ X2 routing values

    /** X2: routing_map is int32, int64 or bool and holds only 0 and 1. */
    public static void requireRoutingMap(Tensor routingMap) {
        DType d = routingMap.dtype();
        if (d != DType.I32 && d != DType.I64 && d != DType.BOOL) {
            throw violation(Rule.X2, "routing_map must be int32, int64 or bool, got " + d);
        }
        long cols = routingMap.rowElems();
        for (long t = 0; t < routingMap.rows(); t++) {
            for (long e = 0; e < cols; e++) {
                long v = routingMap.getLong(t, e);
                if (v != 0 && v != 1) {
                    throw violation(Rule.X2, "routing_map[" + t + "," + e + "] = " + v + ", expected 0 or 1");
                }
            }
        }
    }

    // ------------------------------------------------------------------ X9, X10 the index form

    /**
     * X9: which form a token_dispatch call gives its routing in; true for the index form
     * ({@code topk_ids[T,k]}, {@code topk_weights[T,k]?}, attribute {@code num_experts}), false for
     * the mask form ({@code routing_map[T,E]}, {@code probs[T,E]?}). Exactly one of the two, never a
     * mix: the index form's weights ride on its ids, so {@code probs} beside {@code topk_ids} (or
     * {@code topk_weights} beside a routing_map) is refused rather than guessed at. Checks the index
     * form's shapes and dtypes (X9, X5) over {@code tokens} rows of {@code inp}; its ids are X10's.
     */
    public static boolean requireRoutingForm(Invocation inv, long tokens) {
        boolean mask = inv.inputs().containsKey(Ports.ROUTING_MAP), index = inv.inputs().containsKey(Ports.TOPK_IDS);
        if (mask == index) {
            throw violation(Rule.X9, "token_dispatch takes exactly one of routing_map and topk_ids, got " + (mask ? "both" : "neither"));
        }
        if (mask) {
            if (inv.inputs().containsKey(Ports.TOPK_WEIGHTS)) throw violation(Rule.X9, "topk_weights belongs to the index form (topk_ids), not beside a routing_map");
            if (inv.attrs().containsKey(Attrs.NUM_EXPERTS)) throw violation(Rule.X9, "num_experts belongs to the index form; a routing_map's columns are its experts");
            return false;
        }
        if (inv.inputs().containsKey(Ports.PROBS)) throw violation(Rule.X9, "probs belongs to the mask form; the index form weighs its slots with topk_weights");
        Tensor ids = inv.input(Ports.TOPK_IDS);
        requireIndex(Ports.TOPK_IDS, ids); // X5
        if (ids.rank() != 2 || ids.dim(1) < 1) throw violation(Rule.X9, "topk_ids must be [T, k] with k >= 1, got " + ids.dtype() + ids.shapeString());
        if (ids.dim(0) != tokens) throw violation(Rule.X9, "inp has " + tokens + " tokens but topk_ids has " + ids.dim(0));
        long experts = numExperts(inv);
        Optional<Tensor> w = inv.optionalInput(Ports.TOPK_WEIGHTS);
        if (w.isPresent()) {
            requireProbs(Ports.TOPK_WEIGHTS, w.get()); // X5
            if (!w.get().sameShape(ids.shape())) throw violation(Rule.X9, "topk_weights must have the shape of topk_ids " + ids.shapeString() + ", got " + w.get().shapeString());
        }
        requireTopkIds(ids, experts); // X10
        return true;
    }

    /** X9: the num_experts attribute of an index-form dispatch, at least 1. */
    public static long numExperts(Invocation inv) {
        Optional<Long> e = inv.optionalAttr(Attrs.NUM_EXPERTS);
        if (e.isEmpty()) throw violation(Rule.X9, "an index-form token_dispatch (topk_ids) needs the num_experts attribute");
        if (e.get() < 1 || e.get() > Integer.MAX_VALUE) throw violation(Rule.X9, "num_experts must be in [1, 2^31), got " + e.get());
        return e.get();
    }

    /**
     * X10: every id of {@code topk_ids} is an expert in [0,E) or -1 (no expert, I4), and no expert
     * appears twice in one row (one (t,e) has one row in the assignment table; DeepEP v2 and vLLM
     * state the same precondition, docs/sources.md#index-form).
     */
    public static void requireTopkIds(Tensor ids, long numExperts) {
        long k = ids.dim(1);
        java.util.Set<Long> row = new java.util.HashSet<>();
        for (long t = 0; t < ids.dim(0); t++) {
            row.clear();
            for (long j = 0; j < k; j++) {
                long e = ids.getLong(t, j);
                if (e < -1 || e >= numExperts) {
                    throw violation(Rule.X10, "topk_ids[" + t + "," + j + "] = " + e + " is neither an expert in [0," + numExperts + ") nor -1");
                }
                if (e >= 0 && !row.add(e)) throw violation(Rule.X10, "topk_ids[" + t + "] names expert " + e + " twice (slot " + j + ")");
            }
        }
    }

    /** I4: the routed (token, expert) pairs of an index form: its slots with an id >= 0 (after X10). */
    public static long routedSlots(Tensor ids) {
        long n = 0;
        for (long t = 0; t < ids.dim(0); t++) for (long j = 0; j < ids.dim(1); j++) if (ids.getLong(t, j) >= 0) n++;
        return n;
    }

    // ------------------------------------------------------------------ X5 dtypes

    /** X5: a payload that is only moved (any floating storage type but f64). */
    public static void requireMovablePayload(String name, Tensor t) {
        DType d = t.dtype();
        if (d != DType.F32 && d != DType.BF16 && d != DType.F16 && d != DType.F8E4M3 && d != DType.F8E5M2) {
            throw violation(Rule.X5, name + " must be f32, bf16, f16, f8e4m3 or f8e5m2, got " + d);
        }
    }

    /** X5: a payload that enters a reduction (f32, bf16, f16: fp8 is moved, never computed). */
    public static void requireReduciblePayload(String name, Tensor t) {
        DType d = t.dtype();
        if (d == DType.F8E4M3 || d == DType.F8E5M2) {
            throw violation(Rule.X5, name + " is " + d + ": fp8 payloads are moved as raw bits, never reduced");
        }
        if (d != DType.F32 && d != DType.BF16 && d != DType.F16) {
            throw violation(Rule.X5, name + " must be f32, bf16 or f16 for a reduction, got " + d);
        }
    }

    /** X5: probabilities and their gradients are f32, bf16 or f16. */
    public static void requireProbs(String name, Tensor t) {
        DType d = t.dtype();
        if (d != DType.F32 && d != DType.BF16 && d != DType.F16) {
            throw violation(Rule.X5, name + " must be f32, bf16 or f16, got " + d);
        }
    }

    /** X5: index inputs are int32 or int64. */
    public static void requireIndex(String name, Tensor t) {
        if (t.dtype() != DType.I32 && t.dtype() != DType.I64) {
            throw violation(Rule.X5, name + " must be int32 or int64, got " + t.dtype());
        }
    }

    /** X5, X1: the optional probabilities input {@code name}, when the call gives it, is f32, bf16 or f16 of this shape. */
    public static Optional<Tensor> optionalProbs(Invocation inv, String name, long... shape) {
        Optional<Tensor> p = inv.optionalInput(name);
        p.ifPresent(t -> {
            requireProbs(name, t);
            requireShape(name, t, shape);
        });
        return p;
    }

    /**
     * An attribute that counts something (experts, ranks, rows, a multiple): given and in {@code [1, 2^31)}, else a
     * violation of {@code rule} saying "{@code needs} {@code attr} in [1, 2^31), got ...", {@code needs} naming who
     * needs it ("moe_align_block_size needs"; X12, X33, X35, X39).
     */
    public static long requireCount(Invocation inv, String attr, Rule rule, String needs) {
        Optional<Long> v = inv.optionalAttr(attr);
        if (v.isEmpty() || v.get() < 1 || v.get() > Integer.MAX_VALUE) {
            throw violation(rule, needs + " " + attr + " in [1, 2^31), got " + v.map(String::valueOf).orElse("none"));
        }
        return v.get();
    }

    /** Reads a 1-D integer tensor into a long array (after {@link #requireIndex}). */
    public static long[] longs(Tensor t) {
        long[] v = new long[(int) t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = t.getLong(i);
        return v;
    }
}
