package org.permcheck.engine.vectors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/** JSON of vector manifests: insertion-ordered, two-space indent, "\n" line ends, a final newline. */
final class VectorJson {
    private VectorJson() {}

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER;

    static {
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
        WRITER = MAPPER.writer(pp);
    }

    /** The exact bytes a manifest is stored as (so regeneration is byte for byte). */
    static byte[] bytes(JsonNode n) {
        try {
            return (WRITER.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
    }
}
