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
 * @param shard        the slice of the tier this run covered, "i/n" as typed after --shard ("0/1": the whole tier)
 */
public record RunInfo(String suiteVersion, String gitCommit, List<String> commandLine, String tier, List<Long> seeds,
                      Map<String, String> backend, String jdk, String startedAt, long wallMillis, VectorSetPin vectorSet,
                      String shard) {
    /** The shard of a run that covered its whole case list. */
    public static final String WHOLE = "0/1";
    /** The key of the --backend selector in {@link #backend} (the CLI records it; replay commands and report merge read it). */
    public static final String SELECTOR = "selector";
    /** The key of the determinism levels the backend declared per op in {@link #backend} (R1; summary.md shows it). */
    public static final String DETERMINISM = "determinism";

    public RunInfo {
        if (shard == null) shard = WHOLE;
    }

    /** A run info without vectors. */
    public RunInfo(String suiteVersion, String gitCommit, List<String> commandLine, String tier, List<Long> seeds,
                   Map<String, String> backend, String jdk, String startedAt, long wallMillis) {
        this(suiteVersion, gitCommit, commandLine, tier, seeds, backend, jdk, startedAt, wallMillis, null, WHOLE);
    }

    public RunInfo withVectorSet(VectorSetPin pin) {
        return new RunInfo(suiteVersion, gitCommit, commandLine, tier, seeds, backend, jdk, startedAt, wallMillis, pin, shard);
    }

    public RunInfo withSeeds(List<Long> newSeeds) {
        return new RunInfo(suiteVersion, gitCommit, commandLine, tier, newSeeds, backend, jdk, startedAt, wallMillis, vectorSet, shard);
    }

    public RunInfo withBackend(Map<String, String> newBackend) {
        return new RunInfo(suiteVersion, gitCommit, commandLine, tier, seeds, newBackend, jdk, startedAt, wallMillis, vectorSet, shard);
    }

    public RunInfo withShard(String newShard) {
        return new RunInfo(suiteVersion, gitCommit, commandLine, tier, seeds, backend, jdk, startedAt, wallMillis, vectorSet, newShard);
    }

    public RunInfo withCommandLine(List<String> newCommandLine) {
        return new RunInfo(suiteVersion, gitCommit, newCommandLine, tier, seeds, backend, jdk, startedAt, wallMillis, vectorSet, shard);
    }
}
