package org.permcheck.cli;

import java.util.ArrayList;
import java.util.List;

/** The command line as typed, for run info ("permcheck run --tier quick ..."). */
final class Invocations {
    private static volatile List<String> last = List.of("permcheck");

    private Invocations() {}

    static void remember(String[] args) {
        List<String> l = new ArrayList<>();
        l.add("permcheck");
        l.addAll(List.of(args));
        last = List.copyOf(l);
    }

    static List<String> commandLine() { return last; }
}
