package org.permcheck.engine.run;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.oracle.Oracle;

/** The oracle's answer to a call, or why there is none (a HARNESS_ERROR: our bug, never the backend's). */
record OracleAnswer(Expected expected, String harnessError) {

    static OracleAnswer of(Invocation inv) {
        InFlight.set("computing the oracle's answer to " + inv.describe());
        try {
            return new OracleAnswer(Oracle.expected(inv), null);
        } catch (PreconditionViolation e) {
            return new OracleAnswer(null, "the oracle rejected a generated case (generator bug): " + e.getMessage());
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return new OracleAnswer(null, "oracle failed: " + BackendSession.oneLine(e));
        }
    }
}
