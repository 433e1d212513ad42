package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Keeps docs/spec.md and the tests in step: every rule id defined in the spec (a paragraph starting
 * with {@code **D1**}) must be cited by at least one test source of this module, and every rule id
 * a test name cites ({@code rule_D1_...}) must exist in the spec.
 */
class SpecRulesCitedTest {
    private static final Pattern DEFINITION = Pattern.compile("(?m)^\\*\\*([A-Z][0-9]+)\\*\\*");
    private static final Pattern TEST_NAME = Pattern.compile("void rule_((?:[A-Z][0-9]+_)+)");

    static Path spec() {
        // surefire runs in the module directory; the spec lives at the repository root
        Path p = Path.of("..", "docs", "spec.md");
        return Files.exists(p) ? p : Path.of("docs", "spec.md");
    }

    static Set<String> definedRules() throws IOException {
        Matcher m = DEFINITION.matcher(Files.readString(spec(), StandardCharsets.UTF_8));
        Set<String> ids = new LinkedHashSet<>();
        while (m.find()) ids.add(m.group(1));
        return ids;
    }

    static String testSources() throws IOException {
        StringBuilder all = new StringBuilder();
        Path root = Files.exists(Path.of("src", "test", "java")) ? Path.of("src", "test", "java") : Path.of("oracle", "src", "test", "java");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".java"))::iterator) {
                if (f.getFileName().toString().equals("SpecRulesCitedTest.java")) continue; // citing ids here would prove nothing
                all.append(Files.readString(f, StandardCharsets.UTF_8)).append('\n');
            }
        }
        return all.toString();
    }

    @Test
    void everySpecRuleIsCitedByATest() throws IOException {
        Set<String> ids = definedRules();
        assertTrue(ids.size() >= 40, "docs/spec.md defines only " + ids.size() + " rules: is the format still **ID**?");
        String sources = testSources();
        List<String> uncited = new ArrayList<>();
        for (String id : ids) {
            // an id counts when it stands alone: D1 must not be satisfied by D10, nor by XD1
            if (!Pattern.compile("(?<![A-Za-z0-9])" + id + "(?![0-9])").matcher(sources).find()) uncited.add(id);
        }
        assertTrue(uncited.isEmpty(), "rules of docs/spec.md no test cites: " + uncited);
    }

    @Test
    void everyRuleATestNameCitesExists() throws IOException {
        Set<String> ids = definedRules();
        Matcher m = TEST_NAME.matcher(testSources());
        List<String> unknown = new ArrayList<>();
        while (m.find()) {
            for (String id : m.group(1).split("_")) if (!id.isEmpty() && !ids.contains(id)) unknown.add(id);
        }
        assertTrue(unknown.isEmpty(), "test names cite rules docs/spec.md does not define: " + unknown);
    }
}
