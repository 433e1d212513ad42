package org.permcheck.oracle;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;

/**
 * The oracle's front door: what the contract says a call must return.
 * Dispatches on the op to the reference classes of this package (one class per concept).
 */
public final class Oracle {
    private Oracle() {}

    /**
     * Expected outputs of {@code inv}.
     *
     * @throws org.permcheck.contract.PreconditionViolation when the call is outside the contract
     */
    public static Expected expected(Invocation inv) {
        throw new UnsupportedOperationException("oracle not written yet: " + inv.op());
    }
}
