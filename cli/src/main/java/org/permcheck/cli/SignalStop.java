package org.permcheck.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import org.permcheck.engine.run.RunControl;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT during run and fuzz (docs/cli.md): the first asks the run to stop after the
 * case in flight, so it summarizes what it found with the verdict INCOMPLETE (or NOT CONFORMANT if
 * it found failures), writes its reports and exits with that verdict's code; a second ends the
 * process at once (the reports on disk are then the last checkpoint, marked INCOMPLETE). A
 * shutdown hook cannot do this: the JVM is already exiting with 143 when hooks run. The handlers
 * are restored on close, so in-process callers (tests) keep theirs.
 */
final class SignalStop implements AutoCloseable {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    private SignalStop() {}

    static SignalStop install(RunControl control, PrintWriter err) {
        SignalStop s = new SignalStop();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal sig;
            try {
                sig = new Signal(name);
            } catch (IllegalArgumentException e) {
                continue; // not on this platform
            }
            try {
                s.previous.add(Signal.handle(sig, received -> {
                    if (control.stopped()) {
                        err.println("permcheck: SIG" + received.getName() + " again: stopping now (the reports are the last checkpoint, INCOMPLETE)");
                        err.flush();
                        Runtime.getRuntime().halt(128 + received.getNumber());
                    }
                    control.stop("interrupted by SIG" + received.getName());
                    err.println("permcheck: SIG" + received.getName() + ": stopping after the case in flight; the reports will say INCOMPLETE"
                            + " (send it again to stop at once)");
                    err.flush();
                }));
                s.signals.add(sig);
            } catch (IllegalArgumentException e) {
                // the JVM reserves this signal (-Xrs): the default action stays
            }
        }
        return s;
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) Signal.handle(signals.get(i), previous.get(i));
    }
}
