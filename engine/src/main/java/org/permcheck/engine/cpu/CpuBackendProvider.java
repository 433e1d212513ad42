package org.permcheck.engine.cpu;

import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendProvider;

/** Registers the CPU backend as "cpu" (META-INF/services/org.permcheck.spi.BackendProvider). */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String name() { return "cpu"; }

    @Override
    public String description() { return "embedded CPU implementation (every op, both profiles, all dtypes)"; }

    @Override
    public Backend create() { return new CpuBackend(); }
}
