package org.permcheck.engine.run;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * How a run is made. Start from {@link #defaults()} and change what you need with the
 * {@code with...} methods.
 *
 * @param tier          recorded in the run info ("quick", "full", "fuzz", "replay")
 * @param caseTimeout   per-case limit for one backend call; on overrun the backend is cancelled,
 *                      the case is TIMEOUT and the backend is re-created for the next case
 * @param determinism   run every case twice and compare DATA/INDEX outputs bit for bit (R1)
 * @param roundTrip     after each dispatch, combine the backend's own output with 1/n weights (C2)
 * @param expectations  the backend's expected failures and skips
 * @param progress      told after every case
 * @param failureSink   told about every non-passing case (repro bundles)
 * @param log           one-line messages (the seed of a fuzz run, shrinking progress)
 * @param commandLine   the command line as typed, for the run info
 * @param suiteVersion  permcheck's version, for the run info
 * @param gitCommit     the suite's commit, for the run info
 * @param shard         the shard this run covers (recorded; the case lists are already sharded)
 * @param control       stops the run between cases and receives its checkpoints
 */
public record RunOptions(String tier, Duration caseTimeout, boolean determinism, boolean roundTrip,
                         Expectations expectations, ProgressListener progress, FailureSink failureSink,
                         Consumer<String> log, List<String> commandLine, String suiteVersion, String gitCommit,
                         Shard shard, RunControl control) {

    public RunOptions {
        commandLine = List.copyOf(commandLine);
    }

    public static RunOptions defaults() {
        return new RunOptions("quick", Duration.ofSeconds(60), true, true, Expectations.none(), ProgressListener.NONE,
                FailureSink.NONE, line -> {}, List.of(), "0.1.0-SNAPSHOT", "unknown", Shard.ALL, RunControl.none());
    }

    public RunOptions withTier(String v) { return new RunOptions(v, caseTimeout, determinism, roundTrip, expectations, progress, failureSink, log, commandLine, suiteVersion, gitCommit, shard, control); }

    public RunOptions withCaseTimeout(Duration v) { return new RunOptions(tier, v, determinism, roundTrip, expectations, progress, failureSink, log, commandLine, suiteVersion, gitCommit, shard, control); }

    public RunOptions withDeterminism(boolean v) { return new RunOptions(tier, caseTimeout, v, roundTrip, expectations, progress, failureSink, log, commandLine, suiteVersion, gitCommit, shard, control); }

    public RunOptions withRoundTrip(boolean v) { return new RunOptions(tier, caseTimeout, determinism, v, expectations, progress, failureSink, log, commandLine, suiteVersion, gitCommit, shard, control); }

    public RunOptions withExpectations(Expectations v) { return new RunOptions(tier, caseTimeout, determinism, roundTrip, v, progress, failureSink, log, commandLine, suiteVersion, gitCommit, shard, control); }

    public RunOptions withProgress(ProgressListener v) { return new RunOptions(tier, caseTimeout, determinism, roundTrip, expectations, v, failureSink, log, commandLine, suiteVersion, gitCommit, shard, control); }

    public RunOptions withFailureSink(FailureSink v) { return new RunOptions(tier, caseTimeout, determinism, roundTrip, expectations, progress, v, log, commandLine, suiteVersion, gitCommit, shard, control); }

    public RunOptions withLog(Consumer<String> v) { return new RunOptions(tier, caseTimeout, determinism, roundTrip, expectations, progress, failureSink, v, commandLine, suiteVersion, gitCommit, shard, control); }

    public RunOptions withCommandLine(List<String> v) { return new RunOptions(tier, caseTimeout, determinism, roundTrip, expectations, progress, failureSink, log, v, suiteVersion, gitCommit, shard, control); }

    public RunOptions withSuiteVersion(String v) { return new RunOptions(tier, caseTimeout, determinism, roundTrip, expectations, progress, failureSink, log, commandLine, v, gitCommit, shard, control); }

    public RunOptions withGitCommit(String v) { return new RunOptions(tier, caseTimeout, determinism, roundTrip, expectations, progress, failureSink, log, commandLine, suiteVersion, v, shard, control); }

    public RunOptions withShard(Shard v) { return new RunOptions(tier, caseTimeout, determinism, roundTrip, expectations, progress, failureSink, log, commandLine, suiteVersion, gitCommit, v, control); }

    public RunOptions withControl(RunControl v) { return new RunOptions(tier, caseTimeout, determinism, roundTrip, expectations, progress, failureSink, log, commandLine, suiteVersion, gitCommit, shard, v); }
}
