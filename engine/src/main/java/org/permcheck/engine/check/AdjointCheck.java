package org.permcheck.engine.check;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Mismatch;
import org.permcheck.engine.model.Violation;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.Tensor;

/**
 * R3 (docs/spec.md, docs/checks.md "Relations"): the forward and backward answers of the adjoint
 * relation are transposes of each other, ⟨J t, c⟩ = ⟨t, Jᵀ c⟩, computed in int64 from the backend's
 * own answers (the payloads are integers within the dtypes' exact ranges, so nothing rounds and the
 * two sides must be equal). The payload pair is checked per hidden column h (J acts on every column
 * alike), so a mismatch names its first column and how many more; the probability pairs are one sum.
 */
public final class AdjointCheck implements Check {
    @Override
    public Set<Rule> rules() { return Set.of(Rule.R3); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        CheckContext.Related r = ctx.relation(Relations.ADJOINT);
        if (r == null) return;
        String call = describe(r);
        if (r.failure() != null) {
            out.add(Violation.of(Rule.R3.id(), call + ": " + r.failure()));
            return;
        }
        Invocation fwd = r.calls().get(0), bwd = r.calls().get(1);
        Outputs y = r.results().get(0), g = r.results().get(1);
        switch (fwd.op()) {
            case DISPATCH:
            case SORT_CHUNKS:
                // ⟨dispatch(t), c⟩ over the rows c covers = ⟨t, dispatch_backward(c)⟩ over the tokens (the chunk sort alike)
                payload(out, call, Ports.OUTPUT, y.get(Ports.OUTPUT), bwd.input(Ports.GRAD_OUTPUT), fwd.input(Ports.INP), g.get(Ports.GRAD_INP), null);
                if (fwd.inputs().containsKey(Ports.PROBS)) {
                    scalar(out, call, Ports.PERMUTED_PROBS + " / " + Ports.GRAD_PROBS, y.get(Ports.PERMUTED_PROBS), bwd.input(Ports.GRAD_PERMUTED_PROBS),
                            fwd.input(Ports.PROBS), g.get(Ports.GRAD_PROBS));
                }
                break;
            case COMBINE: {
                Tensor x = fwd.input(Ports.INP);
                boolean[] targeted = targeted(fwd, x.dim(0));
                payload(out, call, Ports.GRAD_INP, y.get(Ports.OUTPUT), bwd.input(Ports.GRAD_OUTPUT), x, g.get(Ports.GRAD_INP), targeted);
                if (fwd.inputs().containsKey(Ports.MERGING_PROBS)) {
                    scalar(out, call, Ports.OUTPUT + " / " + Ports.GRAD_MERGING_PROBS, y.get(Ports.OUTPUT), bwd.input(Ports.GRAD_OUTPUT),
                            fwd.input(Ports.MERGING_PROBS), g.get(Ports.GRAD_MERGING_PROBS));
                }
                break;
            }
            default:
        }
    }

    static String describe(CheckContext.Related r) {
        return "R3 adjoint identity: " + r.calls().stream().map(Invocation::describe).collect(Collectors.joining(" then "));
    }

    /** The rows of a combine's payload its row_id_map (and pad_offsets) reads: the others are unspecified in grad_inp (G3). */
    static boolean[] targeted(Invocation combine, long rows) {
        Tensor map = combine.input(Ports.ROW_ID_MAP);
        Tensor pad = combine.inputs().get(Ports.PAD_OFFSETS);
        long experts = (map.dim(1) - 1) / 2;
        boolean[] t = new boolean[(int) rows];
        for (long tok = 0; tok < map.dim(0); tok++) {
            long n = map.getLong(tok, 2 * experts);
            for (long i = 0; i < n; i++) {
                long src = map.getLong(tok, i) + (pad == null ? 0 : pad.getLong(map.getLong(tok, experts + i)));
                if (src >= 0 && src < rows) t[(int) src] = true;
            }
        }
        return t;
    }

