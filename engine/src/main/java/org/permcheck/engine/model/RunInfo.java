package org.permcheck.engine.model;

import java.util.List;
import java.util.Map;

/**
 * Enough to reproduce a run: what ran, against what, how.
 *
 * @param suiteVersion permcheck's version
 * @param gitCommit    the suite's commit, or "unknown"
 * @param commandLine  the command line as typed
 * @param tier         "quick", "full", "fuzz", ...
 * @param seeds        every seed used
 * @param backend      backend name, version, device and details
 * @param jdk          java.version and vendor
 * @param startedAt    ISO-8601 instant
 * @param wallMillis   duration of the whole run
 * @param vectorSet    the pin of the vector set the run judged, or null when no vector ran
 */
public record RunInfo(String suiteVersion, String gitCommit, List<String> commandLine, String tier, List<Long> seeds,
                      Map<String, String> backend, String jdk, String startedAt, long wallMillis, VectorSetPin vectorSet) {
    /** A run info without vectors. */
    public RunInfo(String suiteVersion, String gitCommit, List<String> commandLine, String tier, List<Long> seeds,
                   Map<String, String> backend, String jdk, String startedAt, long wallMillis) {
        this(suiteVersion, gitCommit, commandLine, tier, seeds, backend, jdk, startedAt, wallMillis, null);
    }

    public RunInfo withVectorSet(VectorSetPin pin) {
        return new RunInfo(suiteVersion, gitCommit, commandLine, tier, seeds, backend, jdk, startedAt, wallMillis, pin);
    }
}
