package org.permcheck.cli;

import org.permcheck.cli.bench.BenchResult;
import org.permcheck.contract.Invocation;
import org.permcheck.spi.BenchRequest;

/**
 * Where the command line meets the engine's run API (org.permcheck.engine.run): everything that
 * needs the runner, the fuzzer or the checks goes through here.
 */
final class EngineBridge {
    private EngineBridge() {}

    private static UsageError notYet(String what) {
        return new UsageError(what + " is not in this build yet (the engine's run API has not landed)");
    }

    static int run(RunCommand c) { throw notYet("run"); }

    static int fuzz(FuzzCommand c) { throw notYet("fuzz"); }

    static int replay(ReplayCommand c) { throw notYet("replay"); }

    static BenchResult benchEndToEnd(BenchRequest r, Invocation inv) { throw notYet("bench e2e"); }

    static BenchResult benchFuzz(long cases, long seed) { throw notYet("bench fuzz"); }

    static BenchResult benchProtocol(BackendChoice choice, BenchRequest r) { throw notYet("bench protocol"); }
}
