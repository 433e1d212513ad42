package org.permcheck.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command of subcommands only (permcheck, report, vectors): alone it prints its usage and exits 2. */
abstract class CommandGroup implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE_OR_HARNESS;
    }
}
