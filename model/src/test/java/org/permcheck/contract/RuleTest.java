package org.permcheck.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** {@link Rule} and docs/spec.md name the same rules, both ways. */
class RuleTest {
    private static final Path SPEC = Path.of("..", "docs", "spec.md");

    private static String spec() throws IOException { return Files.readString(SPEC, StandardCharsets.UTF_8); }

    /** The ids of the numbered paragraphs: a line starting with a bold id, "**D1** (...)". */
    private static Set<String> numberedIds(String spec) {
        Matcher m = Pattern.compile("^\\*\\*([A-Z][0-9]+)\\*\\*", Pattern.MULTILINE).matcher(spec);
        Set<String> ids = new TreeSet<>();
        while (m.find()) ids.add(m.group(1));
        return ids;
    }

    @Test
    void everyNumberedRuleOfTheSpecIsAConstantAndEveryConstantIsInTheSpec() throws IOException {
        Set<String> spec = numberedIds(spec());
        assertTrue(spec.size() >= 40, "docs/spec.md parsed: " + spec);
        Set<String> constants = Arrays.stream(Rule.values()).map(Rule::id)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>(spec);
        missing.removeAll(constants);
        assertEquals(Set.of(), missing, "rules of docs/spec.md without a Rule constant");
        Set<String> extra = new TreeSet<>(constants);
        extra.removeAll(spec);
        assertEquals(Set.of(), extra, "Rule constants docs/spec.md does not number");
    }

    /** The run-level rules (numbered paragraphs too) are the ones the spec names in its run-level section heading. */
    @Test
    void runLevelRulesAreTheOnesTheSpecNamesAsRunLevel() throws IOException {
        Matcher m = Pattern.compile("^## Run-level rules \\(([^)]*)\\)", Pattern.MULTILINE).matcher(spec());
        assertTrue(m.find(), "docs/spec.md has a 'Run-level rules (...)' section");
        Set<String> named = new TreeSet<>();
        Matcher id = Pattern.compile("\\b(R[0-9]+)\\b").matcher(m.group(1));
        while (id.find()) named.add(id.group(1));
        Set<String> constants = Arrays.stream(Rule.values()).filter(Rule::runLevel).map(Rule::id)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(named, constants);
    }

    @Test
    void idsRoundTripAndUnknownIdsAreEmpty() {
        for (Rule r : Rule.values()) assertEquals(r, Rule.byId(r.id()).orElseThrow());
        assertTrue(Rule.byId("D9").isEmpty());
        assertTrue(Rule.byId("d1").isEmpty());
        assertTrue(Rule.X6.precondition() && !Rule.C3.precondition());
    }

    /** Lower case, backticks and punctuation as single spaces: "dispatch backward, `grad_inp`" = "dispatch backward grad_inp". */
    private static String words(String s) {
        return s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_+.]+", " ").strip();
    }

    /**
     * The title a report prints beside a rule id says what the spec's paragraph says: it holds the
     * paragraph's parenthesis ("**M1** (shape and dtype)") word for word, punctuation aside.
     */
    @Test
    void everyTitleHoldsTheParenthesisOfItsSpecParagraph() throws IOException {
        Matcher m = Pattern.compile("^\\*\\*([A-Z][0-9]+)\\*\\* \\(([^)]*)\\)", Pattern.MULTILINE).matcher(spec());
        int checked = 0;
        java.util.List<String> wrong = new java.util.ArrayList<>();
        while (m.find()) {
            Rule r = Rule.byId(m.group(1)).orElseThrow();
            checked++;
            if (!(" " + words(r.title()) + " ").contains(" " + words(m.group(2)) + " ")) wrong.add(r.id() + ": '" + r.title() + "' vs spec '" + m.group(2) + "'");
        }
        assertTrue(checked >= 40, "parenthesised rule paragraphs found: " + checked);
        assertEquals(java.util.List.of(), wrong);
    }

    @Test
    void theTitleCheckSeesAMismatch() {
        // the comparison itself: a title that drops a word of the parenthesis does not hold it
        assertTrue((" " + words("tokens_per_expert always returned") + " ").contains(" " + words("always returned") + " "));
        assertFalse((" " + words("ragged all-to-all, simulated") + " ").contains(" " + words("ragged all-to-all, simulated; not an op") + " "));
    }
}
