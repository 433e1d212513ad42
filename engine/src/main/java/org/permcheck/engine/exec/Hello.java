package org.permcheck.engine.exec;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.contract.Determinism;
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
    /** Hello's field of the per-op determinism levels (docs/protocol.md 3.1). */
    static final String DETERMINISM = "determinism";

    static ObjectNode request(Path scratch) {
        return JSON.createObjectNode().put("type", "hello").put("protocol", PROTOCOL).put("suite", "permcheck " + suiteVersion())
                .put("scratch", scratch.toString());
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
        h.path("details").fields().forEachRemaining(e -> details.put(e.getKey(), e.getValue().asText()));
        Optional<String> unavailable = h.hasNonNull("unavailable") ? Optional.of(MessageChannel.oneLine(h.get("unavailable").asText())) : Optional.empty();
        String unusable = version == PROTOCOL ? null : "protocol version " + version + " not supported; this engine speaks " + PROTOCOL;
        Capabilities caps = unusable != null ? new Capabilities(Set.of(), Set.of(), Set.of(), Set.of())
                : capabilities(h.path("capabilities"), determinism(h.path(DETERMINISM)));
        return new Hello(new BackendInfo(name, h.path("version").asText(""), h.path("device").asText(""), caps,
                unusable != null ? Optional.of(unusable) : unavailable, details), unusable);
    }

    /**
     * Hello's optional {@code determinism} object (docs/protocol.md 3.1): op wire name to level wire name, the
     * level R1 judges that op's second call against; an op left out keeps its default. An unknown op or level
     * is a claim we cannot check, so the hello is broken (every case ERROR), as with any other bad claim.
     */
    private static Map<Op, Determinism> determinism(JsonNode d) throws ProtocolException {
        Map<Op, Determinism> out = new EnumMap<>(Op.class);
        if (d.isMissingNode() || d.isNull()) return out;
        if (!d.isObject()) throw broken("protocol: hello '" + DETERMINISM + "' is not an object of op -> level");
        var fields = d.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            Op op;
            try {
                op = Op.byWireName(f.getKey());
            } catch (IllegalArgumentException e) {
                throw broken("protocol: hello declares " + DETERMINISM + " for unknown op '" + f.getKey() + "'");
            }
            if (!f.getValue().isTextual()) throw broken("protocol: hello " + DETERMINISM + " of " + f.getKey() + " is not a string");
            try {
                out.put(op, Determinism.byWireName(f.getValue().asText()));
            } catch (IllegalArgumentException e) {
                throw broken("protocol: hello declares " + DETERMINISM + " of " + f.getKey() + " '" + MessageChannel.oneLine(f.getValue().asText())
                        + "' (known: bit_exact, group_order, multiset)");
            }
        }
        return out;
    }

    private static Capabilities capabilities(JsonNode c, Map<Op, Determinism> determinism) throws ProtocolException {
        if (!c.isObject()) throw broken("protocol: hello without a 'capabilities' object");
        Set<Op> ops = claims(c, "ops", "op", "", Op::byWireName, EnumSet.noneOf(Op.class));
        Set<DType> dtypes = claims(c, "dtypes", "dtype", "", DType::byId, EnumSet.noneOf(DType.class));
        Set<String> profiles = claims(c, "profiles", "profile", "", s -> Profile.byId(s).id(), new TreeSet<>());
        Set<Capabilities.Feature> features = claims(c, "features", "feature", " (known: padding, probs, merging_probs, index_form, quantized)",
                s -> Capabilities.Feature.valueOf(s.toUpperCase(Locale.ROOT)), EnumSet.noneOf(Capabilities.Feature.class));
        return new Capabilities(ops, dtypes, profiles, features, determinism);
    }

    /** The strings of array {@code field}, each parsed; one that does not parse is a claim we cannot check. */
    private static <T> Set<T> claims(JsonNode c, String field, String what, String known, Function<String, T> parse, Set<T> into)
            throws ProtocolException {
        JsonNode a = c.path(field);
        if (!a.isArray()) throw broken("protocol: hello capabilities without a '" + field + "' array");
        for (JsonNode n : a) {
            if (!n.isTextual()) throw broken("protocol: hello capabilities '" + field + "' holds a non-string");
        }
        for (JsonNode n : a) {
            try {
                into.add(parse.apply(n.asText()));
            } catch (IllegalArgumentException e) {
                throw broken("protocol: hello claims unknown " + what + " '" + n.asText() + "'" + known);
            }
        }
        return into;
    }

    private static ProtocolException broken(String message) {
        return new ProtocolException(message);
    }

    private static String suiteVersion() {
        String v = Hello.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
