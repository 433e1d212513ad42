package org.permcheck.cli;

import org.permcheck.engine.report.BundleBudget;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.run.Expectations;
import org.permcheck.engine.run.FailureSink;
import org.permcheck.engine.run.ProgressListener;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Shard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** One case again: a repro bundle (repro/<case>/), a vector directory, or a case id (docs/checks.md section 4). */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay one case against a backend: a repro bundle, a vector directory, or a case id.", ""},
        footer = {"", "Prints the verdict and every violation; exit 0 when the case now passes, 1 when it still fails.",
                "", "Examples:", "  ./permcheck replay reports/latest/repro/prop_dispatch_seed_42_3-1a2b3c4d --backend cpu",
                "  ./permcheck replay quick/seed=20261126/17 --backend cpu",
                "  ./permcheck replay 'spec:op=token_dispatch profile=te-jax T=2 E=1 H=1 ...' --backend cpu   (a shrunk case)"})
final class ReplayCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CASE", description = "repro bundle (holds case.json), vector directory, or case id "
            + "(quick/edge/NAME, quick/seed=S/I, full/..., fuzz/seed=S/I, spec:<spec line>)")
    String target;

    @Mixin BackendOptions backendOptions;


    @Option(names = "--out", paramLabel = "DIR", description = "also write the replay's reports here")
    Path out;

    @Override
    public Integer call() throws Exception {
        long timeout = backendOptions.timeoutSeconds();
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        CaseSources.Saved saved = CaseSources.replayed(target);
        String backend = backendOptions.backend != null ? backendOptions.backend : replayBackend(saved.recordedBackend());
        BackendChoice choice = BackendChoice.resolve(backend, err);
        out.println("replaying " + saved.theCase().id() + ": " + saved.theCase().invocation().describe()
                + (saved.recordedStatus() == null ? "" : " (was " + saved.recordedStatus() + " on " + saved.recordedBackend() + ")"));
        out.flush();
        // one case: the --out directory is claimed (locked, cleared) like a run's; no journal or checkpoints
        try (OutDirectory dir = this.out == null ? null : OutDirectory.claim(this.out)) {
            FailureSink sink = this.out == null ? FailureSink.NONE : RunSetup.bundles(this.out, choice, new BundleBudget(1));
            RunOptions opts = RunSetup.options("replay", timeout, Expectations.none(), ProgressListener.NONE, sink, err, Shard.ALL);
            RunResult result;
            try (Runner r = new Runner(choice, opts)) {
                result = RunSetup.withSelector(r.run(List.of(saved.theCase())), choice);
            }
            CaseResult r = result.results().get(0);
            for (Violation v : r.violations()) v.render().lines().forEach(l -> out.println("  " + ErrorHandlers.oneLine(l)));
            if (r.detail() != null) out.println("  " + ErrorHandlers.oneLine(r.detail()));
            if (dir != null) return dir.finish(result, out, err);
            out.println(r.status() + " " + ErrorHandlers.oneLine(r.caseId()) + (result.conformant() ? "" : " (" + result.verdict().label() + ")"));
            out.flush();
            return result.exitCode();
        }
    }

    /**
     * The backend a replay uses when --backend is not given. A bundle is a file anyone may attach to
     * an issue, so a shell command recorded in it (exec:...) is never run unless the user types it:
     * only the built-in backends (cpu, cuda) are taken from the bundle.
     */
    static String replayBackend(String recorded) {
        if (recorded == null || recorded.isBlank()) return null;
        if (recorded.startsWith(BackendChoice.EXEC_PREFIX)) {
            throw new UsageError("this case was recorded against " + recorded + "; a command from a file is never run: "
                    + "name the backend yourself with --backend");
        }
        return recorded;
    }
}
