package org.permcheck.engine.codec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Port;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;

/**
 * The one codec of a call as JSON + .npy files, used by the protocol request (docs/protocol.md
 * 3.2), vector manifests (docs/vectors.md 4), repro bundles and {@code permcheck expect}
 * (docs/cli.md). The files lie under {@code dir}; {@link TensorRefs} says how the JSON names them.
 * The caller owns the rest of its JSON (fields around the call, key order, pretty printing), so
 * each format keeps its documented bytes.
 *
 * <p>Reading is strict, and every problem is an {@link IOException} of one line: a reference that
 * leaves {@code dir}, a missing file, a SHA-256 that differs ({@link TensorRefs#PINNED}), a dtype or
 * shape that the .npy file contradicts.
 */
public record CallCodec(Path dir, TensorRefs refs) {
    public CallCodec {
        dir = dir.normalize();
    }

    /** Puts op, profile, attrs and inputs into {@code root}, in that order, writing every input's file. */
    public ObjectNode writeCall(ObjectNode root, Invocation inv, UnaryOperator<String> fileOf) throws IOException {
        root.put("op", inv.op().wireName());
        root.put("profile", inv.profile().id());
        root.set("attrs", attrs(inv));
        root.set("inputs", writeInputs(inv, fileOf));
        return root;
    }

    /** The attributes in the op's order, then any other sorted: the JSON never depends on how the call was built. */
    public static ObjectNode attrs(Invocation inv) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (String a : inv.op().attrs()) if (inv.attrs().containsKey(a)) o.put(a, inv.attrs().get(a));
        new TreeMap<>(inv.attrs()).forEach((k, v) -> { if (!o.has(k)) o.put(k, v); });
        return o;
    }

    /** The inputs in port order ({@link #inPortOrder}), each written to {@code dir/fileOf(name)}. */
    public ObjectNode writeInputs(Invocation inv, UnaryOperator<String> fileOf) throws IOException {
        return writeTensors(inPortOrder(inv.inputs(), inv.op().inputs()), fileOf);
    }

    /**
     * Writes each tensor to {@code dir/fileOf(name)} (numpy's own bytes, so a file's SHA-256 is the
     * same from Java and Python) and returns name -&gt; reference in the map's order.
     */
    public ObjectNode writeTensors(Map<String, Tensor> tensors, UnaryOperator<String> fileOf) throws IOException {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String file = fileOf.apply(e.getKey());
            Path p = dir.resolve(file);
            // a bundle's inputs/ etc. exist only when they hold a file; flat layouts save the system call
            Path parent = p.getParent();
            if (parent != null && !parent.equals(dir)) Files.createDirectories(parent);
            Npy.write(e.getValue(), p);
            ObjectNode r = o.putObject(e.getKey());
            r.put(refs.key(), refs == TensorRefs.PATH ? p.toString() : file);
            r.put("dtype", e.getValue().dtype().id());
            var shape = r.putArray("shape");
            for (long d : e.getValue().shape()) shape.add(d);
            if (refs == TensorRefs.PINNED) r.put("sha256", Sha256.of(p));
        }
        return o;
    }

    /** The tensors in the order of {@code ports}, then any other key ("output.slack") alphabetically. */
    public static Map<String, Tensor> inPortOrder(Map<String, Tensor> m, List<Port> ports) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Port p : ports) if (m.containsKey(p.name())) out.put(p.name(), m.get(p.name()));
        new TreeMap<>(m).forEach(out::putIfAbsent);
        return out;
    }

    /** The call in {@code root} (op, profile, integer attrs, inputs); {@code where} starts every message. */
    public Invocation readCall(JsonNode root, String where) throws IOException {
        Op op;
        Profile profile;
        try {
            op = Op.byWireName(root.path("op").asText());
            profile = Profile.byId(root.path("profile").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": " + escaped(e.getMessage()));
        }
        Map<String, Long> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : fields(root.path("attrs"))) {
            if (!e.getValue().isIntegralNumber()) throw new IOException(where + ": attribute '" + escaped(e.getKey()) + "' is not an integer");
            attrs.put(e.getKey(), e.getValue().asLong());
        }
        return new Invocation(op, profile, readTensors(root.path("inputs"), where), attrs);
    }

    /** Every tensor a name -&gt; reference object names, in its order; an absent object is none. */
    public Map<String, Tensor> readTensors(JsonNode node, String where) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) return out;
        if (!node.isObject()) throw new IOException(where + ": tensors must be an object of name -> {" + refs.key() + ", dtype, shape}");
        for (Map.Entry<String, JsonNode> e : fields(node)) out.put(e.getKey(), readTensor(e.getKey(), e.getValue(), where));
        return out;
    }

    private Tensor readTensor(String name, JsonNode r, String where) throws IOException {
        // names and files are shown JSON-escaped: a newline in a name must not break the one-line message
        String tensor = where + ": tensor '" + escaped(name) + "'";
        String ref = r.path(refs.key()).asText("");
        Path p = inside(ref);
        if (p == null) throw new IOException(tensor + " names a bad file '" + escaped(ref) + "'");
        if (!Files.isRegularFile(p)) throw new IOException(tensor + ": missing file " + escaped(ref));
        String sha = refs == TensorRefs.PINNED ? Sha256.of(p) : null;
        if (sha != null && !sha.equals(r.path("sha256").asText())) {
            throw new IOException(escaped(p.toString()) + ": SHA-256 " + sha + " does not match the manifest's " + escaped(r.path("sha256").asText()));
        }
        DType dtype;
        try {
            dtype = DType.byId(r.path("dtype").asText());
        } catch (IllegalArgumentException ex) {
            throw new IOException(tensor + ": " + escaped(ex.getMessage()));
        }
        JsonNode shape = r.path("shape");
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) dims[i] = shape.get(i).isIntegralNumber() && shape.get(i).canConvertToLong() ? shape.get(i).asLong() : -1;
        if (!shape.isArray() || Arrays.stream(dims).anyMatch(d -> d < 0)) throw new IOException(tensor + ": bad shape " + escaped(shape.isMissingNode() ? "(none)" : shape.toString()));
        Tensor t = Npy.read(p, dtype); // the file's descriptor must be the dtype's storage (an NpyException names the file)
        if (!Arrays.equals(t.shape(), dims)) throw new IOException(escaped(p.toString()) + ": shape " + t.shapeString() + " does not match the manifest's " + Arrays.toString(dims));
        return t;
    }

    private static Iterable<Map.Entry<String, JsonNode>> fields(JsonNode o) {
        return o::fields;
    }

    private static String escaped(String s) {
        String q = TextNode.valueOf(s).toString();
        return q.substring(1, q.length() - 1);
    }

    /**
     * The file {@code ref} names, or null when it leaves {@code dir} ("../x") or is {@code dir}: only
     * PATH may be absolute, only FILE may name a subdirectory (a bundle's inputs/; a vector is flat, docs/vectors.md 2).
     */
    private Path inside(String ref) {
        try {
            Path r = Path.of(ref), p = dir.resolve(r).normalize(), base = dir.toAbsolutePath();
            boolean form = refs == TensorRefs.PATH || !r.isAbsolute() && (refs == TensorRefs.FILE || r.getNameCount() == 1);
            return form && p.toAbsolutePath().startsWith(base) && !p.toAbsolutePath().equals(base) ? p : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
