package org.permcheck.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import org.permcheck.cli.bench.BenchResult;
import org.permcheck.contract.Invocation;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.report.ReproBundle;
import org.permcheck.engine.run.Expectations;
import org.permcheck.engine.run.FailureSink;
import org.permcheck.engine.run.ProgressListener;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Shard;
import org.permcheck.spi.BenchRequest;
import org.permcheck.tensor.npy.Npy;

/**
 * Where the command line meets the engine's run API (org.permcheck.engine.run): everything that
 * needs the runner, the fuzzer or the checks goes through here.
 */
final class EngineBridge {
    private EngineBridge() {}

    private static UsageError notYet(String what) {
        return new UsageError(what + " is not in this build yet (the engine's tier/fuzz API has not landed)");
    }

    static int run(RunCommand c) throws Exception {
        PrintWriter out = c.spec.commandLine().getOut(), err = c.spec.commandLine().getErr();
        Shard shard = RunSetup.shard(c.shard);
        Expectations exp = RunSetup.expectations(c.expectations);
        BackendChoice choice = BackendChoice.resolve(c.backend, err);
        throw notYet("run");
    }

    static int fuzz(FuzzCommand c) { throw notYet("fuzz"); }

    /** One saved case through the same runner as a run: the same checks, the same verdict. */
    static int replay(ReplayCommand c) throws Exception {
        PrintWriter out = c.spec.commandLine().getOut(), err = c.spec.commandLine().getErr();
        if (!Files.isRegularFile(c.dir.resolve("case.json"))) {
            throw new UsageError(c.dir + " holds no case.json: replay takes a repro bundle (reports/.../repro/<case>/)");
        }
        ReproBundle.Loaded bundle = ReproBundle.read(c.dir, Npy::read);
        String backend = c.backend != null ? c.backend : bundle.backend();
        BackendChoice choice = BackendChoice.resolve(backend, err);
        Case theCase = new Case(bundle.id(), bundle.invocation(), bundle.rules(), Set.of(), bundle.seed(), "replay");
        out.println("replaying " + bundle.id() + ": " + bundle.invocation().describe()
                + (bundle.status() == null ? "" : " (was " + bundle.status() + " on " + bundle.backend() + ")"));
        out.flush();
        if (c.out != null) RunSetup.prepareOut(c.out);
        FailureSink sink = c.out == null ? FailureSink.NONE : RunSetup.bundles(c.out, choice);
        RunOptions opts = RunSetup.options("replay", c.timeoutSeconds, Expectations.none(), ProgressListener.NONE, sink, err, Shard.ALL);
        RunResult result;
        try (Runner r = new Runner(choice::create, opts)) {
            result = RunSetup.withSelector(r.run(List.of(theCase)), choice);
        }
        CaseResult r = result.results().get(0);
        for (Violation v : r.violations()) out.println("  " + v.render());
        if (r.detail() != null) out.println("  " + r.detail());
        if (c.out != null) return RunSetup.finish(result, c.out, out, err);
        out.println(r.status() + " " + r.caseId());
        out.flush();
        return result.conformant() ? ExitCodes.CONFORMANT : ExitCodes.NOT_CONFORMANT;
    }

    static BenchResult benchEndToEnd(BenchRequest r, Invocation inv) { throw notYet("bench e2e"); }

    static BenchResult benchFuzz(long cases, long seed) { throw notYet("bench fuzz"); }

    static BenchResult benchProtocol(BackendChoice choice, BenchRequest r) { throw notYet("bench protocol"); }
}
