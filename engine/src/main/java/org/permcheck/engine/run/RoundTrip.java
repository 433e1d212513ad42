package org.permcheck.engine.run;

import org.permcheck.contract.Ports;
import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.oracle.Oracle;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.spi.Capabilities;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Builds the follow-up combine of the round-trip invariant (C2): the backend's own dispatch
 * output, row_id_map and pad_offsets, with f32 merging weights 1/n(t) on the routed experts
 * (n(t) and the routed pairs from the oracle's layout view).
 */
final class RoundTrip {
    private RoundTrip() {}

    /** The combine call, or null when the invariant does not apply (fp8 payload, combine not claimed, outputs malformed). */
    static Invocation combineAfter(Invocation dispatch, Outputs out, Capabilities caps) {
        if (dispatch.op() != Op.DISPATCH) return null;
        Tensor x = dispatch.input(Ports.INP);
        if (!CaseGenerator.reducible(x.dtype())) return null;
        Tensor y = out.get(Ports.OUTPUT);
        Tensor map = out.get(Ports.ROW_ID_MAP);
        GroupLayout layout = Oracle.layout(dispatch).orElseThrow(); // the case is valid: the oracle answered it
        int tokens = layout.table().numTokens();
        int experts = layout.table().numExperts();
        if (y == null || map == null || y.dtype() != x.dtype() || y.rank() != 2 || y.dim(1) != x.dim(1)) return null;
        if (!map.sameShape(tokens, 2 * experts + 1) || !map.dtype().isInt()) return null;
        Tensor weights = Tensor.zeros(DType.F32, tokens, experts);
        for (int t = 0; t < tokens; t++) {
            for (int e = 0; e < experts; e++) if (layout.routed(t, e)) weights.setF32(t, e, 1.0f / layout.n(t));
        }
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put(Ports.INP, y);
        in.put(Ports.ROW_ID_MAP, map);
        in.put(Ports.MERGING_PROBS, weights);
        Tensor pad = out.get(Ports.PAD_OFFSETS);
        if (pad != null) {
            if (!pad.sameShape(experts) || !pad.dtype().isInt()) return null;
            in.put(Ports.PAD_OFFSETS, pad);
        }
        Invocation combine = new Invocation(Op.COMBINE, dispatch.profile(), in, Map.of());
        return caps.whyNot(combine) == null ? combine : null;
    }
}
