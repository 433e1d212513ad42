package org.permcheck.engine.check;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Op;
import org.permcheck.engine.model.Mismatch;
import org.permcheck.tensor.Tensor;

/**
 * Turns (output, row, column) into a {@link Mismatch} in the terms of the contract: the token and
 * expert a row belongs to, where that is known.
 */
final class Positions {
    private Positions() {}

    static Mismatch mismatch(CheckContext ctx, String output, long row, long col, String expected, String actual) {
        long token = -1;
        long expert = -1;
        Op op = ctx.op();
        if (op == Op.DISPATCH && (output.equals(Ports.OUTPUT) || output.equals(Ports.PERMUTED_PROBS))) {
            token = ctx.layout().token(row);
            expert = ctx.layout().expert(row);
        } else if (op == Op.COMBINE_BACKWARD && output.equals(Ports.GRAD_INP)) {
            token = ctx.routes().sourceToken(row);
            expert = ctx.routes().sourceExpert(row);
        } else if (tokenByExpert(op, output)) {
            token = row;
            expert = col;
        } else if (tokenRows(op, output)) {
            token = row;
        } else if (op == Op.DISPATCH && output.equals(Ports.ROW_ID_MAP)) {
            token = row;
            Tensor e = ctx.expectedValue(Ports.ROW_ID_MAP);
            long experts = (e.dim(1) - 1) / 2;
            if (col < experts) expert = e.getLong(row, experts + col);
            else if (col < 2 * experts) expert = e.getLong(row, col);
        } else if (op == Op.DISPATCH && (output.equals(Ports.TOKENS_PER_EXPERT) || output.equals(Ports.PAD_OFFSETS))) {
            expert = row;
        }
        Tensor t = ctx.expectedValue(output);
        long column = t != null && t.rank() <= 1 ? -1 : col;
        return new Mismatch(output, token, expert, row, column, expected, actual);
    }

    private static boolean tokenByExpert(Op op, String output) {
        return (op == Op.DISPATCH_BACKWARD && output.equals(Ports.GRAD_PROBS))
                || (op == Op.COMBINE_BACKWARD && output.equals(Ports.GRAD_MERGING_PROBS));
    }

    private static boolean tokenRows(Op op, String output) {
        return (op == Op.COMBINE && output.equals(Ports.OUTPUT)) || (op == Op.DISPATCH_BACKWARD && output.equals(Ports.GRAD_INP))
                || (op == Op.MEGATRON_UNPERMUTE && output.equals(Ports.OUTPUT));
    }
}
