package org.permcheck.engine.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.engine.codec.JsonFile;
import org.permcheck.engine.fuzz.ClassCounts;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.ExpectationMatch;
import org.permcheck.engine.model.Mismatch;
import org.permcheck.engine.model.NotJudged;
import org.permcheck.engine.model.RunInfo;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.RunVerdict;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.UnlistedPasses;
import org.permcheck.engine.model.VectorSetPin;
import org.permcheck.engine.model.Violation;

/**
 * report.json: the machine-readable record of a run (run info enough to reproduce it, then one
 * entry per case). Field names are snake_case and stable; {@link #read} turns the file back into a
 * {@link RunResult}, so tools (update-expectations, baselines) need no second parser.
 */
public final class JsonReport {
    public static final String FORMAT = "permcheck-report";
    /** Bumped when a field is renamed or removed; adding fields keeps it. */
    public static final int FORMAT_VERSION = 1;

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {}

    public static void write(RunResult run, Path file) throws IOException {
        MAPPER.writeValue(file.toFile(), toTree(run));
    }

    public static ObjectNode toTree(RunResult run) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("conformant", run.conformant());
        root.put("verdict", run.verdict().label());
        ArrayNode reasons = root.putArray("verdict_reasons");
        run.verdictReasons().forEach(reasons::add);
        root.set("run_info", runInfo(run.info()));

        StatusTable table = new StatusTable(run);
        ObjectNode counts = root.putObject("counts");
        for (Status s : Status.values()) counts.put(s.name(), table.count(s));
        ObjectNode rules = root.putObject("rules");
        table.perRule().forEach((rule, m) -> {
            ObjectNode o = rules.putObject(rule);
            m.forEach((s, n) -> o.put(s.name(), n));
        });
        ObjectNode ns = root.putObject("not_supported_per_feature");
        table.notSupportedPerFeature().forEach(ns::put);
        ObjectNode cov = root.putObject("coverage");
        new java.util.TreeMap<>(run.coverage()).forEach(cov::put);
        // generated cases per size class and routing dtype, ran and failed (derived: not read back)
        ClassCounts classes = ClassCounts.of(run);
        ObjectNode cls = root.putObject("classes");
        ObjectNode sizes = cls.putObject("sizes");
        classes.sizes().forEach((label, c) -> sizes.putObject(label).put("ran", c.ran()).put("failed", c.failed()));
        ObjectNode routing = cls.putObject("routing");
        classes.routing().forEach((label, c) -> routing.putObject(label).put("ran", c.ran()).put("failed", c.failed()));
        ArrayNode problems = root.putArray("expectation_problems");
        run.expectationProblems().forEach(problems::add);
        // per entry of the expectations file: the cases of this run it matched (a shard's input to report merge)
        ArrayNode matches = root.putArray("expectation_matches");
        for (ExpectationMatch m : run.expectationMatches()) {
            ObjectNode o = matches.addObject();
            o.put("list", m.list());
            o.put("case", m.pattern());
            o.put("cases", m.cases());
        }
        ArrayNode signatures = root.putArray("failure_signatures");
        for (SignatureTable.Group g : SignatureTable.of(run)) {
            ObjectNode o = signatures.addObject();
            o.put("signature", g.signature().label());
            o.put("cases", g.cases());
            o.put("first_case", g.firstCase());
            ArrayNode b = o.putArray("bundles");
            g.bundles().forEach(b::add);
            o.put("unbundled", g.unbundled());
        }

        // only when probes ran (docs/checks.md, "Robustness"): a run without them keeps its report as it was
        org.permcheck.engine.model.Robustness rb = run.robustness();
        if (rb.ran()) {
            ObjectNode o = root.putObject("robustness");
            o.put("safe", !rb.isUnsafe());
            o.put("line", run.robustnessLine());
            o.put("probes", rb.probes());
            o.put("refused", rb.refused());
            o.put("answered_within_bounds", rb.bounded());
            o.put("not_sent", rb.notSent());
            o.put("unsafe", rb.unsafe());
            o.put("excused", rb.excused());
            o.put("not_judged", rb.other());
            ObjectNode by = o.putObject("unsafe_by_rule");
            new java.util.TreeMap<>(rb.unsafeBy()).forEach(by::put);
        }

        ObjectNode unlisted = root.putObject("unlisted_passes");
        unlisted.put("cases", run.unlisted().cases());
        ObjectNode unlistedRules = unlisted.putObject("per_rule");
        new java.util.TreeMap<>(run.unlisted().perRule()).forEach(unlistedRules::put);
        ObjectNode unlistedFeatures = unlisted.putObject("features");
        new java.util.TreeMap<>(run.unlisted().features()).forEach(unlistedFeatures::put);

