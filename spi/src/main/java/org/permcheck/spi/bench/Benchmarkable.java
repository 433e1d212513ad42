package org.permcheck.spi.bench;

import java.util.List;

/**
 * Optional: a backend that can time its own kernels implements this, and {@code permcheck bench
 * --backend NAME} reports what it returns beside the oracle and CPU rows.
 *
 * <p>Why a hook and not timing {@link org.permcheck.spi.Backend#run} from outside: a device backend's honest time is
 * the kernel's (events around the launch, data already resident), and only the backend can take it.
 * Each row carries its own baseline (a plain copy of the same byte count on the same device, in the
 * same run), so the report can state a ratio that does not depend on the machine.
 */
public interface Benchmarkable {

    /** Measures the subjects this backend offers for the requested shape; one row per subject. */
    List<BenchRow> bench(BenchRequest request) throws Exception;
}
