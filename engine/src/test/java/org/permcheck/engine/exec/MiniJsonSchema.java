package org.permcheck.engine.exec;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The subset of JSON Schema 2020-12 that docs/protocol.schema.json uses ($ref to $defs, oneOf,
 * type, const, enum, required, properties, additionalProperties, propertyNames, items, minimum, minLength), so the
 * tests can hold real messages against the published schema without another dependency.
 */
final class MiniJsonSchema {
    private final JsonNode root;

    MiniJsonSchema(JsonNode root) {
        this.root = root;
    }

    /** Problems of {@code value} against the whole schema; empty when it conforms. */
    List<String> validate(JsonNode value) {
        List<String> out = new ArrayList<>();
        check(root, value, "$", out);
        return out;
    }

    private void check(JsonNode schema, JsonNode v, String at, List<String> out) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            if (!ref.startsWith("#/$defs/")) throw new IllegalArgumentException("unsupported $ref " + ref);
            check(root.path("$defs").path(ref.substring(8)), v, at, out);
        }
        if (schema.has("oneOf")) {
            int matches = 0;
            for (JsonNode alt : schema.get("oneOf")) {
                List<String> sub = new ArrayList<>();
                check(alt, v, at, sub);
                if (sub.isEmpty()) matches++;
            }
            if (matches != 1) out.add(at + ": matches " + matches + " of the oneOf alternatives, not exactly one");
        }
        if (schema.has("type") && !typeOk(schema.get("type"), v)) out.add(at + ": not of type " + schema.get("type"));
        if (schema.has("const") && !schema.get("const").equals(v)) out.add(at + ": must be " + schema.get("const"));
        if (schema.has("enum")) {
            boolean any = false;
            for (JsonNode e : schema.get("enum")) any |= e.equals(v);
            if (!any) out.add(at + ": " + v + " not in " + schema.get("enum"));
        }
        if (schema.has("minimum") && v.isNumber() && v.asDouble() < schema.get("minimum").asDouble()) out.add(at + ": below the minimum");
        if (schema.has("minLength") && v.isTextual() && v.asText().length() < schema.get("minLength").asInt()) out.add(at + ": too short");
        if (v.isObject()) {
            for (JsonNode r : schema.path("required")) if (!v.has(r.asText())) out.add(at + ": lacks required '" + r.asText() + "'");
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (schema.has("propertyNames")) check(schema.get("propertyNames"), TextNode.valueOf(e.getKey()), at + " key " + e.getKey(), out);
                JsonNode p = schema.path("properties").get(e.getKey());
                if (p != null) check(p, e.getValue(), at + "." + e.getKey(), out);
                else if (schema.has("additionalProperties") && schema.get("additionalProperties").isObject()) {
                    check(schema.get("additionalProperties"), e.getValue(), at + "." + e.getKey(), out);
                }
            }
        }
        if (v.isArray() && schema.has("items")) {
            int i = 0;
            for (JsonNode item : v) check(schema.get("items"), item, at + "[" + (i++) + "]", out);
        }
    }

    private static boolean typeOk(JsonNode type, JsonNode v) {
        if (type.isArray()) {
            for (JsonNode t : type) if (typeOk(t, v)) return true;
            return false;
        }
        switch (type.asText()) {
            case "object": return v.isObject();
            case "array": return v.isArray();
            case "string": return v.isTextual();
            case "integer": return v.isIntegralNumber();
            case "number": return v.isNumber();
            case "boolean": return v.isBoolean();
            case "null": return v.isNull();
            default: throw new IllegalArgumentException("unknown type " + type);
        }
    }
}
