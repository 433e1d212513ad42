package org.permcheck.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.report.MarkdownSummary;
import org.permcheck.engine.run.BackendFactory;
import org.permcheck.engine.run.FuzzOptions;
import org.permcheck.engine.run.Fuzzer;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Shard;
import org.permcheck.engine.run.Tier;

/**
 * The whole suite against the CUDA backend through the engine's own runner (what
 * {@code permcheck run --backend cuda} and {@code permcheck fuzz --backend cuda} do), usable before
 * the CLI wires them: both tiers (edge cases + sampled cases, determinism and round trips on) and
 * a fuzz run. Writes one Markdown summary per run into DIR and a status table to stdout; exit 0
 * only when every run is conformant (NOT_SUPPORTED never counts as a pass).
 *
 * <pre>java -cp "$(cat .gpu/classpath)" org.permcheck.cuda.CudaConformance DIR [FUZZ_CASES] [FUZZ_SECONDS] [TIERS]</pre>
 */
public final class CudaConformance {
    private CudaConformance() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "cuda-conformance");
        long fuzzCases = args.length > 1 ? Long.parseLong(args[1]) : 3000;
        long fuzzSeconds = args.length > 2 ? Long.parseLong(args[2]) : 120;
        String tiers = args.length > 3 ? args[3] : "quick,full";
        Files.createDirectories(dir);
        BackendFactory factory = new CudaBackendProvider()::create;
        StringBuilder table = new StringBuilder("| run | cases | PASS | FAIL | NOT_SUPPORTED | ERROR | TIMEOUT | CRASH | HARNESS_ERROR | conformant | seconds |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        boolean all = true;
        for (String name : tiers.split(",")) {
            if (name.isBlank()) continue;
            Tier tier = Tier.byName(name.trim());
            long t0 = System.nanoTime();
            RunResult res;
            try (Runner r = new Runner(factory, RunOptions.defaults().withTier(tier.id()).withCaseTimeout(Duration.ofSeconds(120)))) {
                res = r.run(tier.cases(Tier.DEFAULT_SEED, Shard.ALL));
            }
            all &= row(table, "tier " + tier.id(), res, t0);
            MarkdownSummary.write(res, dir.resolve("tier-" + tier.id() + ".md"));
        }
        if (fuzzCases > 0) {
            long t0 = System.nanoTime();
            long seed = Tier.DEFAULT_SEED;
            RunResult res = new Fuzzer(factory, RunOptions.defaults().withTier("fuzz").withCaseTimeout(Duration.ofSeconds(120)))
                    .run(FuzzOptions.of(seed, fuzzCases).withBudget(Duration.ofSeconds(fuzzSeconds)));
            all &= row(table, "fuzz seed=" + seed, res, t0);
            MarkdownSummary.write(res, dir.resolve("fuzz.md"));
        }
        String text = table.toString();
        Files.writeString(dir.resolve("status.md"), text);
        System.out.println(text);
        System.exit(all ? 0 : 1);
    }

    private static boolean row(StringBuilder table, String name, RunResult res, long t0) {
        Map<Status, Long> n = new EnumMap<>(Status.class);
        for (CaseResult c : res.results()) n.merge(c.status(), 1L, Long::sum);
        table.append("| ").append(name).append(" | ").append(res.results().size());
        for (Status s : new Status[] {Status.PASS, Status.FAIL, Status.NOT_SUPPORTED, Status.ERROR, Status.TIMEOUT, Status.CRASH, Status.HARNESS_ERROR}) {
            table.append(" | ").append(n.getOrDefault(s, 0L));
        }
        table.append(" | ").append(res.conformant() ? "yes" : "NO").append(" | ")
             .append(String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9)).append(" |\n");
        // the engine counts a run of NOT_SUPPORTED only as conformant; here a GPU run must pass cases
        return res.conformant() && n.getOrDefault(Status.PASS, 0L) > 0;
    }
}
