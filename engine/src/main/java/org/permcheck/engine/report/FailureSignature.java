package org.permcheck.engine.report;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Mismatch;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;

/**
 * What makes two failures "the same bug" for bundling and reporting: the op, the status, and for
 * a FAIL the rule of the first violation and the output of its first mismatch ("-" when the
 * violation is not positional). A backend that breaks one rule everywhere has one signature, not
 * thousands of cases worth a bundle each.
 */
public record FailureSignature(String op, Status status, String rule, String output) implements Comparable<FailureSignature> {

    public static FailureSignature of(CaseResult r) {
        if (r.status() != Status.FAIL || r.violations().isEmpty()) return new FailureSignature(r.op(), r.status(), "-", "-");
        Violation v = r.violations().get(0);
        Mismatch m = v.first();
        return new FailureSignature(r.op(), r.status(), v.rule(), m == null ? "-" : m.output());
    }

    /** "token_dispatch FAIL [D3] output", "token_combine CRASH". */
    public String label() {
        return op + " " + status + (status == Status.FAIL ? " [" + rule + "] " + output : "");
    }

    @Override
    public int compareTo(FailureSignature o) { return label().compareTo(o.label()); }
}
