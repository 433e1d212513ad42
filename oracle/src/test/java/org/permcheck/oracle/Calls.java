package org.permcheck.oracle;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Builds invocations for tests: {@code Calls.of(Op.DISPATCH).in("inp", x).attr("num_out_tokens", 7).run()}. */
final class Calls {
    private final Op op;
    private Profile profile = Profile.TE_JAX;
    private final Map<String, Tensor> inputs = new LinkedHashMap<>();
    private final Map<String, Long> attrs = new LinkedHashMap<>();

    private Calls(Op op) { this.op = op; }

    static Calls of(Op op) { return new Calls(op); }

    Calls profile(Profile p) { profile = p; return this; }

    Calls in(String name, Tensor t) { inputs.put(name, t); return this; }

    Calls attr(String name, long v) { attrs.put(name, v); return this; }

    Invocation invocation() { return new Invocation(op, profile, inputs, attrs); }

    Expected run() { return Oracle.expected(invocation()); }

    /** Asserts the call is rejected as outside the contract, naming {@code rule}. */
    void rejects(String rule) {
        PreconditionViolation v = assertThrows(PreconditionViolation.class, this::run);
        assertEquals(rule, v.rule(), v.getMessage());
    }

    // ------------------------------------------------------------------ small tensors

    static Tensor i32(long[] shape, long... v) { return Tensor.i32(shape, v); }

    static Tensor f32(long[] shape, float... v) { return Tensor.ofFloats(DType.F32, shape, v); }

    static long[] shape(long... d) { return d; }

    /** Row r of a [T,H] f32 payload where element (t,h) = 10*t + h + 1 (so every row is distinct and non-zero). */
    static Tensor tokens(DType dtype, int t, int h) {
        Tensor x = Tensor.zeros(dtype, t, h);
        for (int i = 0; i < t; i++) for (int c = 0; c < h; c++) x.setF32(i, c, 10 * i + c + 1);
        return x;
    }

    static long[] longs(Tensor t) {
        long[] v = new long[(int) t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = t.getLong(i);
        return v;
    }
}
