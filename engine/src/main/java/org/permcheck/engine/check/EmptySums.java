package org.permcheck.engine.check;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Op;
import org.permcheck.contract.Rule;
import org.permcheck.oracle.layout.RowIdMap;

/**
 * The elements of a REDUCTION output that sum no term, so that the contract fixes them to exactly
 * +0.0 rather than to a value within the C5 tolerance: combine's rows of tokens routed nowhere
 * (C3), dispatch backward's {@code grad_inp} rows of tokens routed nowhere (G1), combine
 * backward's {@code grad_merging_probs} at non-routed (token, expert) pairs (G4). Read from the
 * oracle's view of the {@code row_id_map} input's valid slots (C4, X6: {@code Oracle.routes}).
 */
final class EmptySums {
    private final Rule rule;
    private final RowIdMap.Routes routes;
    private final boolean perElement;

    private EmptySums(Rule rule, RowIdMap.Routes routes, boolean perElement) {
        this.rule = rule;
        this.routes = routes;
        this.perElement = perElement;
    }

    /** The empty sums of one output, or null when the output has none by construction. */
    static EmptySums of(CheckContext ctx, String output) {
        Op op = ctx.op();
        if (op == Op.COMBINE && output.equals(Ports.OUTPUT)) return new EmptySums(Rule.C3, ctx.routes(), false);
        if (op == Op.DISPATCH_BACKWARD && output.equals(Ports.GRAD_INP)) return new EmptySums(Rule.G1, ctx.routes(), false);
        if (op == Op.COMBINE_BACKWARD && output.equals(Ports.GRAD_MERGING_PROBS)) return new EmptySums(Rule.G4, ctx.routes(), true);
        if (op == Op.MEGATRON_UNPERMUTE && output.equals(Ports.OUTPUT)) return new EmptySums(Rule.Q6, ctx.routes(), false);
        return null;
    }

    /** The rule that says these elements are +0.0. */
    Rule rule() { return rule; }

    /** Whether element (row, col) of the output sums no term: token row routed nowhere, or (G4) not to expert col. */
    boolean at(long row, long col) {
        if (row < 0 || row >= routes.numTokens()) return false;
        return perElement ? !routes.routed((int) row, (int) col) : routes.count((int) row) == 0;
    }
}
