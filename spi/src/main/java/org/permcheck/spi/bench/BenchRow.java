package org.permcheck.spi.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured subject.
 *
 * @param subject       what was timed ("cuda token_dispatch kernel", "oracle token_dispatch")
 * @param shape         the request's {@link BenchRequest#describe()}
 * @param bytes         output bytes the subject writes (the baseline copies this many)
 * @param nanos         median wall time of the subject
 * @param baselineNanos median time of a plain copy of {@code bytes} bytes on the same device in the
 *                      same run (System.arraycopy on the CPU, cuMemcpyDtoD on a GPU)
 * @param baseline      what the baseline was ("System.arraycopy", "cuMemcpyDtoD")
 * @param peakBytes     peak memory the subject needed (heap or device), or -1 when not measured
 * @param notes         anything else worth a column (device name, cases/s, ...)
 */
public record BenchRow(String subject, String shape, long bytes, long nanos, long baselineNanos, String baseline,
                       long peakBytes, Map<String, String> notes) {
    public BenchRow {
        notes = Collections.unmodifiableMap(new LinkedHashMap<>(notes));
    }

    /** Subject time over baseline time: the machine-independent number a target is stated in. */
    public double ratio() {
        return baselineNanos <= 0 ? Double.NaN : (double) nanos / baselineNanos;
    }
}
