package org.permcheck.engine.testbackends;

import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.tensor.Tensor;

/**
 * Planted bug: a reduction writes a value that is "almost" +0.0 where it sums no term: -0.0 or
 * the smallest positive denormal of the output dtype, both within the C5 tolerance of 0. For
 * {@code token_combine} and {@code token_dispatch_backward} the rows of tokens routed nowhere
 * (C3, G1), for {@code token_combine_backward} the grad_merging_probs of non-routed pairs (G4).
 * The contract says exactly +0.0 (bits 0) there.
 */
public final class EmptySumGarbageBackend extends MutatingBackend {
    /** What is written instead of +0.0. */
    public enum Fill {
        NEGATIVE_ZERO, DENORMAL;

        long bits(Tensor t) {
            return this == NEGATIVE_ZERO ? 1L << (8 * t.dtype().size() - 1) : 1L; // sign bit only / lowest mantissa bit only
        }
    }

    private final Op op;
    private final Fill fill;

    public EmptySumGarbageBackend(Op op, Fill fill) {
        this.op = op;
        this.fill = fill;
    }

    @Override
    protected void mutate(Invocation inv, Map<String, Tensor> outputs) {
        if (inv.op() != op) return;
        Tensor map = inv.input("row_id_map");
        long experts = (map.dim(1) - 1) / 2;
        if (op == Op.COMBINE || op == Op.DISPATCH_BACKWARD) {
            Tensor out = outputs.get(op == Op.COMBINE ? "output" : "grad_inp").copy();
            for (long t = 0; t < map.dim(0); t++) {
                if (map.getLong(t, 2 * experts) != 0) continue;
                for (long h = 0; h < out.rowElems(); h++) out.setBits(t, h, fill.bits(out));
            }
            outputs.put(op == Op.COMBINE ? "output" : "grad_inp", out);
        } else if (op == Op.COMBINE_BACKWARD && outputs.containsKey("grad_merging_probs")) {
            Tensor g = outputs.get("grad_merging_probs").copy();
            for (long t = 0; t < map.dim(0); t++) {
                for (long e = 0; e < experts; e++) {
                    boolean routed = false;
                    for (long i = 0; i < map.getLong(t, 2 * experts); i++) routed |= map.getLong(t, experts + i) == e;
                    if (!routed) g.setBits(t, e, fill.bits(g));
                }
            }
            outputs.put("grad_merging_probs", g);
        }
    }
}
