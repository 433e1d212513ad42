package org.permcheck.engine.run;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.oracle.Oracle;

/**
 * The oracle's answer to a call, or why there is none (a HARNESS_ERROR: our bug, never the
 * backend's), or, for a precondition probe, the X rule the oracle refused it under.
 *
 * @param violated the rule of the oracle's PreconditionViolation, null when it answered or failed otherwise
 */
record OracleAnswer(Expected expected, String harnessError, String violated) {

    static OracleAnswer of(Invocation inv) {
        InFlight.set("computing the oracle's answer to " + inv.describe());
        try {
            return new OracleAnswer(Oracle.expected(inv), null, null);
        } catch (PreconditionViolation e) {
            return new OracleAnswer(null, "the oracle rejected a generated case (generator bug): " + e.getMessage(), e.rule());
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return new OracleAnswer(null, "oracle failed: " + BackendSession.oneLine(e), null);
        }
    }

    /**
     * For a probe meant to violate {@code rule}: null when the oracle refused it under exactly that
     * rule, else why the probe is a generator bug (a HARNESS_ERROR).
     */
    String probeProblem(String rule) {
        if (rule.equals(violated)) return null;
        if (expected != null) return "the probe is meant to violate " + rule + " but the oracle accepts it (probe generator bug)";
        if (violated != null) return "the probe is meant to violate " + rule + " but the oracle refuses it under " + violated + " (probe generator bug): " + harnessError;
        return "the probe is meant to violate " + rule + " but " + harnessError;
    }
}