        ArrayNode cases = root.putArray("cases");
        for (CaseResult r : run.results()) cases.add(caseNode(r));
        return root;
    }

    static ObjectNode runInfo(RunInfo info) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("suite_version", info.suiteVersion());
        o.put("git_commit", info.gitCommit());
        ArrayNode cmd = o.putArray("command_line");
        info.commandLine().forEach(cmd::add);
        o.put("tier", info.tier());
        ArrayNode seeds = o.putArray("seeds");
        // seeds are 64-bit: written as decimal strings so JavaScript readers do not round them
        info.seeds().forEach(x -> seeds.add(Long.toString(x)));
        ObjectNode b = o.putObject("backend");
        info.backend().forEach(b::put);
        o.put("jdk", info.jdk());
        o.put("started_at", info.startedAt());
        o.put("wall_millis", info.wallMillis());
        if (info.vectorSet() != null) {
            ObjectNode v = o.putObject("vector_set");
            v.put("count", info.vectorSet().count());
            v.put("sha256", info.vectorSet().sha256());
        }
        o.put("shard", info.shard());
        return o;
    }

    static ObjectNode caseNode(CaseResult r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", r.caseId());
        o.put("op", r.op());
        o.put("status", r.status().name());
        ArrayNode rules = o.putArray("rules");
        r.rules().forEach(rules::add);
        ArrayNode features = o.putArray("features");
        r.features().forEach(features::add);
        o.put("nanos", r.nanos());
        o.put("size_bytes", r.sizeBytes());
        if (r.seed() == null) o.putNull("seed"); else o.put("seed", Long.toString(r.seed()));
        if (r.detail() != null) o.put("detail", r.detail());
        if (r.shrunk() != null) o.put("shrunk", r.shrunk());
        if (r.reproDir() != null) o.put("repro_dir", r.reproDir());
        if (r.notJudged() != null) o.put("not_judged", r.notJudged().id());
        if (r.excused()) o.put("excuse", r.excuse());
        ArrayNode vs = o.putArray("violations");
        for (Violation v : r.violations()) {
            ObjectNode vn = vs.addObject();
            vn.put("rule", v.rule());
            vn.put("message", v.message());
            vn.put("rendered", v.render());
            vn.put("more", v.more());
            Mismatch m = v.first();
            if (m != null) {
                ObjectNode mn = vn.putObject("first");
                mn.put("output", m.output());
                mn.put("token", m.token());
                mn.put("expert", m.expert());
                mn.put("row", m.row());
                mn.put("column", m.column());
                mn.put("expected", m.expected());
                mn.put("actual", m.actual());
            }
        }
        return o;
    }

    // ------------------------------------------------------------------ reading back

    /** Reads a report.json written by {@link #write}. */
    public static RunResult read(Path file) throws IOException {
        JsonNode root = JsonFile.object(file, FORMAT, FORMAT_VERSION);
        JsonNode ri = root.path("run_info");
        List<Long> seeds = new ArrayList<>();
        ri.path("seeds").forEach(n -> seeds.add(n.asLong()));
        Map<String, String> backend = new LinkedHashMap<>();
        ri.path("backend").fields().forEachRemaining(e -> backend.put(e.getKey(), e.getValue().asText()));
        RunInfo info = new RunInfo(ri.path("suite_version").asText(), ri.path("git_commit").asText(), JsonFile.strings(ri.path("command_line")),
                ri.path("tier").asText(), seeds, backend, ri.path("jdk").asText(), ri.path("started_at").asText(),
                ri.path("wall_millis").asLong(), ri.hasNonNull("vector_set")
                        ? new VectorSetPin(ri.path("vector_set").path("count").asInt(), ri.path("vector_set").path("sha256").asText()) : null,
                ri.path("shard").asText(RunInfo.WHOLE)); // reports older than the field covered the whole tier

        List<CaseResult> results = new ArrayList<>();
        for (JsonNode c : root.path("cases")) {
            List<Violation> vs = new ArrayList<>();
            for (JsonNode v : c.path("violations")) {
                JsonNode m = v.get("first");
                Mismatch first = m == null ? null : new Mismatch(m.path("output").asText(), m.path("token").asLong(),
                        m.path("expert").asLong(), m.path("row").asLong(), m.path("column").asLong(),
                        m.path("expected").asText(), m.path("actual").asText());
                vs.add(new Violation(v.path("rule").asText(), v.path("message").asText(), first, v.path("more").asLong()));
            }
            results.add(new CaseResult(c.path("id").asText(), c.path("op").asText(), JsonFile.strings(c.path("rules")), JsonFile.strings(c.path("features")),
                    Status.valueOf(c.path("status").asText()), vs, text(c, "detail"), c.path("nanos").asLong(),
                    c.path("size_bytes").asLong(), c.hasNonNull("seed") ? c.get("seed").asLong() : null,
                    text(c, "shrunk"), text(c, "repro_dir"), c.hasNonNull("not_judged") ? NotJudged.byId(c.get("not_judged").asText()) : null,
                    text(c, "excuse")));
        }
        Map<String, Long> coverage = new LinkedHashMap<>();
        root.path("coverage").fields().forEachRemaining(e -> coverage.put(e.getKey(), e.getValue().asLong()));
        List<ExpectationMatch> matches = new ArrayList<>();
        try {
            for (JsonNode m : root.path("expectation_matches")) {
                matches.add(new ExpectationMatch(m.path("list").asText(), m.path("case").asText(), m.path("cases").asLong()));
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": expectation_matches: " + e.getMessage());
        }
        JsonNode u = root.path("unlisted_passes");
        Map<String, Long> unlistedRules = new LinkedHashMap<>();
        u.path("per_rule").fields().forEachRemaining(e -> unlistedRules.put(e.getKey(), e.getValue().asLong()));
        Map<String, Long> unlistedFeatures = new LinkedHashMap<>();
        u.path("features").fields().forEachRemaining(e -> unlistedFeatures.put(e.getKey(), e.getValue().asLong()));
        UnlistedPasses unlisted = u.path("cases").asLong() == 0 ? UnlistedPasses.NONE
                : new UnlistedPasses(u.path("cases").asLong(), unlistedRules, unlistedFeatures);
        RunVerdict verdict;
        try {
            verdict = RunVerdict.byLabel(root.path("verdict").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
        return new RunResult(info, results, coverage, verdict, JsonFile.strings(root.path("verdict_reasons")),
                JsonFile.strings(root.path("expectation_problems")), unlisted, matches);
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
