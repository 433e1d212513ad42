package org.permcheck.cuda;

import org.permcheck.engine.tck.BackendTck;
import org.permcheck.spi.Backend;

/**
 * The CUDA backend through the engine's TCK: every vector (the tck-vectors jar) and quick-tier case is one dynamic test. On a GPU
 * each must pass; without one the backend is unavailable and every test is skipped (never passed).
 */
class CudaBackendTckTest extends BackendTck {
    @Override
    protected Backend createBackend() { return new CudaBackend(); }
}
