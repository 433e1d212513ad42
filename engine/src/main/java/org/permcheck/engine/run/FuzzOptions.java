package org.permcheck.engine.run;

import java.security.SecureRandom;
import java.time.Duration;

import org.permcheck.engine.fuzz.SizeClass;
import org.permcheck.engine.fuzz.SizeMix;

/**
 * A fuzz run: cases "fuzz/seed={seed}/{i}" ("fuzz:{size mix}/seed=..." when not the legacy SMALL draw,
 * {@link Fuzzer#prefix}) for i = 0, 1, ... in the shard, until {@code maxCases}
 * cases ran, {@code budget} is spent, or {@code untilFailures} cases broke conformance (whichever
 * first; each may be absent: 0 / null / 0). Reaching any of them ends the run complete (only a stop,
 * a signal, makes it INCOMPLETE).
 *
 * @param seed        the run seed (printed and recorded; the same seed replays the same cases)
 * @param maxCases    cases to run in this shard, 0 = no limit
 * @param budget      wall-clock budget, null = no limit
 * @param sizes       the size classes to draw and their bounds (SizeMix; legacy SMALL by default)
 * @param shard       which cases this process runs
 * @param shrink      shrink failures to a minimal case
 * @param maxShrinks  shrink at most this many failures (shrinking costs many backend calls)
 * @param shrinkTries candidate cases tried per shrink
 * @param untilFailures stop after this many cases that break conformance, 0 = no limit (fuzz --until-failures)
 */
public record FuzzOptions(long seed, long maxCases, Duration budget, SizeMix sizes, Shard shard, boolean shrink,
                          int maxShrinks, int shrinkTries, long untilFailures) {

    public static FuzzOptions of(long seed, long maxCases) {
        return new FuzzOptions(seed, maxCases, null, SizeMix.legacy(SizeClass.SMALL), Shard.ALL, true, 5, 400, 0);
    }

    /** A fresh seed for a run that was not given one. */
    public static long randomSeed() { return new SecureRandom().nextLong() & Long.MAX_VALUE; }

    public FuzzOptions withBudget(Duration v) { return new FuzzOptions(seed, maxCases, v, sizes, shard, shrink, maxShrinks, shrinkTries, untilFailures); }

    public FuzzOptions withSizes(SizeMix v) { return new FuzzOptions(seed, maxCases, budget, v, shard, shrink, maxShrinks, shrinkTries, untilFailures); }

    public FuzzOptions withShard(Shard v) { return new FuzzOptions(seed, maxCases, budget, sizes, v, shrink, maxShrinks, shrinkTries, untilFailures); }

    public FuzzOptions withShrink(boolean v) { return new FuzzOptions(seed, maxCases, budget, sizes, shard, v, maxShrinks, shrinkTries, untilFailures); }

    public FuzzOptions withUntilFailures(long v) { return new FuzzOptions(seed, maxCases, budget, sizes, shard, shrink, maxShrinks, shrinkTries, v); }
}
