package org.permcheck.engine.testbackends;

import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.tensor.Tensor;

/** Planted bug: every call raises, so every case it is given is ERROR (one failure signature per op). */
public final class AlwaysErrorBackend extends MutatingBackend {
    @Override
    protected void mutate(Invocation inv, Map<String, Tensor> outputs) {
        throw new IllegalStateException("planted: every call fails");
    }
}
