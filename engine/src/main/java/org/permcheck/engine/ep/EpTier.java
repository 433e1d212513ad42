package org.permcheck.engine.ep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.permcheck.engine.exec.RankGroup;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;
import org.permcheck.tensor.Tensor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The ep tier (docs/checks.md): for each world size, S ranks of one backend command
 * ({@link RankGroup}), the seeded cases of {@link EpCases} sent to all of them at once, each judged
 * by {@link EpJudge}. A failed call kills the group; the next case starts a fresh one.
 */
public final class EpTier {
    private EpTier() {}

    /** One case's verdict. */
    public record Result(String name, int worldSize, String tokensPerRank, long experts, Status status, List<Violation> violations, String details) {
        public String line() {
            String why = status == Status.PASS ? "" : ": " + (violations.isEmpty() ? details
                    : violations.stream().map(v -> v.rule() + " " + v.message()).collect(Collectors.joining("; ")));
            return status + "  " + name + "  (S=" + worldSize + ", tokens per rank " + tokensPerRank + ", E=" + experts + ")" + why;
        }
    }

    /** The tier's outcome; conformant only when something was judged and everything passed. */
    public record Outcome(List<Result> results, List<Long> pids) {
        public boolean conformant() {
            return !results.isEmpty() && results.stream().allMatch(r -> r.status() == Status.PASS);
        }
    }

    /** {@code singleController}: one process serves all S ranks (docs/protocol.md 8.4), else one process per rank. */
    public static Outcome run(String command, List<Integer> worldSizes, long seed, Duration limit, Path scratch, boolean singleController) throws IOException {
        List<Result> results = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        for (int s : worldSizes) {
            RankGroup group = null;
            try {
                for (EpCase c : EpCases.forWorldSize(s, seed)) {
                    if (group == null || !group.usable()) {
                        if (group != null) group.close();
                        group = null;
                        try {
                            Path dir = Files.createDirectories(scratch.resolve("s" + s));
                            group = singleController ? RankGroup.startSingleController(command, s, dir, limit) : RankGroup.start(command, s, dir, limit);
                            pids.addAll(group.pids());
                        } catch (RankGroup.RankFailure f) {
                            results.add(new Result(c.name(), s, c.tokensPerRank(), c.experts(), f.status(), List.of(), "start: " + f.getMessage()));
                            continue;
                        }
                    }
                    results.add(runCase(group, c, limit));
                }
            } finally {
                if (group != null) group.close();
            }
        }
        return new Outcome(results, pids);
    }

    static Result runCase(RankGroup group, EpCase c, Duration limit) {
        List<Map<String, Tensor>> answers;
        long budget = 64 * 1024;
        for (Map<String, Tensor> in : c.allRankInputs()) for (Tensor t : in.values()) budget += 4 * t.byteSize();
        try {
            answers = group.call(c.name(), EpWire.OP, c.allRankInputs(), budget, limit);
        } catch (RankGroup.RankFailure f) {
            return new Result(c.name(), c.worldSize(), c.tokensPerRank(), c.experts(), f.status(), List.of(), f.getMessage());
        }
        List<Violation> v = EpJudge.judge(c, answers);
        return new Result(c.name(), c.worldSize(), c.tokensPerRank(), c.experts(), v.isEmpty() ? Status.PASS : Status.FAIL, v, "");
    }

    /** summary.md and report.json under {@code out}; the first line of summary.md is the verdict. */
    public static void writeReport(Outcome o, String command, Path out) throws IOException {
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder();
        long pass = o.results().stream().filter(r -> r.status() == Status.PASS).count();
        md.append("# permcheck ep tier: ").append(o.conformant() ? "CONFORMANT" : "NOT CONFORMANT").append("\n\n");
        md.append("Backend: `").append(command).append("`; ").append(pass).append(" of ").append(o.results().size())
                .append(" cases passed (docs/spec.md A7–A9, docs/checks.md \"The ep tier\").\n\n");
        for (Result r : o.results()) md.append("- ").append(r.line()).append('\n');
        Files.writeString(out.resolve("summary.md"), md.toString(), StandardCharsets.UTF_8);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode().put("tier", "ep").put("backend", command).put("conformant", o.conformant());
        ArrayNode cases = root.putArray("cases");
        for (Result r : o.results()) {
            ObjectNode n = cases.addObject().put("case", r.name()).put("world_size", r.worldSize()).put("tokens_per_rank", r.tokensPerRank())
                    .put("experts", r.experts()).put("status", r.status().name()).put("details", r.details());
            ArrayNode vs = n.putArray("violations");
            for (Violation v : r.violations()) vs.addObject().put("rule", v.rule()).put("message", v.message());
        }
        Files.writeString(out.resolve("report.json"), json.writeValueAsString(root), StandardCharsets.UTF_8);
    }
}
