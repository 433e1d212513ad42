package org.permcheck.oracle.dispatch;

import org.permcheck.contract.Ports;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** {@code token_combine_backward} (docs/spec.md G3, G4): the VJP of combine (TE sections 3.3, 9). */
public final class CombineGradient {
    private CombineGradient() {}

    public static Expected expected(Invocation inv) {
        Tensor grad = inv.input(Ports.GRAD_OUTPUT);
        Tensor rowIdMap = inv.input(Ports.ROW_ID_MAP);
        Tensor fwdInput = inv.input(Ports.FWD_INPUT);
        Optional<Tensor> mergingProbs = inv.optionalInput(Ports.MERGING_PROBS);
        boolean fused = inv.profile().fusedMultiplyAdd();
        RowIdMap.Routes routes = RowIdMap.read(rowIdMap, inv.optionalInput(Ports.PAD_OFFSETS), fwdInput.dim(0));

        Map<String, Tensor> values = new LinkedHashMap<>();
        Map<String, Tensor> reference = new LinkedHashMap<>();
        Tensor targeted = Tensor.zeros(DType.BOOL, fwdInput.dim(0));
        values.put(Ports.GRAD_INP, gradInp(grad, routes, mergingProbs.orElse(null), fwdInput.dim(0), targeted));
        if (mergingProbs.isPresent()) {
            Tensor[] g = gradMergingProbs(grad, fwdInput, routes, mergingProbs.get().dtype(), fused);
            values.put(Ports.GRAD_MERGING_PROBS, g[0]);
            reference.put(Ports.GRAD_MERGING_PROBS, g[1]);
            reference.put("grad_merging_probs.slack", g[2]);
        }
        return new Expected(values, Map.of(Ports.GRAD_INP, targeted), reference);
    }

    /**
     * G3: grad_inp[src(t,e)] = grad_output[t] (bit copy) or cast(f32(g) * f32(p)) (one rounding);
     * rows nobody targets stay unspecified (zero placeholder, mask false).
     */
    static Tensor gradInp(Tensor grad, RowIdMap.Routes routes, Tensor mergingProbs, long rows, Tensor targeted) {
        Tensor out = Tensor.zeros(grad.dtype(), rows, grad.dim(1));
        for (int t = 0; t < routes.numTokens(); t++) {
            for (int i = 0; i < routes.count(t); i++) {
                long src = routes.source(t, i);
                targeted.setLong(src, 1);
                if (mergingProbs == null) {
                    out.copyRowFrom(grad, t, src);
                    continue;
                }
                float p = mergingProbs.getF32(t, routes.expert(t, i));
                for (long h = 0; h < grad.dim(1); h++) out.setF32(src, h, product(grad.getF32(t, h), p));
            }
        }
        return out;
    }

    /**
     * G3's one product, with a NaN rule of its own: Java's {@code g * p} of two NaNs keeps the payload
     * of whichever operand the JIT happens to put first, which made the oracle's bits vary between
     * runs. The contract leaves a computed NaN's payload free (checks compare NaN as a class there);
     * the oracle fixes one answer: the quieted payload of p when p is NaN, else of g.
     */
    static float product(float g, float p) {
        if (Float.isNaN(p)) return quiet(p);
        if (Float.isNaN(g)) return quiet(g);
        return g * p;
    }

    private static float quiet(float nan) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(nan) | 0x00400000);
    }

    /**
     * G4: grad_merging_probs[t,e] = cast(sum_h f32(x[src,h]) * f32(g[t,h])) for routed pairs, in
     * ascending h with the profile's contraction (one admissible order; TE's depends on a block
     * size), plus the f64 reference and the C5 slack with n = H terms; exactly +0.0 for pairs not routed.
     */
    static Tensor[] gradMergingProbs(Tensor grad, Tensor fwdInput, RowIdMap.Routes routes, DType dtype, boolean fused) {
        int nt = routes.numTokens();
        int ne = routes.numExperts();
        Tensor values = Tensor.zeros(dtype, nt, ne);
        Tensor reference = Tensor.zeros(DType.F64, nt, ne);
        Tensor slack = Tensor.zeros(DType.F64, nt, ne);
        int h = (int) grad.dim(1);
        float[] x = new float[h];
        float[] g = new float[h];
        for (int t = 0; t < nt; t++) {
            grad.readRowF32(t, g);
            for (int i = 0; i < routes.count(t); i++) {
                long src = routes.source(t, i);
                int e = routes.expert(t, i);
                fwdInput.readRowF32(src, x);
                float acc = 0f;
                double ref = 0d;
                double magnitude = 0d;
                for (int c = 0; c < h; c++) {
                    acc = RowReduction.multiplyAdd(x[c], g[c], acc, fused);
                    double term = (double) x[c] * (double) g[c];
                    ref += term;
                    magnitude += Math.abs(term);
                }
                values.setF32(t, e, acc);
                reference.setBits(t, e, Double.doubleToRawLongBits(ref));
                slack.setBits(t, e, Double.doubleToRawLongBits((h + 1) * RowReduction.F32_UNIT_ROUNDOFF * magnitude));
            }
        }
        return new Tensor[] {values, reference, slack};
    }
}
