package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.permcheck.engine.model.RunVerdict;
import org.permcheck.engine.report.JsonReport;

/**
 * The CI snippets of docs/ci, run as far as this machine allows (issue 13): each file is read as
 * its scheduler would read it (YAML for GitHub, GitLab and Kubernetes; bash for Slurm, whose
 * {@code #SBATCH} lines are comments), the shard count it declares is checked against the
 * {@code --shard i/n} it passes, and its shell lines are executed for every shard index with the
 * variables the scheduler sets (GitHub's {@code matrix.shard}, GitLab's 1-based
 * {@code CI_NODE_INDEX}, Slurm's {@code SLURM_ARRAY_TASK_ID}, the Indexed Job's
 * {@code JOB_COMPLETION_INDEX}), then the merge line. The verdict must be the one the merge of a
 * whole tier gives: CONFORMANT, with the expectations file's one skip (a case of one shard only)
 * matched by the merge and stale in no shard.
 *
 * <p>To keep this seconds, not minutes, the {@code ./permcheck} the snippets call is a launcher of
 * this test's class path that adds {@code --case} to {@code run}: the tier's combine edge cases, still
 * sharded four ways. Everything else is the snippet's own text.
 */
class CiSnippetsTest {
    static final Path CI = RunCommandTest.ROOT.resolve("docs/ci");
    static final YAMLMapper YAML = new YAMLMapper();
    static final String SKIPPED = "quick/edge/combine-plain";

    @TempDir Path work;

    @BeforeEach
    void aCheckoutWithALauncher() throws IOException {
        Path launcher = work.resolve("permcheck");
        Files.writeString(launcher, "#!/usr/bin/env bash\n"
                + "# the snippets' ./permcheck: this test's class path; run gets --case (a few edge cases)\n"
                + "if [ \"$1\" = run ]; then set -- \"$@\" --case \"$PERMCHECK_TEST_CASES\"; fi\n"
                + "exec java -cp '" + System.getProperty("java.class.path") + "' org.permcheck.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(work.resolve("vectors"), RunCommandTest.ROOT.resolve("vectors"));
        Files.createDirectories(work.resolve("expectations"));
        Files.writeString(work.resolve("expectations/cpu.json"), "{\"backend\": \"cpu\", \"skips\": [{\"case\": \"" + SKIPPED
                + "\", \"reason\": \"CiSnippetsTest: a case of one shard only\"}]}");
    }

    /** Runs one shell line in the checkout; returns its exit code (output kept for the message). */
    int sh(String line, Map<String, String> env, List<String> log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().putIfAbsent("PERMCHECK_TEST_CASES", "quick/edge/combine-*");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + line);
        log.add("$ " + line + "\n" + out);
        return p.exitValue();
    }

    void assertGateConformant(Path gate, List<String> log) throws IOException {
        var merged = JsonReport.read(gate.resolve("report.json"));
        assertEquals(RunVerdict.CONFORMANT, merged.verdict(), String.join("\n", log));
        assertTrue(Files.isRegularFile(gate.resolve("junit.xml")), "the gate's junit.xml");
        assertTrue(merged.results().stream().anyMatch(r -> r.caseId().equals(SKIPPED)), "the skipped case is in the merge");
        assertEquals(List.of(), merged.expectationProblems());
    }

