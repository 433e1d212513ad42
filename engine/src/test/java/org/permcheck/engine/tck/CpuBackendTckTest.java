package org.permcheck.engine.tck;

import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.spi.Backend;

/** The CPU backend through the TCK: every quick-tier case is one test and must pass. */
class CpuBackendTckTest extends BackendTck {
    @Override
    protected Backend createBackend() { return new CpuBackend(); }

    @Override
    protected java.nio.file.Path vectors() { return java.nio.file.Path.of("..", "vectors"); }
}
