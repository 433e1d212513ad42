package org.permcheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.permcheck.engine.ep.EpTier;
import org.permcheck.engine.exec.ExecBackend;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The ep tier (docs/checks.md): S ranks of one backend command, judged by docs/spec.md A7–A9. */
@Command(name = "ep", mixinStandardHelpOptions = true,
        description = {"Run the expert-parallel tier: S processes of one backend, one per rank (docs/protocol.md 8), judged by A7-A9.", ""},
        footer = {"", "Exit 0 when every case passed, 1 otherwise, 3 when nothing was judged.", "",
                "Example:", "  ./permcheck ep --ranks 2,4 --backend-cmd 'python3 adapters/python/ep/numpy_rank.py' --out reports/ep/numpy"})
final class EpCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--ranks", split = ",", defaultValue = "2,4", paramLabel = "S", description = "world sizes (default: ${DEFAULT-VALUE})")
    List<Integer> ranks;

    @Option(names = "--backend-cmd", required = true, paramLabel = "COMMAND", description = "the rank command, started once per rank by /bin/sh -c")
    String command;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the cases (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS", description = "limit per call, all ranks (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Option(names = "--single-controller", description = "one process serves every rank (JAX on S devices; docs/protocol.md 8.4)")
    boolean singleController;

    @Option(names = "--out", paramLabel = "DIR", description = "where summary.md and report.json go")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (command.isBlank()) throw new UsageError("--backend-cmd is empty");
        for (int s : ranks) if (s < 1 || s > 64) throw new UsageError("--ranks " + s + " is not in [1, 64]");
        if (timeoutSeconds <= 0 || timeoutSeconds > BackendOptions.MAX_TIMEOUT_SECONDS) throw new UsageError("--timeout must be in [1, " + BackendOptions.MAX_TIMEOUT_SECONDS + "]");
        Path scratch = Files.createTempDirectory("permcheck-ep-");
        EpTier.Outcome o;
        try {
            o = EpTier.run(command, ranks, seed, Duration.ofSeconds(timeoutSeconds), scratch, singleController);
        } finally {
            ExecBackend.deleteTree(scratch);
        }
        PrintWriter w = spec.commandLine().getOut();
        for (EpTier.Result r : o.results()) w.println(r.line());
        w.println("ep: " + (o.conformant() ? "CONFORMANT" : o.results().isEmpty() ? "nothing judged" : "NOT CONFORMANT"));
        w.flush();
        if (out != null) EpTier.writeReport(o, command, out);
        if (o.results().isEmpty()) return ExitCodes.NOTHING_JUDGED;
        return o.conformant() ? ExitCodes.CONFORMANT : ExitCodes.NOT_CONFORMANT;
    }
}
