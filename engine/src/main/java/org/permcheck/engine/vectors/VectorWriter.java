package org.permcheck.engine.vectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.oracle.Oracle;
import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;

/**
 * Writes one vector: its inputs, the oracle's expected outputs (values, specified masks, float64
 * references) as .npy files and the manifest with the SHA-256 of every file. Deterministic: the
 * same {@link VectorCase} gives the same bytes.
 */
public final class VectorWriter {
    private VectorWriter() {}

    /**
     * Writes {@code vc} under {@code root/<id>/}.
     *
     * @throws IllegalStateException when the oracle disagrees with what the vector claims (a
     *         positive vector the oracle rejects, a negative one it accepts or rejects by another rule)
     */
    public static void write(VectorCase vc, Path root) throws IOException {
        Invocation inv = vc.invocation();
        Expected expected = null;
        String negativeMessage = null;
        try {
            expected = Oracle.expected(inv);
        } catch (PreconditionViolation e) {
            if (!e.rule().equals(vc.negative())) {
                throw new IllegalStateException("vector " + vc.id() + ": the oracle rejects it by " + e.rule() + ": " + e.getMessage());
            }
            negativeMessage = e.getMessage();
        }
        if (vc.isNegative() && negativeMessage == null) {
            throw new IllegalStateException("vector " + vc.id() + " is declared negative (" + vc.negative() + ") but the oracle accepts it");
        }
        for (String f : vc.features()) {
            if (!FeatureLabels.known(f)) throw new IllegalStateException("vector " + vc.id() + ": feature '" + f + "' is not in the closed list");
        }

        Path dir = root.resolve(vc.id());
        Files.createDirectories(dir);
        ObjectNode m = VectorJson.MAPPER.createObjectNode();
        m.put("format", VectorFiles.CASE_FORMAT);
        m.put("format_version", VectorFiles.FORMAT_VERSION);
        m.put("id", vc.id());
        m.put("description", vc.description());
        ArrayNode rules = m.putArray("rules");
        vc.rules().forEach(rules::add);
        ArrayNode features = m.putArray("features");
        vc.features().forEach(features::add);
        m.put("profile", inv.profile().id());
        m.put("op", inv.op().wireName());
        ObjectNode attrs = m.putObject("attrs");
        for (String a : inv.op().attrs()) if (inv.attrs().containsKey(a)) attrs.put(a, inv.attrs().get(a));
        new java.util.TreeMap<>(inv.attrs()).forEach((k, val) -> { if (!attrs.has(k)) attrs.put(k, val); });
        m.set("inputs", tensors(dir, ordered(inv.inputs(), inv.op().inputs()), VectorFiles::input));
        if (expected != null) {
            m.set("expected", tensors(dir, ordered(expected.values(), inv.op().outputs()), VectorFiles::expected));
            m.set("specified", tensors(dir, ordered(expected.specified(), inv.op().outputs()), VectorFiles::specified));
            m.set("reference", tensors(dir, ordered(expected.reference(), inv.op().outputs()), VectorFiles::reference));
        } else {
            ObjectNode neg = m.putObject("negative");
            neg.put("rule", vc.negative());
            neg.put("message", negativeMessage);
        }
        if (!vc.generator().isEmpty()) m.set("generator", VectorJson.MAPPER.valueToTree(vc.generator()));
        m.set("provenance", VectorJson.MAPPER.valueToTree(vc.provenance()));
        Files.write(dir.resolve(VectorFiles.MANIFEST), VectorJson.bytes(m));
    }

    /**
     * The tensors in the op's port order, then any other key ("output.slack") alphabetically, so a
     * manifest never depends on a map's iteration order.
     */
    static Map<String, Tensor> ordered(Map<String, Tensor> m, java.util.List<org.permcheck.contract.Port> ports) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (org.permcheck.contract.Port p : ports) if (m.containsKey(p.name())) out.put(p.name(), m.get(p.name()));
        new java.util.TreeMap<>(m).forEach(out::putIfAbsent);
        return out;
    }

    private static ObjectNode tensors(Path dir, Map<String, Tensor> tensors, java.util.function.Function<String, String> name) throws IOException {
        ObjectNode o = VectorJson.MAPPER.createObjectNode();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String file = name.apply(e.getKey());
            Path p = dir.resolve(file);
            Npy.write(e.getValue(), p);
            ObjectNode t = o.putObject(e.getKey());
            t.put("file", file);
            t.put("dtype", e.getValue().dtype().id());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.getValue().shape()) shape.add(d);
            t.put("sha256", Sha256.of(p));
        }
        return o;
    }
}
