package org.permcheck.engine.exec;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.OutputShape;
import org.permcheck.contract.Port;

/**
 * The largest output file the engine reads for one output of one case (docs/protocol.md section 5),
 * derived from the output shape the model declares for that port ({@link Port#shape()}):
 * {@code FLOOR + FACTOR * maxElements * 8}. Every correct answer fits (OutputBudgetTest proves it
 * against the oracle); a runaway file is refused before a byte of it is kept.
 */
final class OutputBudget {
    private OutputBudget() {}

    /** Room for the .npy header (at most a few hundred bytes) and for tiny outputs. */
    static final long FLOOR = 64 * 1024;
    /** Slack over the declared bound, so that a bound off by a little is never a false ERROR. */
    static final long FACTOR = 2;

    /** The byte limit for the file of output {@code port} of {@code inv}. */
    static long bytesFor(Invocation inv, Port port) {
        long elems = Math.max(0, port.shape().maxElements(inv));
        long bytes;
        try {
            bytes = Math.multiplyExact(Math.multiplyExact(elems, OutputShape.MAX_ELEMENT_BYTES), FACTOR);
            return Math.addExact(bytes, FLOOR);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }
}
