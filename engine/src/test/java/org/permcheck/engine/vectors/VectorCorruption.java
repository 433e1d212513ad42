package org.permcheck.engine.vectors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one table of gutted vector sets (issue 9): each corrupts one thing in a fresh copy of the
 * committed set, so the corpus cannot go stale, and names a fragment of the one-line refusal
 * expected from both the loader and the verifier. Public so that the Python checker's agreement
 * test (engine/exec/PythonVectorCheckerAgreesTest) corrupts sets from the same table.
 */
public enum VectorCorruption {
    CASES_MISSING("\"cases\" must be an array") {
        public void apply(Path d) throws IOException { edit(d.resolve("index.json"), s -> s.replaceFirst("\"cases\"", "\"kases\"")); }
    },
    CASES_EMPTY("\"cases\" is empty") {
        public void apply(Path d) throws IOException { edit(d.resolve("index.json"), s -> s.replaceFirst("\"cases\" : \\[[^\\]]*\\]", "\"cases\" : []")); }
    },
    CASES_STRING("\"cases\" must be an array") {
        public void apply(Path d) throws IOException { edit(d.resolve("index.json"), s -> s.replaceFirst("\"cases\" : \\[[^\\]]*\\]", "\"cases\" : \"dispatch/worked-example\"")); }
    },
    VECTOR_UNLISTED("not listed in \"cases\": dispatch/worked-example") {
        public void apply(Path d) throws IOException { edit(d.resolve("index.json"), s -> s.replaceFirst("\"dispatch/worked-example\", ", "")); }
    },
    POSITIVE_FLIPPED_NEGATIVE("the oracle accepts its inputs") {
        public void apply(Path d) throws IOException {
            edit(d.resolve("dispatch/worked-example/case.json"),
                    s -> s.replaceFirst("\"op\" : \"token_dispatch\",", "\"op\" : \"token_dispatch\",\n  \"negative\" : { \"rule\" : \"X2\", \"message\" : \"flipped\" },"));
        }
    },
    MANIFEST_TRAILING_GARBAGE("not valid JSON") {
        public void apply(Path d) throws IOException { edit(d.resolve("dispatch/worked-example/case.json"), s -> s + "{\"garbage\": 1}\n"); }
    },
    INDEX_TRAILING_GARBAGE("not valid JSON") {
        public void apply(Path d) throws IOException { edit(d.resolve("index.json"), s -> s + "]\n"); }
    },
    /** A vector removed whole (index entry and directory): everything left is consistent, only the pin sees it. */
    VECTOR_REMOVED("does not match its pin") {
        public void apply(Path d) throws IOException {
            edit(d.resolve("index.json"), s -> s.replaceFirst("\"dispatch/worked-example\", ", ""));
            VectorGenerator.deleteTree(d.resolve("dispatch/worked-example"));
        }
    };

    /** A fragment of the one-line error every checker must give. */
    public final String expected;

    VectorCorruption(String expected) { this.expected = expected; }

    /** Corrupts the set in {@code dir} (a fresh copy, see {@link #freshCopy}). */
    public abstract void apply(Path dir) throws IOException;

    /** A fresh copy of the committed set under {@code tmp}, for checkers outside this package (issue 9). */
    public static Path freshCopy(Path tmp) throws IOException { return VectorPromoteAndErrorsTest.copyOfCommitted(tmp); }

    private static void edit(Path f, java.util.function.UnaryOperator<String> change) throws IOException {
        String before = Files.readString(f, StandardCharsets.UTF_8);
        String after = change.apply(before);
        if (after.equals(before)) throw new IllegalStateException(f + ": the corruption changed nothing (the committed set moved on?)");
        Files.writeString(f, after, StandardCharsets.UTF_8);
    }
}
