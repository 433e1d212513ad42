package org.permcheck.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The repository stands alone: no file names a reference document kept outside it, and every
 * citation of docs/sources.md ({@code docs/sources.md#te-3-1}, a "TE §3.1" of docs/spec.md) names an
 * anchor that file defines. Every rule of docs/spec.md has a row in the rule index of
 * docs/sources.md, so each rule's upstream sources can be found.
 */
class SourcesCitedTest {
    /** Names of documents outside the repository; split so this file does not match itself. */
    private static final List<String> OUTSIDE = List.of(
            "te-" + "contract.md", "peers" + ".md", "conformance-" + "suites.md", ".." + "/shared/", "/work/" + "shared");
    private static final Pattern ANCHOR = Pattern.compile("<a id=\"([a-z0-9-]+)\"></a>");
    private static final String ID = "[a-z0-9]+(?:-[a-z0-9]+)*";
    /** {@code sources.md#a}, optionally continued by bare anchors: {@code , #b}, {@code and #c}, {@code to #d}. */
    private static final Pattern CITATION = Pattern.compile(
            "sources\\.md#(" + ID + ")((?:(?:, | and | to | / )#" + ID + ")*)");
    private static final Pattern CONTINUED = Pattern.compile("#(" + ID + ")");
    /** "TE §3.1", optionally continued: "TE §4.1, §7", "TE §3.4, §3.5, §4.3, §10". */
    private static final Pattern TE_SECTION = Pattern.compile(
            "TE §(\\d+(?:\\.\\d+)*)((?:(?:, | and | / |–)§\\d+(?:\\.\\d+)*)*)");
    private static final Pattern SECTION_NUMBER = Pattern.compile("§(\\d+(?:\\.\\d+)*)");
    private static final Pattern IN_PAGE_LINK = Pattern.compile("\\]\\(#(" + ID + ")\\)");
    private static final Pattern RULE = Pattern.compile("(?m)^\\*\\*([A-Z][0-9]+)\\*\\*");
    /** Build outputs, VCS data and the ignored run outputs (.gitignore): not part of the repository's text. */
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", ".gpu", ".gl", "target", "__pycache__", "permcheck-out", "scratch");
    private static final Set<String> SKIPPED_REPORT_DIRS = Set.of("latest", "fuzz", "bench");

    static Path root() {
        // surefire runs in the module directory; walk up to the repository root
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docs/spec.md")) && Files.isRegularFile(p.resolve("pom.xml"))) return p;
        }
        throw new IllegalStateException("repository root (docs/spec.md) not found above " + Path.of("").toAbsolutePath());
    }

    /** Every text file of the repository, by path relative to the root. */
    static Map<String, String> textFiles(Path root) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                Path rel = root.relativize(f);
                if (skipped(rel) || rel.toString().endsWith(".npy") || !isText(f)) continue;
                out.put(rel.toString().replace('\\', '/'), Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static boolean skipped(Path rel) {
        for (int i = 0; i < rel.getNameCount() - 1; i++) {
            String dir = rel.getName(i).toString();
            if (SKIPPED_DIRS.contains(dir)) return true;
            if (i == 1 && rel.getName(0).toString().equals("reports") && SKIPPED_REPORT_DIRS.contains(dir)) return true;
        }
        return false;
    }

    private static boolean isText(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            for (byte b : in.readNBytes(8192)) if (b == 0) return false;
        }
        return true;
    }

    static Set<String> anchors(String sources) {
        Set<String> ids = new TreeSet<>();
        Matcher m = ANCHOR.matcher(sources);
        while (m.find()) ids.add(m.group(1));
        return ids;
    }

    /** "file:line: what" for every mention of a document outside the repository. */
    static List<String> outsideMentions(String file, String text) {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            for (String name : OUTSIDE) if (lines[i].contains(name)) out.add(file + ":" + (i + 1) + ": names " + name);
        }
        return out;
    }

    /** "file:line: anchor" for every cited docs/sources.md anchor (or "TE §n") that {@code anchors} lacks. */
    static List<String> unknownCitations(String file, String text, Set<String> anchors) {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            List<String> cited = new ArrayList<>();
            Matcher m = CITATION.matcher(lines[i]);
            while (m.find()) {
                cited.add(m.group(1));
                Matcher c = CONTINUED.matcher(m.group(2));
                while (c.find()) cited.add(c.group(1));
            }
            Matcher te = TE_SECTION.matcher(lines[i]);
            while (te.find()) {
                Matcher n = SECTION_NUMBER.matcher(te.group());
                while (n.find()) cited.add("te-" + n.group(1).replace('.', '-'));
            }
            if (file.equals("docs/sources.md")) {
                Matcher l = IN_PAGE_LINK.matcher(lines[i]);
                while (l.find()) cited.add(l.group(1));
            }
            for (String a : cited) if (!anchors.contains(a)) out.add(file + ":" + (i + 1) + ": #" + a);
        }
        return out;
    }

    @Test
    void noFileNamesADocumentOutsideTheRepository() throws IOException {
        Map<String, String> files = textFiles(root());
        assertTrue(files.containsKey("docs/spec.md") && files.containsKey("README.md") && files.size() > 200,
                "the walk found only " + files.size() + " files: is the root right?");
        List<String> found = new ArrayList<>();
        files.forEach((f, text) -> found.addAll(outsideMentions(f, text)));
        assertTrue(found.isEmpty(), "cite docs/sources.md or a docs/spec.md rule id instead:\n" + String.join("\n", found));
    }

    @Test
    void everyCitedAnchorExists() throws IOException {
        Path root = root();
        Set<String> anchors = anchors(Files.readString(root.resolve("docs/sources.md"), StandardCharsets.UTF_8));
        assertTrue(anchors.contains("te-16") && anchors.contains("ragged-all-to-all"), "docs/sources.md anchors: " + anchors);
        List<String> unknown = new ArrayList<>();
        textFiles(root).forEach((f, text) -> {
            if (!f.endsWith("/SourcesCitedTest.java")) unknown.addAll(unknownCitations(f, text, anchors)); // its examples are planted
        });
        assertTrue(unknown.isEmpty(), "anchors docs/sources.md does not define:\n" + String.join("\n", unknown));
    }

    @Test
    void anchorsAreUnique() throws IOException {
        String sources = Files.readString(root().resolve("docs/sources.md"), StandardCharsets.UTF_8);
        Matcher m = ANCHOR.matcher(sources);
        List<String> all = new ArrayList<>();
        while (m.find()) all.add(m.group(1));
        assertEquals(new TreeSet<>(all).size(), all.size(), "duplicate anchors in docs/sources.md: " + all);
    }

    @Test
    void everySpecRuleHasARowInTheRuleIndex() throws IOException {
        Path root = root();
        Matcher m = RULE.matcher(Files.readString(root.resolve("docs/spec.md"), StandardCharsets.UTF_8));
        String sources = Files.readString(root.resolve("docs/sources.md"), StandardCharsets.UTF_8);
        List<String> rules = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            rules.add(m.group(1));
            if (!Pattern.compile("(?m)^\\| " + m.group(1) + " \\|").matcher(sources).find()) missing.add(m.group(1));
        }
        assertTrue(rules.size() >= 40, "docs/spec.md defines only " + rules.size() + " rules: is the format still **ID**?");
        assertTrue(missing.isEmpty(), "rules of docs/spec.md without a row in docs/sources.md#rule-index: " + missing);
    }

    /** The scanners themselves: a planted mention and planted bad citations are found, good ones pass. */
    @Test
    void scannersFindPlantedViolations() {
        assertEquals(List.of("X.java:2: names " + OUTSIDE.get(0)), outsideMentions("X.java", "ok\n// see " + OUTSIDE.get(0) + " 16\n"));
        Set<String> anchors = Set.of("te-1", "te-3-1", "te-7", "field-bugs");
        assertEquals(List.of(), unknownCitations("a.md", "docs/sources.md#te-3-1, #te-7 and TE §1, §3.1.", anchors));
        assertEquals(List.of("a.md:1: #te-4-1", "a.md:1: #te-9", "a.md:2: #nope", "a.md:2: #te-12-2"),
                unknownCitations("a.md", "docs/sources.md#te-4-1, #te-7 / TE §1, §9\nTE §12.2; sources.md#te-1 to #nope", anchors));
        assertEquals(List.of("docs/sources.md:1: #te-2"), unknownCitations("docs/sources.md", "[x](#te-1) [y](#te-2)", anchors));
    }
}
