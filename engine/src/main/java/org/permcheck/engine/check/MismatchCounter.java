package org.permcheck.engine.check;

import java.util.List;

import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Mismatch;
import org.permcheck.engine.model.Violation;

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

    boolean any() { return count > 0; }

    /** Emits the violation, if any, with the message "{call}: {what} ({count} of {total} {unit})". */
    void emitTo(List<Violation> out, String call, String what, long total, String unit) {
        if (count == 0) return;
        out.add(new Violation(rule.id(), call + ": " + what + " (" + count + " of " + total + " " + unit + ")", first, count - 1));
    }
}
