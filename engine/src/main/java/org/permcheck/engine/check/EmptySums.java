package org.permcheck.engine.check;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Op;
import org.permcheck.contract.Rule;
import org.permcheck.tensor.Tensor;

/**
 * The elements of a REDUCTION output that sum no term, so that the contract fixes them to exactly
 * +0.0 rather than to a value within the C5 tolerance: combine's rows of tokens routed nowhere
 * (C3), dispatch backward's {@code grad_inp} rows of tokens routed nowhere (G1), combine
 * backward's {@code grad_merging_probs} at non-routed (token, expert) pairs (G4). Read from the
 * {@code row_id_map} input's valid slots (C4), which the preconditions (X6) make trustworthy.
 */
final class EmptySums {
    private final Rule rule;
    private final Tensor map;
    private final boolean perElement;

    private EmptySums(Rule rule, Tensor map, boolean perElement) {
        this.rule = rule;
        this.map = map;
        this.perElement = perElement;
    }

    /** The empty sums of one output, or null when the output has none by construction. */
    static EmptySums of(CheckContext ctx, String output) {
        Tensor map = ctx.invocation().inputs().get(Ports.ROW_ID_MAP);
        if (map == null || map.rank() != 2 || map.dim(1) % 2 != 1) return null;
        Op op = ctx.op();
        if (op == Op.COMBINE && output.equals(Ports.OUTPUT)) return new EmptySums(Rule.C3, map, false);
        if (op == Op.DISPATCH_BACKWARD && output.equals(Ports.GRAD_INP)) return new EmptySums(Rule.G1, map, false);
        if (op == Op.COMBINE_BACKWARD && output.equals(Ports.GRAD_MERGING_PROBS)) return new EmptySums(Rule.G4, map, true);
        return null;
    }

    /** The rule that says these elements are +0.0. */
    Rule rule() { return rule; }

    /** Whether element (row, col) of the output sums no term. */
    boolean at(long row, long col) {
        if (row < 0 || row >= map.dim(0)) return false;
        long experts = (map.dim(1) - 1) / 2;
        long n = map.getLong(row, 2 * experts);
        if (!perElement) return n == 0;
        for (long i = 0; i < n && i < experts; i++) if (map.getLong(row, experts + i) == col) return false;
        return true; // (token, expert) not routed: G4's "+0.0 otherwise"
    }
}
