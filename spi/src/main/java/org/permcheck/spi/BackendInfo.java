package org.permcheck.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who a backend is, and what it claims to do.
 *
 * @param name         short name ("cpu", "cuda", the protocol adapter's own name)
 * @param version      the implementation's version
 * @param device       what it runs on, in words ("NVIDIA H100 80GB HBM3", "CPU, 2 threads")
 * @param capabilities what it implements; calls outside it are reported NOT_SUPPORTED
 * @param unavailable  present when the backend cannot run at all here (no GPU, no driver), with the reason
 * @param details      anything else worth recording in a report (driver version, PTX ISA, JDK)
 */
public record BackendInfo(String name, String version, String device, Capabilities capabilities,
                          Optional<String> unavailable, Map<String, String> details) {
    public BackendInfo {
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public boolean available() { return unavailable.isEmpty(); }
}
