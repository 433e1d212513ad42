package org.permcheck.engine.testbackends;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.Tensor;

/**
 * A deliberately broken backend for harness tests: the CPU backend's answer with one planted bug
 * applied by {@link #mutate}. The suite must catch each one under the right rule.
 */
public abstract class MutatingBackend implements Backend {
    private final CpuBackend cpu = new CpuBackend();

    @Override
    public BackendInfo info() { return cpu.info(); }

    @Override
    public Outputs run(Invocation inv) {
        Outputs o = cpu.run(inv);
        Map<String, Tensor> m = new LinkedHashMap<>(o.tensors());
        mutate(inv, m);
        return new Outputs(m);
    }

    /** Plants the bug into the outputs (a mutable copy of the map). */
    protected abstract void mutate(Invocation inv, Map<String, Tensor> outputs);
}
