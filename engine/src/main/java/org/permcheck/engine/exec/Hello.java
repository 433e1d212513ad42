package org.permcheck.engine.exec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Capabilities;
import org.permcheck.tensor.DType;

/**
 * The handshake of docs/protocol.md 3.1: the engine's hello, and the backend's hello read into a
 * {@link BackendInfo} with its claimed capabilities. {@code unusable} is set when the backend
 * speaks another protocol version (section 1): then every call is ERROR, never "supports nothing".
 */
record Hello(BackendInfo info, String unusable) {
    static final int PROTOCOL = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode request(Path scratch) {
        ObjectNode hello = JSON.createObjectNode();
        hello.put("type", "hello").put("protocol", PROTOCOL).put("suite", "permcheck " + suiteVersion()).put("scratch", scratch.toString());
        return hello;
    }

    /**
     * The backend's hello answer; a malformed one is a {@link ProtocolException} (the caller kills
     * the process: it does not speak the protocol).
     */
    static Hello parse(JsonNode h, String command) throws ProtocolException {
        if (!"hello".equals(h.path("type").asText())) {
            if ("error".equals(h.path("type").asText())) {
                throw broken("backend refused hello: " + MessageChannel.oneLine(h.path("message").asText("(no message)")));
            }
            throw broken("protocol: expected hello, got " + MessageChannel.abbreviate(h.toString()));
        }
        if (!h.path("protocol").isIntegralNumber()) throw broken("protocol: hello without an integer 'protocol'");
        int version = h.path("protocol").asInt();
        String name = h.path("name").asText("");
        if (name.isEmpty()) throw broken("protocol: hello without a 'name'");
        Map<String, String> details = new LinkedHashMap<>();
        details.put("command", command);
        details.put("protocol", Integer.toString(version));
        for (Iterator<Map.Entry<String, JsonNode>> it = h.path("details").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            details.put(e.getKey(), e.getValue().asText());
        }
        Optional<String> unavailable = h.hasNonNull("unavailable") ? Optional.of(MessageChannel.oneLine(h.get("unavailable").asText())) : Optional.empty();
        if (version != PROTOCOL) {
            String unusable = "protocol version " + version + " not supported; this engine speaks " + PROTOCOL;
            return new Hello(new BackendInfo(name, h.path("version").asText(""), h.path("device").asText(""),
                    new Capabilities(Set.of(), Set.of(), Set.of(), Set.of()), Optional.of(unusable), details), unusable);
        }
        return new Hello(new BackendInfo(name, h.path("version").asText(""), h.path("device").asText(""),
                capabilities(h.path("capabilities")), unavailable, details), null);
    }

    private static Capabilities capabilities(JsonNode c) throws ProtocolException {
        if (!c.isObject()) throw broken("protocol: hello without a 'capabilities' object");
        Set<Op> ops = EnumSet.noneOf(Op.class);
        for (String s : strings(c, "ops")) {
            try {
                ops.add(Op.byWireName(s));
            } catch (IllegalArgumentException e) {
                throw broken("protocol: hello claims unknown op '" + s + "'");
            }
        }
        Set<DType> dtypes = EnumSet.noneOf(DType.class);
        for (String s : strings(c, "dtypes")) {
            try {
                dtypes.add(DType.byId(s));
            } catch (IllegalArgumentException e) {
                throw broken("protocol: hello claims unknown dtype '" + s + "'");
            }
        }
        Set<String> profiles = new TreeSet<>();
        for (String s : strings(c, "profiles")) {
            try {
                profiles.add(Profile.byId(s).id());
            } catch (IllegalArgumentException e) {
                throw broken("protocol: hello claims unknown profile '" + s + "'");
            }
        }
        Set<Capabilities.Feature> features = EnumSet.noneOf(Capabilities.Feature.class);
        for (String s : strings(c, "features")) {
            try {
                features.add(Capabilities.Feature.valueOf(s.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw broken("protocol: hello claims unknown feature '" + s + "' (known: padding, probs, merging_probs)");
            }
        }
        return new Capabilities(ops, dtypes, profiles, features);
    }

    private static List<String> strings(JsonNode c, String field) throws ProtocolException {
        JsonNode a = c.path(field);
        if (!a.isArray()) throw broken("protocol: hello capabilities without a '" + field + "' array");
        List<String> out = new ArrayList<>();
        for (JsonNode n : a) {
            if (!n.isTextual()) throw broken("protocol: hello capabilities '" + field + "' holds a non-string");
            out.add(n.asText());
        }
        return out;
    }

    private static ProtocolException broken(String message) {
        return new ProtocolException(message, true);
    }

    private static String suiteVersion() {
        String v = Hello.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
