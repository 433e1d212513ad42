package org.permcheck.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.permcheck.engine.smoke.ProtocolSmoke;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Checks that a protocol adapter speaks docs/protocol.md before any conformance run. */
@Command(name = "smoke", mixinStandardHelpOptions = true,
        description = {"Check a protocol adapter (docs/protocol.md): hello, a trivial case, malformed requests, bye.", ""},
        footer = {"", "Prints one verdict per check; exit 0 when every check passes, 1 otherwise.", "",
                "Example:", "  ./permcheck smoke --backend exec:'python3 adapters/python/examples/numpy_port.py'"})
final class SmokeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--backend", required = true, paramLabel = "exec:COMMAND", description = "the adapter: exec:<command>")
    String backend;

    @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS", description = "limit per answer (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Override
    public Integer call() {
        if (!backend.startsWith(BackendChoice.EXEC_PREFIX) || backend.substring(BackendChoice.EXEC_PREFIX.length()).isBlank()) {
            throw new UsageError("smoke checks protocol adapters: use --backend exec:'<command>'");
        }
        if (timeoutSeconds <= 0) throw new UsageError("--timeout must be positive");
        if (timeoutSeconds > BackendOptions.MAX_TIMEOUT_SECONDS) throw new UsageError("--timeout " + timeoutSeconds + " is too long (at most " + BackendOptions.MAX_TIMEOUT_SECONDS + " s, a week)");
        String command = backend.substring(BackendChoice.EXEC_PREFIX.length()).trim();
        List<ProtocolSmoke.Check> checks = ProtocolSmoke.run(command, Duration.ofSeconds(timeoutSeconds));
        PrintWriter out = spec.commandLine().getOut();
        for (ProtocolSmoke.Check c : checks) out.println(c.line());
        long failed = checks.stream().filter(c -> !c.ok()).count();
        out.println(failed == 0 ? "smoke: the adapter speaks protocol 1" : "smoke: " + failed + " check(s) failed");
        out.flush();
        return failed == 0 ? ExitCodes.CONFORMANT : ExitCodes.NOT_CONFORMANT;
    }
}
