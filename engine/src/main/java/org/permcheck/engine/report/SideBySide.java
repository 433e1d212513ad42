package org.permcheck.engine.report;

import java.util.Locale;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Port;
import org.permcheck.contract.Op;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Violation;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.Tensor;

/**
 * Small outputs shown whole in a bundle's mismatch.txt (issue 13, "show the tensors"): expected and
 * actual side by side, row by row, a differing element marked {@code *}, an unspecified one
 * {@code .} (never compared, docs/checks.md section 2), so a port author sees reversed columns or a
 * shifted row without loading .npy files. Only outputs a violation points at, of rank 1 or 2, at
 * most {@link #MAX_ROWS} rows and {@link #MAX_COLS} columns, with the same shape on both sides.
 */
final class SideBySide {
    static final int MAX_ROWS = 32;
    static final int MAX_COLS = 16;

    private SideBySide() {}

    static String render(Op op, CaseResult result, Expected expected, Outputs actual) {
        if (expected == null || actual == null) return "";
        StringBuilder sb = new StringBuilder();
        java.util.Set<String> shown = new java.util.LinkedHashSet<>();
        for (Violation v : result.violations()) if (v.first() != null) shown.add(v.first().output());
        for (String name : shown) {
            Tensor e = expected.values().get(name), a = actual.tensors().get(name);
            if (e == null || a == null || e.rank() < 1 || e.rank() > 2 || !java.util.Arrays.equals(e.shape(), a.shape())) continue;
            long rows = e.rank() == 1 ? 1 : e.dim(0), cols = e.rank() == 1 ? e.dim(0) : e.dim(1);
            if (rows > MAX_ROWS || cols > MAX_COLS) continue;
            Tensor mask = expected.specified().get(name);
            boolean reduction = op.output(name).kind() == Port.Kind.REDUCTION; // a real output: expected holds it
            sb.append('\n').append("output '").append(name).append("' ").append(e.dtype()).append(java.util.Arrays.toString(e.shape()))
              .append(": expected | actual (* bits differ").append(reduction ? ", within tolerance or not: docs/checks.md section 3" : "")
              .append("; . unspecified, never compared)\n");
            for (long r = 0; r < rows; r++) {
                StringBuilder left = new StringBuilder(), right = new StringBuilder();
                for (long c = 0; c < cols; c++) {
                    long flat = r * cols + c;
                    boolean specified = specified(mask, e, r, flat);
                    boolean differs = e.bits(flat) != a.bits(flat);
                    String mark = !specified ? "." : differs ? "*" : " ";
                    left.append(String.format(Locale.ROOT, "%10s ", value(e, flat)));
                    right.append(String.format(Locale.ROOT, "%10s%s", value(a, flat), mark));
                }
                sb.append(String.format(Locale.ROOT, "%4d  ", r)).append(left).append("| ").append(right).append('\n');
            }
        }
        return sb.toString();
    }

    /** A per-element mask (same element count), a per-row mask (one per row), or none (all specified). */
    private static boolean specified(Tensor mask, Tensor t, long row, long flat) {
        if (mask == null) return true;
        if (mask.numel() == t.numel()) return mask.getLong(flat) != 0;
        if (t.rank() == 2 && mask.numel() == t.dim(0)) return mask.getLong(row) != 0;
        return true;
    }

    private static String value(Tensor t, long flat) {
        if (!t.dtype().isFloat()) return Long.toString(t.getLong(flat));
        double v = t.getF64(flat);
        if (v == 0 && Double.doubleToRawLongBits(v) != 0) return "-0";
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.5g", v);
    }
}
