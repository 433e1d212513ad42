package org.permcheck.engine.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.permcheck.engine.model.Case;

/**
 * CI's guard on the committed vectors/: regenerating them from the oracle reproduces every byte
 * (drift fails the build), every rule of docs/spec.md has a vector, every label is in the closed
 * list, and the set stays small.
 */
class CommittedVectorsTest {
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    static final Path VECTORS = REPO.resolve("vectors");

    /** A5 and A6 describe a multi-rank simulation (no single call to record); the engine's EP property covers them. */
    static final Set<String> NOT_SINGLE_CALL_RULES = Set.of("A5", "A6",
            // A7-A9 and their precondition X38 judge S rank processes answering together (the ep tier,
            // docs/protocol.md 8; EpTierTest): no single call a vector could record
            "A7", "A8", "A9", "X38",
            // group B is about a backend's answer to inputs outside the contract (the robustness tier's probes,
            // the negative vectors among them) and its guard bands: no expected output a vector could hold
            "B1", "B2", "B3",
            // R3, R4 relate several calls to each other (a relation's follow-ups, docs/checks.md section 2a): no one call's vector holds them
            "R3", "R4");

    @Test
    void regeneratingReproducesTheCommittedSetByteForByte(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("vectors");
        VectorGenerator.generate(out, VECTORS);
        List<String> committed = files(VECTORS);
        List<String> regenerated = files(out);
        assertEquals(committed, regenerated, "the same files (run './permcheck vectors generate' and commit vectors/)");
        for (String f : committed) {
            assertArrayEquals(Files.readAllBytes(VECTORS.resolve(f)), Files.readAllBytes(out.resolve(f)),
                    f + " drifted: run './permcheck vectors generate', review the diff and commit it");
        }
    }

    @Test
    void theCommittedSetVerifies() {
        assertEquals(List.of(), VectorSet.verify(VECTORS));
    }

    @Test
    void everyRuleOfTheSpecHasAVector() throws IOException {
        Set<String> specRules = specRuleIds();
        assertTrue(specRules.size() > 40, "docs/spec.md parsed: " + specRules);
        Set<String> cited = new TreeSet<>();
        for (VectorSet.Loaded l : VectorSet.loadAll(VECTORS, false)) cited.addAll(l.vector().rules());
        Set<String> missing = new TreeSet<>(specRules);
        missing.removeAll(cited);
        missing.removeAll(NOT_SINGLE_CALL_RULES);
        assertEquals(Set.of(), missing, "rules without a vector");
        Set<String> unknown = new TreeSet<>(cited);
        unknown.removeAll(specRules);
        unknown.removeAll(runLevelRules());
        assertEquals(Set.of(), unknown, "vectors cite rules docs/spec.md does not define");
    }

    @Test
    void featuresComeFromTheClosedListAndFeaturesTxtMatchesIt() throws IOException {
        for (VectorSet.Loaded l : VectorSet.loadAll(VECTORS, false)) {
            assertEquals(List.of(), FeatureLabels.unknown(l.vector().features()), l.vector().id());
        }
        assertEquals(FeatureLabels.featuresTxt(), Files.readString(VECTORS.resolve(VectorFiles.FEATURES), StandardCharsets.UTF_8));
    }

    @Test
    void theCommittedSetStaysUnderFiveMegabytes() throws IOException {
        long bytes = 0;
        for (String f : files(VECTORS)) bytes += Files.size(VECTORS.resolve(f));
        assertTrue(bytes <= 5L << 20, "vectors/ holds " + bytes + " bytes; large cases belong in recipes");
    }

    @Test
    void loaderGivesEngineCasesForThePositiveVectorsOnly() throws IOException {
        List<Case> cases = VectorSet.load(VECTORS);
        long negatives = VectorSet.loadAll(VECTORS, false).stream().filter(l -> l.vector().isNegative()).count();
        assertEquals(VectorSet.ids(VECTORS).size() - negatives, cases.size());
        assertTrue(negatives >= 8, "one negative vector per group-X rule");
        for (Case c : cases) {
            assertTrue(c.id().startsWith("vec/"), c.id());
            assertEquals("vector", c.origin());
            assertTrue(!c.rules().isEmpty(), c.id());
        }
        Case worked = cases.stream().filter(c -> c.id().equals("vec/dispatch/worked-example")).findFirst().orElseThrow();
        assertEquals(7L, worked.invocation().attr("num_out_tokens"));
        // TE §1 worked example routing map, row 1 = [1, 0, 1]
        assertEquals(1, worked.invocation().input("routing_map").getLong(1, 0));
        assertEquals(0, worked.invocation().input("routing_map").getLong(1, 1));
    }

    /** Run-level rules (R group: determinism, round trip) are the engine's: the run-level constants of Rule. */
    static Set<String> runLevelRules() {
        Set<String> ids = new TreeSet<>();
        for (org.permcheck.contract.Rule r : org.permcheck.contract.Rule.values()) if (r.runLevel()) ids.add(r.id());
        return ids;
    }

    static Set<String> specRuleIds() throws IOException {
        String spec = Files.readString(REPO.resolve("docs/spec.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("^\\*\\*([A-Z][0-9]+)\\*\\*", Pattern.MULTILINE).matcher(spec);
        Set<String> ids = new TreeSet<>();
        while (m.find()) ids.add(m.group(1));
        return ids;
    }

    static List<String> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
                    .filter(p -> !p.startsWith("large/")).sorted().collect(Collectors.toCollection(ArrayList::new));
        }
    }
}
