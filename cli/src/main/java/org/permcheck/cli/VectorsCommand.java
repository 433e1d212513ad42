package org.permcheck.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.permcheck.engine.vectors.VectorGenerator;
import org.permcheck.engine.vectors.VectorPromoter;
import org.permcheck.engine.vectors.VectorSet;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The golden vectors (docs/vectors.md): generate, verify, promote, list. */
@Command(name = "vectors", mixinStandardHelpOptions = true,
        description = {"Golden vectors: .npy inputs and oracle outputs with JSON manifests (docs/vectors.md).", ""},
        subcommands = {VectorsCommand.Generate.class, VectorsCommand.Verify.class, VectorsCommand.Promote.class, VectorsCommand.ListCmd.class},
        footer = {"", "Examples:", "  ./permcheck vectors verify", "  ./permcheck vectors generate            (rewrites vectors/ byte for byte)",
                "  ./permcheck vectors promote reports/latest/repro/prop_dispatch_seed_42_3-1a2b3c4d --id dispatch/fuzz-empty-expert --rule P2"})
final class VectorsCommand extends CommandGroup {
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Write the committed vector set (hand-written cases, recipes, promoted counterexamples) from the oracle.", ""})
    static final class Generate implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--out", defaultValue = "vectors", paramLabel = "DIR", description = "target directory (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--from", paramLabel = "DIR", description = "set to take promoted vectors from (default: the target itself)")
        Path from;

        @Option(names = "--large", paramLabel = "DIR", description = "instead: materialize the large recipes into DIR and check them against vectors/recipes.json")
        Path large;

        @Option(names = "--pin", description = "with --large: write the hashes into recipes.json instead of checking them")
        boolean pin;

        @Override
        public Integer call() throws Exception {
            if (large != null) {
                int n = org.permcheck.engine.vectors.LargeVectors.materialize(large);
                PrintWriter o = spec.commandLine().getOut();
                o.println("permcheck vectors: materialized " + n + " large vectors in " + large);
                if (pin) {
                    org.permcheck.engine.vectors.LargeVectors.pin(out, large);
                    o.println("permcheck vectors: pinned their hashes in " + out.resolve("recipes.json"));
                    return ExitCodes.CONFORMANT;
                }
                List<String> problems = org.permcheck.engine.vectors.LargeVectors.verify(out, large);
                for (String p : problems) o.println("DRIFT " + p);
                return problems.isEmpty() ? ExitCodes.CONFORMANT : ExitCodes.NOT_CONFORMANT;
            }
            if (pin) throw new UsageError("--pin goes with --large DIR");
            Path existing = from != null ? from : out;
            int n = VectorGenerator.generate(out, existing);
            spec.commandLine().getOut().println("permcheck vectors: wrote " + n + " vectors to " + out);
            return ExitCodes.CONFORMANT;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check every file against its SHA-256 and every expected output against the oracle.", "",
                    "Exit 0 when the set is intact, 1 when anything drifted (one line per problem)."})
    static final class Verify implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(arity = "0..1", defaultValue = "vectors", paramLabel = "DIR", description = "vector directory (default: ${DEFAULT-VALUE})")
        Path dir;

        @Override
        public Integer call() {
            if (!Files.isDirectory(dir)) throw new UsageError("no such directory: " + dir);
            List<String> problems = VectorSet.verify(dir);
            PrintWriter out = spec.commandLine().getOut();
            for (String p : problems) out.println("DRIFT " + p);
            if (problems.isEmpty()) {
                int n;
                try {
                    n = VectorSet.ids(dir).size();
                } catch (java.io.IOException e) {
                    throw new UsageError(e.getMessage());
                }
                out.println("permcheck vectors: " + n + " vectors verified in " + dir);
                return ExitCodes.CONFORMANT;
            }
            out.println("permcheck vectors: " + problems.size() + " problem(s) in " + dir);
            return ExitCodes.NOT_CONFORMANT;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = {"Make a vector of a repro bundle written by fuzz (its inputs; expected outputs from the oracle).", ""})
    static final class Promote implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "BUNDLE", description = "repro bundle directory (holds case.json and inputs/)")
        Path bundle;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "the new vector's id, e.g. dispatch/fuzz-empty-expert")
        String id;

        @Option(names = "--rule", paramLabel = "RULE", description = "rule id to cite (repeatable; default: the bundle's rules)")
        List<String> rules = new ArrayList<>();

        @Option(names = "--description", paramLabel = "TEXT", description = "one sentence (default: derived from the bundle)")
        String description;

        @Option(names = "--into", defaultValue = "vectors", paramLabel = "DIR", description = "vector set (default: ${DEFAULT-VALUE})")
        Path into;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(bundle)) throw new UsageError("no such directory: " + bundle);
            Path dir = VectorPromoter.promote(bundle, into, id, rules, description);
            spec.commandLine().getOut().println("permcheck vectors: promoted " + bundle + " to " + dir
                    + " (commit it; 'permcheck vectors generate' keeps it)");
            return ExitCodes.CONFORMANT;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = {"List the vectors: id, op, rules.", ""})
    static final class ListCmd implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(arity = "0..1", defaultValue = "vectors", paramLabel = "DIR", description = "vector directory (default: ${DEFAULT-VALUE})")
        Path dir;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            for (VectorSet.Loaded l : VectorSet.loadAll(dir, false)) {
                var v = l.vector();
                out.println(v.id() + "  " + v.invocation().op().wireName() + "  " + String.join(",", v.rules())
                        + (v.isNegative() ? "  (negative)" : ""));
            }
            return ExitCodes.CONFORMANT;
        }
    }
}
