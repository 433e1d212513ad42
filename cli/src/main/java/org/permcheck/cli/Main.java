package org.permcheck.cli;

import java.io.PrintWriter;
import java.util.Arrays;

import picocli.CommandLine;

/** Entry point of ./permcheck. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(args, out, err));
    }

    /** Runs one command line and returns its exit code (tests call this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cmd = commandLine(Arrays.asList(args).contains("--debug"));
        cmd.setOut(out);
        cmd.setErr(err);
        Invocations.remember(args);
        try {
            return cmd.execute(args);
        } catch (OutOfMemoryError oom) {
            // picocli hands only Exceptions to the handlers; an Error would print a trace of dozens of lines
            err.println(ErrorHandlers.outOfMemory(cmd.getParseResult() == null ? "permcheck" : "permcheck " + String.join(" ", subcommand(cmd))));
            err.flush();
            return ExitCodes.USAGE_OR_HARNESS;
        }
    }

    private static java.util.List<String> subcommand(CommandLine cmd) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (CommandLine c : cmd.getParseResult().asCommandLineList()) if (c != cmd) names.add(c.getCommandName());
        return names;
    }

    static CommandLine commandLine(boolean debug) {
        CommandLine cmd = new CommandLine(new PermcheckCommand());
        ErrorHandlers handlers = new ErrorHandlers(debug);
        cmd.setParameterExceptionHandler(handlers);
        cmd.setExecutionExceptionHandler(handlers);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setUsageHelpWidth(100); // the examples in the footers are long command lines
        cmd.setUsageHelpAutoWidth(true);
        return cmd;
    }
}
