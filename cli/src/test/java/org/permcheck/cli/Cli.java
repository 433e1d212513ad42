package org.permcheck.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and keeps what it printed. */
record Cli(int exit, String out, String err) {
    static Cli run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(code, out.toString(), err.toString());
    }

    /** The error output is exactly one line and holds no stack trace. */
    boolean oneCleanErrorLine() {
        return err.strip().lines().count() == 1 && !err.contains("\tat ") && !err.contains("Exception");
    }
}
