package org.permcheck.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * docs/generator.md publishes golden input hashes that ports (the Python adapter kit) must
 * reproduce; this keeps the published table and the Java generator in step (a change of either
 * is a change of the generator's contract and must be made on purpose, in both).
 */
class GeneratorDocsTest {

    @Test
    void publishedGoldenHashesMatchTheGenerator() throws Exception {
        Path doc = Path.of("..", "docs", "generator.md");
        String text = Files.readString(doc);
        String block = text.substring(text.indexOf("<!-- goldens:begin -->"), text.indexOf("<!-- goldens:end -->"));
        List<String> published = new ArrayList<>();
        for (String line : block.split("\n")) {
            if (line.startsWith("spec: ") || line.startsWith("    ")) published.add(line);
        }
        assertFalse(published.isEmpty(), "no goldens found in docs/generator.md");
        List<String> actual = new ArrayList<>();
        for (String spec : GeneratorGoldens.SPECS) {
            actual.add("spec: " + spec);
            for (String h : GeneratorGoldens.hashes(spec)) actual.add("    " + h);
        }
        assertEquals(String.join("\n", published), String.join("\n", actual));
    }
}
