package org.permcheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every error into one line on stderr and exit code 2. A user error (bad argument, unreadable
 * or malformed file) is never shown with a stack trace; our own bugs print one line naming the
 * exception, and {@code --debug} adds the trace.
 */
final class ErrorHandlers implements IParameterExceptionHandler, IExecutionExceptionHandler {
    private final boolean debug;

    ErrorHandlers(boolean debug) {
        this.debug = debug;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        err.println(name + ": " + oneLine(ex.getMessage()) + " (see '" + name + " --help')");
        if (debug) ex.printStackTrace(err);
        err.flush();
        return ExitCodes.USAGE_OR_HARNESS;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        Throwable t = ex instanceof UncheckedIOException && ex.getCause() != null ? ex.getCause() : ex;
        if (t instanceof UsageError || t instanceof IllegalArgumentException || t instanceof IOException) {
            // user-facing: the message already says what and where
            err.println(name + ": " + oneLine(t.getMessage()));
        } else if (t instanceof OutOfMemoryError) {
            err.println(outOfMemory(name));
        } else {
            err.println(name + ": internal error: " + t.getClass().getSimpleName() + ": " + oneLine(String.valueOf(t.getMessage()))
                    + (debug ? "" : " (run with --debug for the stack trace)"));
        }
        if (debug) t.printStackTrace(err);
        err.flush();
        return ExitCodes.USAGE_OR_HARNESS;
    }

    /** The one line for an exhausted heap: what was in flight, the heap it had, and how to get more. */
    static String outOfMemory(String name) {
        long maxMb = Runtime.getRuntime().maxMemory() >> 20;
        return name + ": out of memory while " + oneLine(org.permcheck.engine.run.InFlight.what()) + " (heap limit " + maxMb
                + " MB): raise it, e.g. JAVA_OPTS=-Xmx16g ./permcheck ..., or split the run with --shard i/n";
    }

    /**
     * First line only, trimmed: messages from parsers and the JDK sometimes span several. Control
     * characters become U+FFFD: messages quote backends and files, and an escape sequence or a
     * carriage return on a terminal could overwrite the verdict line with a fake one.
     */
    static String oneLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        String line = (nl < 0 ? s : s.substring(0, nl)).trim();
        StringBuilder sb = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            sb.append(c < 0x20 && c != '\t' || c >= 0x7f && c <= 0x9f ? '\uFFFD' : c);
        }
        return sb.toString();
    }
}
