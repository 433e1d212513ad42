package org.permcheck.engine.check;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Op;
import org.permcheck.contract.Rule;

/**
 * Which rule of docs/spec.md defines each output of each op: the rule a missing output, a wrong
 * dtype or shape ({@link #of}) and, unless a check knows a more specific one, wrong values
 * ({@link #ofValues}) are cited under.
 */
final class OutputRules {
    private OutputRules() {}

    /** The rule an output's presence, dtype and shape are judged under. */
    static Rule of(Op op, String output, boolean padded) {
        switch (op) {
            case DISPATCH:
                switch (output) {
                    case Ports.OUTPUT: return padded ? Rule.P3 : Rule.D5;
                    case Ports.PERMUTED_PROBS: return Rule.D4;
                    case Ports.ROW_ID_MAP: return Rule.M1;
                    case Ports.PAD_OFFSETS: return Rule.P4;
                    case Ports.TOKENS_PER_EXPERT: return Rule.N1;
                    default: return Rule.D2;
                }
            case COMBINE: return Rule.C1;
            case DISPATCH_BACKWARD: return output.equals(Ports.GRAD_PROBS) ? Rule.G2 : Rule.G1;
            case COMBINE_BACKWARD: return output.equals(Ports.GRAD_MERGING_PROBS) ? Rule.G4 : Rule.G3;
            case SORT_CHUNKS: return output.equals(Ports.ROW_ID_MAP) ? Rule.S1 : Rule.S2;
            case SORT_CHUNKS_BACKWARD: return Rule.S3;
            case RAGGED_A2A_PARAMS: return Rule.A1;
            case REVERSE_RAGGED_A2A_PARAMS: return Rule.A2;
            case LOCAL_PERMUTE_AFTER_A2A: return Rule.A3;
            case LOCAL_UNPERMUTE_BEFORE_A2A: return Rule.A4;
            default: throw new IllegalArgumentException(op.toString());
        }
    }

    /** The rule an output's values are compared under (pad_offsets: P1, its formula, not P4, its presence). */
    static Rule ofValues(Op op, String output, boolean padded) {
        if (op == Op.DISPATCH && output.equals(Ports.PAD_OFFSETS)) return Rule.P1;
        return of(op, output, padded);
    }
}
