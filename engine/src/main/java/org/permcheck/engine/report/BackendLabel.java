package org.permcheck.engine.report;

import java.util.Map;

import org.permcheck.engine.model.RunInfo;

/** How reports name the backend of a run, from {@link RunInfo#backend()} (keys name, version, device). */
final class BackendLabel {
    private BackendLabel() {}

    /** The name to pass to --backend when replaying ("cpu", "cuda", "exec:..."). */
    static String name(RunInfo info) {
        Map<String, String> b = info.backend();
        return b.getOrDefault("selector", b.getOrDefault("name", "cpu"));
    }

    /** "cuda 0.1 on NVIDIA H100". */
    static String describe(RunInfo info) {
        Map<String, String> b = info.backend();
        StringBuilder sb = new StringBuilder(b.getOrDefault("name", "?"));
        if (b.containsKey("version")) sb.append(' ').append(b.get("version"));
        if (b.containsKey("device")) sb.append(" on ").append(b.get("device"));
        return sb.toString();
    }
}
