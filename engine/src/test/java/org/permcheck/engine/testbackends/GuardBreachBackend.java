package org.permcheck.engine.testbackends;

import java.util.List;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.GuardBreach;
import org.permcheck.spi.Outputs;

/**
 * Planted bug: correct outputs, but every answer with an {@code output} reports 64 guard bytes
 * changed 16 bytes past its end (a kernel that writes a little past its buffer on every call). B2
 * must fail on every such case, valid or probe, while every other check passes.
 */
public final class GuardBreachBackend implements Backend {
    private final CpuBackend cpu = new CpuBackend();

    @Override
    public BackendInfo info() { return cpu.info(); }

    @Override
    public Outputs run(Invocation inv) {
        Outputs o = cpu.run(inv);
        if (!o.tensors().containsKey(Ports.OUTPUT)) return o;
        return new Outputs(o.tensors(), List.of(new GuardBreach(Ports.OUTPUT, 16, 64)));
    }
}
