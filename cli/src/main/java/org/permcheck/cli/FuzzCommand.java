package org.permcheck.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A fuzzing campaign: random seeded cases, failures shrunk to a minimal counterexample. */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Fuzz a backend with seeded random cases; every failure is shrunk and saved as a repro bundle.", ""},
        footer = {"", "The seed is printed at the start and recorded in the reports; rerun with --seed to repeat a campaign.",
                "", "Examples:", "  ./permcheck fuzz --cases 10000", "  ./permcheck fuzz --time 10m --backend cuda --seed 42"})
final class FuzzCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    static final class Budget {
        @Option(names = "--cases", paramLabel = "N", description = "number of cases (default: 1000)") Long cases;
        @Option(names = "--time", paramLabel = "DURATION", description = "time budget, e.g. 90s, 10m, 2h") String time;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Budget budget;

    @Mixin BackendOptions backendOptions;

    @Mixin BundleOption bundleOption;

    @Option(names = "--seed", paramLabel = "LONG", description = "campaign seed (default: random, printed)")
    Long seed;

    @Option(names = "--out", defaultValue = "reports/fuzz", paramLabel = "DIR", description = "report directory (default: ${DEFAULT-VALUE})")
    Path out;


    @Option(names = "--no-shrink", description = "report failures as found, without shrinking")
    boolean noShrink;

    @Option(names = "--expectations", paramLabel = "FILE", description = "skips of this backend (JSON); fuzz cases are never xfailed")
    Path expectations;

    long cases() {
        if (budget != null && budget.cases != null) {
            if (budget.cases <= 0) throw new UsageError("--cases must be positive");
            return budget.cases;
        }
        return budget != null && budget.time != null ? -1 : 1000;
    }

    java.time.Duration time() {
        return budget != null && budget.time != null ? DurationArg.parse(budget.time) : null;
    }

    @Override
    public Integer call() throws Exception {
        backendOptions.timeoutSeconds();
        bundleOption.budget();
        cases();
        time();
        return EngineBridge.fuzz(this);
    }
}
