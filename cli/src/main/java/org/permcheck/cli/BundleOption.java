package org.permcheck.cli;

import org.permcheck.engine.report.BundleBudget;

import picocli.CommandLine.Option;

/** --bundles-per-signature, declared once for run and fuzz. */
final class BundleOption {
    @Option(names = "--bundles-per-signature", paramLabel = "N", defaultValue = "" + BundleBudget.DEFAULT_PER_SIGNATURE,
            description = "repro bundles kept per failure signature (op, status, rule, output); the rest are counted (default: ${DEFAULT-VALUE})")
    int perSignature;

    BundleBudget budget() {
        if (perSignature < 0 || perSignature > 1_000_000) throw new UsageError("--bundles-per-signature must be between 0 and 1000000");
        return new BundleBudget(perSignature);
    }
}
