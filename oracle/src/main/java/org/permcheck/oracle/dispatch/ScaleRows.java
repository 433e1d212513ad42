package org.permcheck.oracle.dispatch;

import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.tensor.Tensor;

/**
 * The block scales of a quantized dispatch (docs/spec.md F1-F4): {@code permuted_scale_inv} is one more
 * view of the assignment table and the group layout the payload's rows already follow, never a layout
 * of its own.
 */
public final class ScaleRows {
    private ScaleRows() {}

    /**
     * F1-F4: a {@code [rows, B]} tensor of {@code scale_inv}'s dtype (F1); for every routed (t,e),
     * {@code permuted[row(t,e)] = scale[t]}, a bit copy of the whole scale row (F2), also when
     * {@code probs[t,e]} is +-0.0 and the payload row is zeroed (F4: TE stores the scale before its
     * probability test); every other row zero bits (F3: pad and tail rows of a padded buffer; the
     * unspecified rows past N_used of an unpadded one hold zero as a placeholder).
     */
    public static Tensor permute(Tensor scale, AssignmentTable table, GroupLayout layout) {
        Tensor out = Tensor.zeros(scale.dtype(), layout.bufferRows(), scale.dim(1)); // F1, F3
        for (int t = 0; t < table.numTokens(); t++) {
            for (int e = 0; e < table.numExperts(); e++) {
                if (!table.routed(t, e)) continue;
                out.copyRowFrom(scale, t, layout.row(t, e)); // F2, F4: no probability test
            }
        }
        return out;
    }
}
