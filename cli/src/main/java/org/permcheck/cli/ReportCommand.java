package org.permcheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.report.JsonReport;
import org.permcheck.engine.report.ReportSet;
import org.permcheck.engine.run.ShardMerge;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Work on written reports: merge the shards of one sharded run into one verdict; turn a run's
 * failures into an expectations file; render a campaign history (issue 13, docs/cli.md).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Work on written reports.", ""},
        subcommands = {ReportCommand.Merge.class, ExpectationsFromReport.class, ReportCommand.HistoryTable.class},
        footer = {"", "Examples:", "  ./permcheck report merge --out reports/gate reports/shard0 reports/shard1 reports/shard2",
                "  ./permcheck report expectations reports/latest --update expectations/mine.json",
                "  ./permcheck report history reports/fuzz/history.jsonl --out reports/history"})
final class ReportCommand extends CommandGroup {
    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = {"Merge the reports of the shards of one run (--shard i/n) into one report set and one verdict.", ""},
            footer = {"", "Every i/n of one n must be given exactly once, from one suite version, tier, seed, vector set,",
                    "backend selector and expectations file, and none INCOMPLETE; else one line and exit 2.",
                    "The verdict is decided as for an unsharded run: an expectation is stale only when it matched",
                    "no case in any shard. Repro bundles stay in the shards' directories; the merged reports point there.",
                    "Exit codes: 0 conformant, 1 not conformant, 2 usage or harness error, 3 nothing judged."})
    static final class Merge implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory of the merged report set")
        Path out;

        @Parameters(arity = "1..*", paramLabel = "SHARD_DIR", description = "the --out directory of each shard (or its report.json)")
        List<Path> shards = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            PrintWriter stdout = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            List<ShardMerge.Part> parts = new ArrayList<>();
            for (Path s : shards) {
                Path file = Files.isDirectory(s) ? s.resolve(ReportSet.JSON) : s;
                if (!Files.isRegularFile(file)) throw new UsageError(s + ": no " + ReportSet.JSON + " (give each shard's --out directory)");
                if (OutDirectory.same(Files.isDirectory(s) ? s : s.toAbsolutePath().getParent(), out)) {
                    throw new UsageError("--out " + out + " is a shard's directory: the merge would clear what it reads");
                }
                parts.add(new ShardMerge.Part(s.toString(), JsonReport.read(file)));
            }
            RunResult merged = ShardMerge.merge(parts);
            merged = merged.withInfo(merged.info().withCommandLine(Invocations.commandLine()));
            err.println("permcheck report merge: " + parts.size() + " shard" + (parts.size() == 1 ? "" : "s") + ", "
                    + merged.totalCases() + " cases, reports in " + out);
            err.flush();
            try (OutDirectory dir = OutDirectory.claim(out)) {
                return dir.finish(merged, stdout, err);
            }
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = {"Render a history file (what run and fuzz append, --history) as a table and plots over time.", ""},
            footer = {"", "Writes history.md (the table, oldest first) and history.html (the table and inline SVG plots of",
                    "cases per second and failures per run) into --out; without --out prints the Markdown table."})
    static final class HistoryTable implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "a history file (JSON lines)")
        Path file;

        @Option(names = "--out", paramLabel = "DIR", description = "directory for history.md and history.html")
        Path out;

        @Override
        public Integer call() throws IOException {
            PrintWriter stdout = spec.commandLine().getOut();
            List<org.permcheck.engine.report.History.Entry> entries = org.permcheck.engine.report.History.read(file);
            if (out == null) {
                stdout.print(org.permcheck.engine.report.HistoryReport.markdown(entries));
            } else {
                for (Path p : org.permcheck.engine.report.HistoryReport.write(entries, out)) stdout.println("report: " + p);
            }
            stdout.flush();
            return 0; // a rendering, no verdict
        }
    }
}
