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

    public static PreconditionViolation violation(String rule, String message) {
        return new PreconditionViolation(rule, message);
    }

    // ------------------------------------------------------------------ X1 ports and shapes

    /** X1: every input is a port of the op, every required port is present, every attribute known. */
    public static void requirePorts(Invocation inv) {
        Op op = inv.op();
        for (String name : inv.inputs().keySet()) {
            boolean known = false;
            for (Port p : op.inputs()) known |= p.name().equals(name);
            if (!known) throw violation("X1", op.wireName() + " has no input '" + name + "' (inputs: " + names(op.inputs()) + ")");
        }
        for (Port p : op.inputs()) {
            if (p.required() && !inv.inputs().containsKey(p.name())) {
                throw violation("X1", op.wireName() + " needs input '" + p.name() + "'");
            }
        }
        for (String a : inv.attrs().keySet()) {
            if (!op.attrs().contains(a)) throw violation("X1", op.wireName() + " has no attribute '" + a + "' (attributes: " + op.attrs() + ")");
        }
    }

    private static String names(java.util.List<Port> ports) {
        StringBuilder sb = new StringBuilder();
        for (Port p : ports) sb.append(sb.length() == 0 ? "" : ", ").append(p.name()).append(p.required() ? "" : "?");
        return sb.toString();
    }

    /** X1: {@code t} has rank 2. */
    public static void requireRank2(String name, Tensor t) {
        if (t.rank() != 2) throw violation("X1", name + " must be 2-D, got " + t.dtype() + t.shapeString());
    }

    /** X1: {@code t} has rank 1. */
    public static void requireRank1(String name, Tensor t) {
        if (t.rank() != 1) throw violation("X1", name + " must be 1-D, got " + t.dtype() + t.shapeString());
    }

    /** X1: {@code t} has exactly this shape. */
    public static void requireShape(String name, Tensor t, long... shape) {
        if (!t.sameShape(shape)) {
            throw violation("X1", name + " must have shape " + java.util.Arrays.toString(shape) + ", got " + t.dtype() + t.shapeString());
        }
    }

    // ------------------------------------------------------------------ X2 routing values

    /** X2: routing_map is int32, int64 or bool and holds only 0 and 1. */
    public static void requireRoutingMap(Tensor routingMap) {
        DType d = routingMap.dtype();
        if (d != DType.I32 && d != DType.I64 && d != DType.BOOL) {
            throw violation("X2", "routing_map must be int32, int64 or bool, got " + d);
        }
        long cols = routingMap.rowElems();
        for (long t = 0; t < routingMap.rows(); t++) {
            for (long e = 0; e < cols; e++) {
                long v = routingMap.getLong(t, e);
                if (v != 0 && v != 1) {
                    throw violation("X2", "routing_map[" + t + "," + e + "] = " + v + ", expected 0 or 1");
                }
            }
        }
    }

    // ------------------------------------------------------------------ X5 dtypes

    /** X5: a payload that is only moved (any floating storage type but f64). */
    public static void requireMovablePayload(String name, Tensor t) {
        DType d = t.dtype();
        if (d != DType.F32 && d != DType.BF16 && d != DType.F16 && d != DType.F8E4M3 && d != DType.F8E5M2) {
            throw violation("X5", name + " must be f32, bf16, f16, f8e4m3 or f8e5m2, got " + d);
        }
    }

    /** X5: a payload that enters a reduction (f32, bf16, f16: fp8 is moved, never computed). */
    public static void requireReduciblePayload(String name, Tensor t) {
        DType d = t.dtype();
        if (d == DType.F8E4M3 || d == DType.F8E5M2) {
            throw violation("X5", name + " is " + d + ": fp8 payloads are moved as raw bits, never reduced");
        }
        if (d != DType.F32 && d != DType.BF16 && d != DType.F16) {
            throw violation("X5", name + " must be f32, bf16 or f16 for a reduction, got " + d);
        }
    }

    /** X5: probabilities and their gradients are f32, bf16 or f16. */
    public static void requireProbs(String name, Tensor t) {
        DType d = t.dtype();
        if (d != DType.F32 && d != DType.BF16 && d != DType.F16) {
            throw violation("X5", name + " must be f32, bf16 or f16, got " + d);
        }
    }

    /** X5: index inputs are int32 or int64. */
    public static void requireIndex(String name, Tensor t) {
        if (t.dtype() != DType.I32 && t.dtype() != DType.I64) {
            throw violation("X5", name + " must be int32 or int64, got " + t.dtype());
        }
    }

    public static void requireProbsIfPresent(String name, Optional<Tensor> t) {
        t.ifPresent(x -> requireProbs(name, x));
    }

    /** Reads a 1-D integer tensor into a long array (after {@link #requireIndex}). */
    public static long[] longs(Tensor t) {
        long[] v = new long[(int) t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = t.getLong(i);
        return v;
    }
}
