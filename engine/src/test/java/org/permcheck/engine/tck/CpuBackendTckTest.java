package org.permcheck.engine.tck;

import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.spi.Backend;

/**
 * The CPU backend through the TCK: every quick-tier case is one test and must pass. The vectors are
 * the TCK's default, the {@code permcheck-tck-vectors} jar on the test class path, as a backend in
 * another repository gets them.
 */
class CpuBackendTckTest extends BackendTck {
    @Override
    protected Backend createBackend() { return new CpuBackend(); }
}
