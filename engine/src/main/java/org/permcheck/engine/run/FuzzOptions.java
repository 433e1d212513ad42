package org.permcheck.engine.run;

import java.security.SecureRandom;
import java.time.Duration;

import org.permcheck.engine.fuzz.SizeClass;

/**
 * A fuzz run: cases "fuzz/seed={seed}/{i}" for i = 0, 1, ... in the shard, until {@code maxCases}
 * cases ran or {@code budget} is spent (whichever first; either may be absent: 0 / null).
 *
 * @param seed        the run seed (printed and recorded; the same seed replays the same cases)
 * @param maxCases    cases to run in this shard, 0 = no limit
 * @param budget      wall-clock budget, null = no limit
 * @param size        shape tables to sample from
 * @param shard       which cases this process runs
 * @param shrink      shrink failures to a minimal case
 * @param maxShrinks  shrink at most this many failures (shrinking costs many backend calls)
 * @param shrinkTries candidate cases tried per shrink
 */
public record FuzzOptions(long seed, long maxCases, Duration budget, SizeClass size, Shard shard, boolean shrink,
                          int maxShrinks, int shrinkTries) {

    public static FuzzOptions of(long seed, long maxCases) {
        return new FuzzOptions(seed, maxCases, null, SizeClass.SMALL, Shard.ALL, true, 5, 400);
    }

    /** A fresh seed for a run that was not given one. */
    public static long randomSeed() { return new SecureRandom().nextLong() & Long.MAX_VALUE; }

    public FuzzOptions withBudget(Duration v) { return new FuzzOptions(seed, maxCases, v, size, shard, shrink, maxShrinks, shrinkTries); }

    public FuzzOptions withSize(SizeClass v) { return new FuzzOptions(seed, maxCases, budget, v, shard, shrink, maxShrinks, shrinkTries); }

    public FuzzOptions withShard(Shard v) { return new FuzzOptions(seed, maxCases, budget, size, v, shrink, maxShrinks, shrinkTries); }

    public FuzzOptions withShrink(boolean v) { return new FuzzOptions(seed, maxCases, budget, size, shard, v, maxShrinks, shrinkTries); }
}
