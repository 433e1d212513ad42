package org.permcheck.engine.codec;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads the JSON file of a call (manifest, bundle case.json): one object, nothing after it. */
public final class JsonFile {
    private JsonFile() {}

    /** Strict: trailing content after the value is an error (Jackson otherwise stops at the first value). */
    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The object in {@code f}; anything else is an IOException of one line naming the file. */
    public static JsonNode object(Path f) throws IOException {
        try {
            JsonNode n = STRICT.readTree(f.toFile());
            if (n == null || !n.isObject()) throw new IOException(f + ": not a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            throw new IOException(f + ": not valid JSON: " + e.getOriginalMessage().replace('\n', ' '));
        }
    }
}
