package org.permcheck.engine.run;

/**
 * What the engine was working on last, for the one-line message when the JVM runs out of memory
 * (a large case, or a whole tier built at once): the user learns which case and can raise the heap
 * or shard the run. Written by whichever thread touched a case last; a diagnostic, never a result.
 */
public final class InFlight {
    private static volatile String what = "starting";

    private InFlight() {}

    static void set(String activity) { what = activity; }

    /** "generating quick/seed=1/17", "judging vec/dispatch/worked-example", ... */
    public static String what() { return what; }
}
