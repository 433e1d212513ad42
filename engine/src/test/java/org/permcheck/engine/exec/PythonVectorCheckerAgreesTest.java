package org.permcheck.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.vectors.VectorCorruption;
import org.permcheck.engine.vectors.VectorSet;

/**
 * Issue 9: the offline Python checker (adapters/python/examples/check_vectors.py) agrees with the
 * engine. Every gutted set of {@link VectorCorruption} that Java refuses the checker refuses too,
 * with exit 2 and one line in the same words; a port claiming less gets the same NOT_SUPPORTED
 * vectors with the same reasons offline as through the protocol and is never called outside its
 * claims; a port writing -0.0 for sums of no term FAILs the same vectors on the same rules (C3, G1,
 * G4, and R2 through the round trip) both ways.
 */
class PythonVectorCheckerAgreesTest {
    static final Path VECTORS = Python.REPO.resolve("vectors");
    static final Path CHECKER = Python.REPO.resolve("adapters/python/examples/check_vectors.py");
    static final Path TEST_PORTS = Python.REPO.resolve("adapters/python/tests");

    @BeforeAll
    static void needNumpy() {
        assumeTrue(Python.hasNumpy(), "python3 with numpy not found: the Python checker cannot run here");
        assumeTrue(Files.isRegularFile(CHECKER), "adapters/python/examples/check_vectors.py not found from " + Python.REPO);
    }

    /** What one checker run printed. */
    record Checked(int exit, List<String> stdout, List<String> stderr) {
        /** vector id -> "VERDICT detail" of each judged line (the summary left out). */
        Map<String, String> verdicts() {
            Map<String, String> out = new TreeMap<>();
            for (String l : stdout) {
                if (l.startsWith("summary:")) continue;
                String[] p = l.split("\\s+", 3);
                String detail = p.length > 2 ? p[2].replaceFirst("^\\[[^\\]]*\\]\\s*", "") : "";
                out.put(p[1], p[0] + " " + detail);
            }
            return out;
        }
    }

    static Checked check(Path vectors, Path port, Path tmp) throws Exception {
        return check(vectors, port, tmp, Map.of());
    }

    static Checked check(Path vectors, Path port, Path tmp, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(tmp, "checker", ".out");
        Path err = Files.createTempFile(tmp, "checker", ".err");
        ProcessBuilder pb = new ProcessBuilder("python3", CHECKER.toString(), vectors.toString(), "--port", port.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the checker finished");
        return new Checked(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8), Files.readAllLines(err, StandardCharsets.UTF_8));
    }

    static RunResult javaRun(Path port) throws IOException {
        return javaRun("python3 " + port);
    }

    static RunResult javaRun(String command) throws IOException {
        // the run's defaults: every call twice (R1) and each dispatch combined back (R2), as the checker does
        RunOptions options = RunOptions.defaults().withCaseTimeout(Duration.ofSeconds(60));
        try (Runner runner = new Runner(() -> ExecBackend.forCommand(command), options)) {
            return runner.run(VectorSet.load(VECTORS));
        }
    }

    /** The part of Java's refusal the checker says in the same words (the rest comes from a JSON parser or the oracle). */
    static String sharedWording(VectorCorruption c, String java) {
        return switch (c) {
            // Python's json and Jackson word the parse error differently
            case MANIFEST_TRAILING_GARBAGE, INDEX_TRAILING_GARBAGE -> java.substring(0, java.indexOf("not valid JSON: ") + 16);
            // the checker has no oracle to ask: the expected outputs the manifest stores say it accepted the inputs
            case POSITIVE_FLIPPED_NEGATIVE -> java.substring(0, java.indexOf("accepts its inputs") + 18);
            default -> java;
        };
    }

    @ParameterizedTest
    @EnumSource(VectorCorruption.class)
    void aSetJavaRefusesTheCheckerRefusesInOneLine(VectorCorruption c, @TempDir Path tmp) throws Exception {
        Path d = VectorCorruption.freshCopy(tmp);
        c.apply(d);
        IOException java = assertThrows(IOException.class, () -> VectorSet.load(d), c + ": Java must refuse");
        Checked py = check(d, Python.NUMPY_PORT, tmp);
        assertEquals(2, py.exit(), c + ": exit 2; stderr " + py.stderr());
        assertEquals(1, py.stderr().size(), c + ": one line, no traceback: " + py.stderr());
        assertTrue(py.stdout().isEmpty(), c + ": nothing judged: " + py.stdout());
        String line = py.stderr().get(0);
        assertTrue(line.contains(c.expected), c + ": " + line);
        assertTrue(line.startsWith("check_vectors: " + sharedWording(c, java.getMessage())), c + ": Java says\n  " + java.getMessage() + "\nPython says\n  " + line);
    }

    @Test
    void theCommittedSetLoadsBothWays(@TempDir Path tmp) throws Exception {
        Checked py = check(VECTORS, Python.NUMPY_PORT, tmp);
        assertEquals(0, py.exit(), "a correct port passes offline: " + py.stdout() + py.stderr());
        assertEquals(VectorSet.load(VECTORS).size(), py.verdicts().values().stream().filter(v -> v.startsWith("PASS")).count(),
                "every positive vector passes: " + py.verdicts());
    }