    /**
     * Σ_r fwdOut[r,h]·cot[r,h] against Σ_i in[i,h]·bwdOut[i,h] for every column h: fwdOut is [R, H], cot the
     * cotangent of the same shape (zero where the forward output is unspecified: those rows are skipped),
     * in the forward's input and bwdOut its gradient; {@code rowsOf} (may be null) the rows of in that count.
     */
    private static void payload(List<Violation> out, String call, String port, Tensor fwdOut, Tensor cot, Tensor in, Tensor bwdOut, boolean[] rowsOf) {
        if (!shaped(out, call, "forward output", fwdOut, cot) || !shaped(out, call, "gradient", bwdOut, in)) return;
        long hidden = in.dim(1);
        long[] left = sums(out, call, Ports.OUTPUT, cot, fwdOut, null, true);
        long[] right = left == null ? null : sums(out, call, Ports.GRAD_INP, in, bwdOut, rowsOf, true);
        if (right == null) return;
        long bad = 0, first = -1;
        for (int h = 0; h < hidden; h++) {
            if (left[h] != right[h]) {
                if (first < 0) first = h;
                bad++;
            }
        }
        if (first >= 0) {
            out.add(new Violation(Rule.R3.id(), call + ": <J t, c> != <t, J^T c> in " + bad + " of " + hidden + " columns (" + port + ")",
                    new Mismatch(port, -1, -1, -1, first, "<t, J^T c> = " + right[(int) first] + " (from the backward answer)",
                            "<J t, c> = " + left[(int) first] + " (from the forward answer)"), bad - 1));
        }
    }

    /** The probability pair: Σ fwdOut·cot over every element against Σ in·bwdOut over the elements where in is non-zero. */
    private static void scalar(List<Violation> out, String call, String port, Tensor fwdOut, Tensor cot, Tensor in, Tensor bwdOut) {
        if (!shaped(out, call, port + " forward", fwdOut, cot) || !shaped(out, call, port + " gradient", bwdOut, in)) return;
        long[] leftSum = sums(out, call, port, cot, fwdOut, null, false);
        long[] rightSum = leftSum == null ? null : sums(out, call, port, in, bwdOut, null, false);
        if (rightSum == null) return;
        long left = leftSum[0], right = rightSum[0];
        if (left != right) {
            out.add(new Violation(Rule.R3.id(), call + ": <J p, c> != <p, J^T c> (" + port + ")",
                    new Mismatch(port, -1, -1, -1, -1, "<p, J^T c> = " + right + " (from the backward answer)", "<J p, c> = " + left + " (from the forward answer)"), 0));
        }
    }

    /**
     * Σ weights·values over the elements whose weight is non-zero (values has weights' shape), per column of a
     * [rows, H] pair ({@code perColumn}) or as one sum; {@code rowsOf} (may be null) the rows that count. Null, with
     * the violation added, when a value is not an integer.
     */
    private static long[] sums(List<Violation> out, String call, String port, Tensor weights, Tensor values, boolean[] rowsOf, boolean perColumn) {
        long[] sum = new long[perColumn ? (int) weights.rowElems() : 1];
        for (long i = 0; i < weights.numel(); i++) {
            long r = i / weights.rowElems(), c = i % weights.rowElems();
            if (rowsOf != null && !rowsOf[(int) r]) continue;
            long w = ExactInts.value(weights, r, c);
            if (w == 0) continue;
            long v = ExactInts.value(values, r, c);
            if (v == Long.MIN_VALUE) { notInteger(out, call, port, values, r, c); return null; }
            sum[perColumn ? (int) c : 0] += v * w;
        }
        return sum;
    }

    private static boolean shaped(List<Violation> out, String call, String what, Tensor a, Tensor like) {
        if (a != null && a.sameShape(like.shape()) && a.dtype().isFloat()) return true;
        out.add(Violation.of(Rule.R3.id(), call + ": the " + what + " is " + (a == null ? "missing" : a.dtype() + a.shapeString())
                + ", expected a float tensor of shape " + like.shapeString()));
        return false;
    }

    private static void notInteger(List<Violation> out, String call, String port, Tensor t, long row, long col) {
        out.add(new Violation(Rule.R3.id(), call + ": an integer payload came back as a non-integer",
                new Mismatch(port, -1, -1, row, col, "an integer", ValueText.of(t.dtype(), t.bits(row, col))), 0));
    }
}
