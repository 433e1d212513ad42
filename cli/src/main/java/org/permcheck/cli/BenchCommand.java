package org.permcheck.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.permcheck.cli.bench.BenchResult;
import org.permcheck.cli.bench.BenchTable;
import org.permcheck.cli.bench.EndToEndBench;
import org.permcheck.cli.bench.FuzzBench;
import org.permcheck.cli.bench.OracleBench;
import org.permcheck.contract.Invocation;
import org.permcheck.spi.Backend;
import org.permcheck.spi.bench.BenchRequest;
import org.permcheck.spi.bench.BenchRow;
import org.permcheck.engine.exec.bench.ProtocolBench;
import org.permcheck.spi.bench.Benchmarkable;
import org.permcheck.spi.bench.DispatchCase;
import org.permcheck.tensor.DType;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Speed, stated as ratios measured in one run: each subject against a plain copy of the same output
 * bytes, timed in the same process, so the numbers mean the same on any machine.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure speed as ratios to a same-run copy of the output bytes; writes bench.md + bench.json.", ""},
        footer = {"", "Subjects: oracle (reference token_dispatch; target ratio <= 5), e2e (oracle + CPU backend + checks),",
                "fuzz (in-process fuzzing on T<=256 E<=32 H<=128; target >= 2000 cases/s), protocol (exec backend round trip),",
                "backend (the rows a --backend that implements org.permcheck.spi.bench.Benchmarkable reports, e.g. cuda).",
                "Default: oracle e2e fuzz, plus backend when --backend is given.",
                "", "Examples:", "  ./permcheck bench oracle", "  ./permcheck bench --tokens 256 --experts 16 --topk 2 --hidden 64   (CI-sized)",
                "  ./permcheck bench backend --backend cuda"})
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "SUBJECT", description = "oracle, e2e, fuzz, protocol, backend (default: oracle e2e fuzz)")
    List<String> subjects = new ArrayList<>();

    @Option(names = "--tokens", defaultValue = "16384", description = "T (default: ${DEFAULT-VALUE})") long tokens;
    @Option(names = "--experts", defaultValue = "256", description = "E (default: ${DEFAULT-VALUE})") long experts;
    @Option(names = "--topk", defaultValue = "8", description = "experts per token (default: ${DEFAULT-VALUE})") long topk;
    @Option(names = "--hidden", defaultValue = "7168", description = "H (default: ${DEFAULT-VALUE})") long hidden;
    @Option(names = "--dtype", defaultValue = "bf16", description = "payload dtype (default: ${DEFAULT-VALUE})") String dtype;
    @Option(names = "--align", defaultValue = "128", description = "align_size, 0 = no padding (default: ${DEFAULT-VALUE})") long align;
    @Option(names = "--no-probs", description = "dispatch without probs") boolean noProbs;
    @Option(names = "--seed", defaultValue = "1", description = "seed of the routing map (default: ${DEFAULT-VALUE})") long seed;
    @Option(names = "--warmups", defaultValue = "1", description = "untimed calls first (default: ${DEFAULT-VALUE})") int warmups;
    @Option(names = "--repeats", defaultValue = "3", description = "timed calls; the median is reported (default: ${DEFAULT-VALUE})") int repeats;
    @Option(names = "--fuzz-cases", defaultValue = "20000", description = "cases for the fuzz subject (default: ${DEFAULT-VALUE})") long fuzzCases;
    @Option(names = "--backend", paramLabel = "NAME", description = "backend for the backend/protocol subjects: cpu, cuda, exec:<command>") String backend;
    @Option(names = "--out", defaultValue = "reports/bench", paramLabel = "DIR", description = "where bench.md and bench.json go (default: ${DEFAULT-VALUE})") Path out;
    @Option(names = "--check-targets", description = "exit 1 when a target is missed (for CI)") boolean checkTargets;

    /** Issue 4: at least 300 protocol round trips per second on small shapes. */
    static final double PROTOCOL_TARGET = 300;
    static final int PROTOCOL_CASES = 1000;

    private static final Set<String> KNOWN = Set.of("oracle", "e2e", "fuzz", "protocol", "backend");

    @Override
    public Integer call() throws Exception {
        Set<String> todo = new LinkedHashSet<>();
        for (String s : subjects) {
            String k = s.toLowerCase(Locale.ROOT);
            if (!KNOWN.contains(k)) throw new UsageError("unknown bench subject '" + s + "' (known: oracle, e2e, fuzz, protocol, backend)");
            todo.add(k);
        }
        if (todo.isEmpty()) {
            todo.addAll(List.of("oracle", "e2e", "fuzz"));
            if (backend != null) todo.add("backend");
        }
        if (todo.contains("protocol") && (backend == null || !backend.startsWith(BackendChoice.EXEC_PREFIX))) {
            throw new UsageError("bench protocol needs --backend exec:<command>");
        }
        if (todo.contains("backend") && backend == null) throw new UsageError("bench backend needs --backend NAME");
        BenchRequest request;
        try {
            request = new BenchRequest(tokens, experts, topk, hidden, DType.byId(dtype), !noProbs, align, seed, warmups, repeats);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        var err = spec.commandLine().getErr();
        var stdout = spec.commandLine().getOut();
        boolean shaped = todo.contains("oracle") || todo.contains("e2e") || todo.contains("protocol") || todo.contains("backend");
        err.println("permcheck bench: " + String.join(" ", todo) + (shaped ? " on " + request.describe() : "")
                + (todo.contains("fuzz") ? (shaped ? "; " : " on ") + "fuzz: " + fuzzCases + " SMALL cases" : "") + ", seed " + seed);
        err.flush();

        List<BenchResult> results = new ArrayList<>();
        Invocation inv = null;
        if (todo.contains("oracle") || todo.contains("e2e")) inv = new DispatchCase(request).invocation();
        if (todo.contains("oracle")) results.add(progress(err, OracleBench.run(request, inv)));
        if (todo.contains("e2e")) results.add(progress(err, EndToEndBench.run("e2e: oracle + cpu backend + checks", request, inv, BackendChoice.resolve("cpu", err))));
        if (todo.contains("protocol")) {
            // issue 4's two measures: round trips per second on a small shape (warm process), and the
            // overhead on the requested shape against writing and reading its tensors once
            String command = backend.substring(BackendChoice.EXEC_PREFIX.length());
            BenchRequest small = new BenchRequest(16, 8, 2, 32, DType.F32, true, 0, seed, 20, request.repeats());
            BenchRow trips = ProtocolBench.throughput(command, small, PROTOCOL_CASES);
            double perSecond = Double.parseDouble(trips.notes().get("cases/s"));
            results.add(progress(err, new BenchResult(trips, ">= " + (long) PROTOCOL_TARGET + " cases/s", perSecond >= PROTOCOL_TARGET)));
            results.add(progress(err, BenchResult.untargeted(ProtocolBench.overhead(command, request))));
        }
        inv = null; // the large case is not needed by the rest
        if (todo.contains("fuzz")) results.add(progress(err, FuzzBench.run(fuzzCases, seed, BackendChoice.resolve("cpu", err))));
        if (todo.contains("backend")) {
            BackendChoice choice = BackendChoice.resolve(backend, err);
            try (Backend b = choice.create()) {
                if (!(b instanceof Benchmarkable)) {
                    throw new UsageError("backend '" + backend + "' does not implement org.permcheck.spi.bench.Benchmarkable (no rows to report)");
                }
                for (BenchRow row : ((Benchmarkable) b).bench(request)) results.add(progress(err, BenchResult.untargeted(row)));
            }
        }

        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("permcheck", VersionProvider.version() + " @ " + VersionProvider.commit());
        machine.put("jdk", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        machine.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        machine.put("max_heap_MB", String.valueOf(Runtime.getRuntime().maxMemory() / 1_000_000));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("command", String.join(" ", Invocations.commandLine()));
        List<Path> files = BenchTable.write(results, machine, out);
        stdout.print(BenchTable.markdown(results, machine));
        stdout.flush();
        for (Path f : files) err.println("permcheck bench: wrote " + f);
        boolean missed = results.stream().anyMatch(r -> Boolean.FALSE.equals(r.met()));
        return checkTargets && missed ? ExitCodes.NOT_CONFORMANT : ExitCodes.CONFORMANT;
    }

    private static BenchResult progress(java.io.PrintWriter err, BenchResult r) {
        err.println(String.format(Locale.ROOT, "permcheck bench: %-28s %10.2f ms  ratio %.2f%s", r.row().subject(), r.row().nanos() / 1e6,
                r.row().ratio(), r.target() == null ? "" : "  target " + r.target() + (r.met() ? " met" : " MISSED")));
        err.flush();
        return r;
    }
}