    /**
     * The numpy port claiming everything, and a copy claiming f32, te-jax and probs only (its
     * functions raise when called outside the claims): the same vectors are NOT_SUPPORTED, for the
     * same reasons, offline and through the protocol, the same pass, and none fails.
     */
    @ParameterizedTest
    @ValueSource(strings = {"../examples/numpy_port.py", "narrow_port.py"})
    void theClaimsGiveTheSameVerdictsOfflineAndThroughTheProtocol(String port, @TempDir Path tmp) throws Exception {
        Path file = TEST_PORTS.resolve(port).normalize();
        RunResult java = javaRun(file);
        Checked py = check(VECTORS, file, tmp);
        assertEquals(0, py.exit(), "nothing fails offline: " + py.stdout() + py.stderr());
        assertTrue(py.stderr().isEmpty(), "nothing on stderr: " + py.stderr());
        Map<String, String> javaVerdicts = new TreeMap<>();
        for (CaseResult c : java.results()) {
            javaVerdicts.put(c.caseId().substring("vec/".length()),
                    c.status() == Status.NOT_SUPPORTED ? Status.NOT_SUPPORTED + " " + c.detail() : c.status().toString());
        }
        Map<String, String> pyVerdicts = new TreeMap<>();
        py.verdicts().forEach((id, v) -> {
            if (!v.startsWith("SKIP")) pyVerdicts.put(id, v.startsWith("NOT_SUPPORTED") ? v : v.strip());
        });
        assertEquals(javaVerdicts, pyVerdicts, "the same verdict and NOT_SUPPORTED reason for every vector");
        long notSupported = javaVerdicts.values().stream().filter(v -> v.startsWith("NOT_SUPPORTED")).count();
        if (port.equals("narrow_port.py")) assertTrue(notSupported > 20, "the narrow port leaves most vectors out: " + notSupported);
        else assertEquals(0, notSupported, "the full port claims every vector");
    }

    /**
     * -0.0 is within every tolerance of 0.0: only the empty-sum rules (C3, G1, G4) see it, and R2
     * where a dispatch's round trip combines a token routed nowhere. The same vectors FAIL both
     * ways, each citing the same of those rules.
     */
    @Test
    void negativeZeroForASumOfNoTermFailsTheSameVectorsOnTheSameRules(@TempDir Path tmp) throws Exception {
        Path port = TEST_PORTS.resolve("negative_zero_port.py");
        Map<String, Set<String>> javaRules = new TreeMap<>();
        for (CaseResult c : javaRun(port).results()) {
            if (c.status() != Status.FAIL) continue;
            Set<String> rules = new TreeSet<>();
            for (Violation v : c.violations()) rules.add(v.rule());
            javaRules.put(c.caseId().substring("vec/".length()), rules);
        }
        Checked py = check(VECTORS, port, tmp);
        assertEquals(1, py.exit(), "FAIL exits 1: " + py.stderr());
        Map<String, Set<String>> pyRules = new TreeMap<>();
        py.verdicts().forEach((id, v) -> {
            if (!v.startsWith("FAIL")) return;
            Set<String> rules = new TreeSet<>();
            Matcher m = CITED.matcher(v);
            while (m.find()) rules.add(m.group(1));
            pyRules.put(id, rules);
        });
        assertTrue(javaRules.values().stream().anyMatch(r -> r.contains(Rule.C3.id())), "the committed set has sums of no term: " + javaRules);
        assertEquals(javaRules, pyRules, "the same vectors FAIL, on the same rules");
    }

    /** Each bug the numpy port can plant (PERMCHECK_PLANT_BUG) FAILs the same vectors offline and through the protocol. */
    @ParameterizedTest
    @ValueSource(strings = {"zero-prob", "token-order", "pad-offsets", "combine-weights", "chunk-tail"})
    void aPlantedBugFailsTheSameVectorsBothWays(String bug, @TempDir Path tmp) throws Exception {
        Set<String> javaIds = new TreeSet<>();
        for (CaseResult c : javaRun("PERMCHECK_PLANT_BUG=" + bug + " " + Python.numpyPort()).results()) {
            if (c.status() != Status.PASS && c.status() != Status.NOT_SUPPORTED) javaIds.add(c.caseId().substring("vec/".length()) + " " + c.status());
        }
        Checked py = check(VECTORS, Python.NUMPY_PORT, tmp, Map.of("PERMCHECK_PLANT_BUG", bug));
        Set<String> pyIds = new TreeSet<>();
        py.verdicts().forEach((id, v) -> {
            if (!v.startsWith("PASS") && !v.startsWith("SKIP") && !v.startsWith("NOT_SUPPORTED")) pyIds.add(id + " " + v.split(" ", 2)[0]);
        });
        assertEquals(1, py.exit(), bug + ": " + py.stderr());
        assertTrue(!javaIds.isEmpty(), bug + " is caught");
        assertEquals(javaIds, pyIds, bug + ": the same vectors with the same verdict");
    }

    /** The rules an offline FAIL line cites, "[C3]" and the like. */
    static final Pattern CITED = Pattern.compile("\\[(C3|G1|G4|R1|R2)\\]");
}
