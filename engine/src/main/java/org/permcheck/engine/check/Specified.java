package org.permcheck.engine.check;

import org.permcheck.contract.Expected;
import org.permcheck.tensor.Tensor;

/**
 * The oracle's {@code specified} mask of one output: one flag per row, one per element, or none
 * (everything specified). Unspecified parts are never compared.
 */
final class Specified {
    private final Tensor mask;
    private final boolean perRow;

    private Specified(Tensor mask, boolean perRow) {
        this.mask = mask;
        this.perRow = perRow;
    }

    static Specified of(Expected expected, String output, Tensor value) {
        Tensor m = expected.specified().get(output);
        if (m == null) return new Specified(null, true);
        boolean perRow = m.numel() != value.numel() || (m.rank() == 1 && value.rank() > 1);
        return new Specified(m, perRow);
    }

    /** Whether any element of the row is specified. */
    boolean row(long row) {
        if (mask == null) return true;
        if (perRow) return mask.bits(row) != 0;
        for (long c = 0; c < mask.rowElems(); c++) if (mask.bits(row, c) != 0) return true;
        return false;
    }

    /** Whether every element of the row is specified (then a whole-row byte compare is enough). */
    boolean wholeRow(long row) {
        if (mask == null) return true;
        if (perRow) return mask.bits(row) != 0;
        for (long c = 0; c < mask.rowElems(); c++) if (mask.bits(row, c) == 0) return false;
        return true;
    }

    boolean element(long row, long col) {
        if (mask == null) return true;
        if (perRow) return mask.bits(row) != 0;
        return mask.bits(row, col) != 0;
    }
}
