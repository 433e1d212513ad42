package org.permcheck.cli;

import picocli.CommandLine.Option;

/**
 * The options every command that calls a backend shares (run, fuzz, replay), declared once so their
 * names, defaults and help text cannot drift apart.
 */
final class BackendOptions {
    @Option(names = "--backend", paramLabel = "NAME", description = "cpu, cuda or exec:<command> (default: cuda when available, else cpu)")
    String backend;

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS", description = "per-case time limit (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;
}
