package org.permcheck.engine.check;

import java.util.List;

import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Mismatch;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

/** Collects the mismatches of one rule: keeps the first, counts the rest, then emits one violation. */
final class MismatchCounter {
    private final Rule rule;
    private Mismatch first;
    private long count;

    MismatchCounter(Rule rule) { this.rule = rule; }

    void add(Mismatch m) {
        if (first == null) first = m;
        count++;
    }

    long count() { return count; }

    /**
     * Adds one mismatch per element of the integer output {@code name} whose value is not the oracle's, compared at
     * every flat index (the two of one shape); returns this counter, to emit.
     */
    MismatchCounter addDiffering(CheckContext ctx, String name, Tensor expected, Tensor actual) {
        for (long i = 0; i < expected.numel(); i++) {
            long e = expected.getLong(i), a = actual.getLong(i);
            if (e != a) add(Positions.mismatch(ctx, name, i, 0, Long.toString(e), Long.toString(a)));
        }
        return this;
    }

    /** Emits the violation, if any, with the message "{call}: {what} ({count} of {total} {unit})". */
    void emitTo(List<Violation> out, String call, String what, long total, String unit) {
        if (count == 0) return;
        out.add(new Violation(rule.id(), call + ": " + what + " (" + count + " of " + total + " " + unit + ")", first, count - 1));
    }
}