    static int shardCount(String runLine) {
        Matcher m = Pattern.compile("--shard .*?/(\\d+)").matcher(runLine);
        assertTrue(m.find(), "no --shard i/n in: " + runLine);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void gitHubActionsMatrixThenMergeGate() throws Exception {
        JsonNode jobs = YAML.readTree(CI.resolve("github-actions.yml").toFile()).get("jobs");
        JsonNode matrix = jobs.at("/shard/strategy/matrix/shard");
        JsonNode steps = jobs.at("/shard/steps");
        String run = null, upload = null, artifact = null;
        for (JsonNode s : steps) {
            if (s.has("run")) run = s.get("run").asText();
            if (s.path("uses").asText().startsWith("actions/upload-artifact")) {
                upload = s.at("/with/path").asText();
                artifact = s.at("/with/name").asText();
            }
        }
        assertEquals(matrix.size(), shardCount(run), "matrix size and --shard i/n agree");
        assertEquals("shard", jobs.at("/gate/needs").asText());
        List<String> log = new ArrayList<>();
        for (JsonNode shard : matrix) {
            String i = shard.asText();
            // download-artifact puts artifact NAME under its path 'reports': the merge must find reports/NAME
            assertEquals("reports/" + artifact.replace("${{ matrix.shard }}", i), upload.replace("${{ matrix.shard }}", i));
            assertEquals(0, sh(run.replace("${{ matrix.shard }}", i), Map.of(), log), String.join("\n", log));
        }
        String merge = null;
        for (JsonNode s : jobs.at("/gate/steps")) if (s.has("run")) merge = s.get("run").asText();
        assertEquals(0, sh(merge, Map.of(), log), String.join("\n", log));
        assertGateConformant(work.resolve("reports/gate"), log);
    }

    @Test
    void gitLabParallelJobsThenMergeGate() throws Exception {
        JsonNode root = YAML.readTree(CI.resolve("gitlab-ci.yml").toFile());
        JsonNode shard = root.get("permcheck-shard"), gate = root.get("permcheck-gate");
        int n = shard.get("parallel").asInt();
        assertEquals("permcheck-shard", gate.at("/needs/0").asText());
        List<String> log = new ArrayList<>();
        for (int node = 1; node <= n; node++) { // GitLab numbers parallel jobs from 1
            for (JsonNode line : shard.get("script")) {
                assertEquals(0, sh(line.asText(), Map.of("CI_NODE_INDEX", "" + node, "CI_NODE_TOTAL", "" + n), log), String.join("\n", log));
            }
        }
        for (JsonNode line : gate.get("script")) assertEquals(0, sh(line.asText(), Map.of(), log), String.join("\n", log));
        assertGateConformant(work.resolve("reports/gate"), log);
        assertEquals("reports/gate/junit.xml", gate.at("/artifacts/reports/junit").asText());
    }

    @Test
    void slurmArrayThenDependentMerge() throws Exception {
        String script = Files.readString(CI.resolve("slurm-shards.sbatch"));
        Matcher array = Pattern.compile("(?m)^#SBATCH --array=0-(\\d+)$").matcher(script);
        assertTrue(array.find());
        int n = Integer.parseInt(array.group(1)) + 1;
        Matcher wrap = Pattern.compile("(?m)^#\\s+sbatch --dependency=afterany:\\$jid --wrap \"(.*)\"$").matcher(script);
        assertTrue(wrap.find(), "the merge line in the header");
        List<String> log = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, String> env = Map.of("SLURM_SUBMIT_DIR", work.toString(), "SLURM_ARRAY_TASK_ID", "" + i,
                    "SLURM_ARRAY_TASK_COUNT", "" + n, "PERMCHECK_TEST_CASES", "full/edge/combine-*");
            assertEquals(0, sh("bash " + CI.resolve("slurm-shards.sbatch"), env, log), String.join("\n", log));
        }
        assertEquals(0, sh(wrap.group(1), Map.of(), log), String.join("\n", log));
        var merged = JsonReport.read(work.resolve("reports/gate/report.json"));
        assertEquals(RunVerdict.CONFORMANT, merged.verdict(), String.join("\n", log));
        assertEquals("full", merged.info().tier());
    }

    @Test
    void kubernetesIndexedJobThenMergeJob() throws Exception {
        List<JsonNode> docs;
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(CI.resolve("k8s-indexed-job.yaml").toFile())) {
            docs = it.readAll();
        }
        JsonNode job = docs.get(0).get("spec"), gate = docs.get(1).get("spec");
        assertEquals("Indexed", job.get("completionMode").asText());
        int n = job.get("completions").asInt();
        String shardArgs = job.at("/template/spec/containers/0/args/0").asText();
        assertEquals(n, shardCount(shardArgs));
        assertEquals("bash", job.at("/template/spec/containers/0/command/0").asText());
        String reports = work.resolve("volume").toString(); // the shared volume's mount, /reports in the pods
        List<String> log = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            assertEquals(0, sh(shardArgs.replace("/reports", reports), Map.of("JOB_COMPLETION_INDEX", "" + i,
                    "PERMCHECK_TEST_CASES", "full/edge/combine-*"), log), String.join("\n", log));
        }
        assertEquals(0, sh(gate.at("/template/spec/containers/0/args/0").asText().replace("/reports", reports), Map.of(), log),
                String.join("\n", log));
        assertEquals(RunVerdict.CONFORMANT, JsonReport.read(Path.of(reports, "gate/report.json")).verdict(), String.join("\n", log));
    }
}
