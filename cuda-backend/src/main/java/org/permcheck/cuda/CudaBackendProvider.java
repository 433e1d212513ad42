package org.permcheck.cuda;

import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendProvider;

/** {@code --backend cuda}: found through META-INF/services. */
public final class CudaBackendProvider implements BackendProvider {
    @Override
    public String name() { return "cuda"; }

    @Override
    public String description() { return "NVIDIA GPU through JCuda (PTX kernels compiled ahead of time); NOT_SUPPORTED without a GPU"; }

    @Override
    public Backend create() { return new CudaBackend(); }
}
