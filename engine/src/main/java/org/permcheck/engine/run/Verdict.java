package org.permcheck.engine.run;

import org.permcheck.contract.Expected;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.spi.Outputs;

/** A case, its verdict, and the two answers it was judged on (for repro bundles and shrinking). */
public record Verdict(Case testCase, CaseResult result, Expected expected, Outputs actual) {}
