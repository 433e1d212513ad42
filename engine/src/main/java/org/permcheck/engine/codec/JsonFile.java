package org.permcheck.engine.codec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /** The object in {@code f}, which must say {@code "format": format} and {@code "format_version": version}. */
    public static JsonNode object(Path f, String format, int version) throws IOException {
        JsonNode n = object(f);
        if (!format.equals(n.path("format").asText())) throw new IOException(f + ": not a " + format + " file");
        if (n.path("format_version").asInt(-1) != version) {
            throw new IOException(f + ": format version " + n.path("format_version").asText("(none)") + ", this permcheck reads " + version);
        }
        return n;
    }

    /** The texts of a JSON array ("rules", "features"); absent: none. */
    public static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }
}
