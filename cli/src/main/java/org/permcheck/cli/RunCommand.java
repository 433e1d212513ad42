package org.permcheck.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The main command: vectors + properties of one tier against one backend, then the reports. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the conformance suite (vectors + properties) against a backend and write the reports.", ""},
        footer = {"", "Writes report.json, summary.md, report.html, junit.xml, journal.jsonl and repro/<case>/ bundles into --out.",
                "SIGTERM/SIGINT stop after the case in flight and write reports marked INCOMPLETE with what was found.",
                "Exit codes: 0 conformant, 1 not conformant, 2 usage or harness error, 3 nothing judged, 4 incomplete (interrupted).",
                "", "Examples:", "  ./permcheck run                                  (quick tier, default backend)",
                "  ./permcheck run --tier full --backend cpu --out reports/nightly",
                "  ./permcheck run --backend 'exec:python3 adapters/python/examples/numpy_port.py'",
                "  ./permcheck run --shard 0/4 --out reports/shard0     (CI machine 1 of 4)"})
final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    enum Tier { quick, full }

    @Option(names = "--tier", defaultValue = "quick", paramLabel = "quick|full", description = "quick (CI gate, minutes) or full (nightly) (default: ${DEFAULT-VALUE})")
    Tier tier;

    @Mixin BackendOptions backendOptions;

    @Mixin BundleOption bundleOption;

    @Option(names = "--seed", paramLabel = "LONG", description = "seed of the property cases (default: the tier's fixed seed)")
    Long seed;

    @Option(names = "--shard", paramLabel = "I/N", description = "run only shard I of N (0-based), e.g. 0/4")
    String shard;

    @Option(names = "--out", defaultValue = "reports/latest", paramLabel = "DIR", description = "report directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--expectations", paramLabel = "FILE", description = "known failures and skips of this backend (JSON)")
    Path expectations;


    @Option(names = "--vectors", defaultValue = "vectors", paramLabel = "DIR", description = "vector directory (default: ${DEFAULT-VALUE})")
    Path vectors;

    @Override
    public Integer call() throws Exception {
        backendOptions.timeoutSeconds();
        bundleOption.budget();
        return EngineBridge.run(this);
    }
}
