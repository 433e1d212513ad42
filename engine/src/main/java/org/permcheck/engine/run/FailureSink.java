package org.permcheck.engine.run;

import org.permcheck.contract.Expected;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.spi.Outputs;

/**
 * Receives every case that did not pass (FAIL, ERROR, TIMEOUT, CRASH, HARNESS_ERROR), after
 * shrinking, so a repro bundle can be written. What it returns is recorded as the result's
 * {@code reproDir}.
 */
@FunctionalInterface
public interface FailureSink {
    FailureSink NONE = (c, expected, actual, result) -> null;

    /**
     * @param failingCase the case as run (for a shrunk fuzz failure: the minimal case)
     * @param expected    the oracle's answer, or null when the oracle rejected the case
     * @param actual      the backend's answer, or null when it gave none
     * @param result      the verdict
     * @return where the bundle went, or null
     */
    String write(Case failingCase, Expected expected, Outputs actual, CaseResult result) throws Exception;
}
