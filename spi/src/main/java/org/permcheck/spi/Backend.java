package org.permcheck.spi;

import org.permcheck.contract.Invocation;

/**
 * What a backend implements: describe itself, then run one call at a time.
 *
 * <p>A backend may throw {@link NotSupportedException} for a call it does not implement (reported
 * as NOT_SUPPORTED, never as a pass). Any other exception is reported as ERROR. The engine owns
 * time limits and isolation; a backend need not guard against its own hangs.
 */
public interface Backend extends AutoCloseable {

    BackendInfo info();

    /** Runs one call. The returned tensors must be fresh (not aliased with the inputs). */
    Outputs run(Invocation invocation) throws Exception;

    /**
     * Called from another thread when a call overruns the engine's per-case limit. A subprocess
     * backend kills its process here; an in-process one may ignore it (the engine abandons the call).
     */
    default void cancel() {}

    @Override
    default void close() throws Exception {}
}
