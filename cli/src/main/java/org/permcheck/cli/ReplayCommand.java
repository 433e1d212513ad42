package org.permcheck.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** One saved case again: a repro bundle (repro/<case>/) or a vector directory. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay one saved case (a repro bundle or a vector directory) against a backend.", ""},
        footer = {"", "Prints the verdict and every violation; exit 0 when the case now passes, 1 when it still fails.",
                "", "Example:", "  ./permcheck replay reports/latest/repro/prop_dispatch_seed_42_3-1a2b3c4d --backend cpu"})
final class ReplayCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "repro bundle (holds case.json) or vector directory")
    Path dir;

    @Mixin BackendOptions backendOptions;


    @Option(names = "--out", paramLabel = "DIR", description = "also write the replay's reports here")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!java.nio.file.Files.isDirectory(dir)) throw new UsageError("no such directory: " + dir);
        return EngineBridge.replay(this);
    }
}
