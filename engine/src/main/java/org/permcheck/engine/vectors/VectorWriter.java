package org.permcheck.engine.vectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.engine.codec.CallCodec;
import org.permcheck.engine.codec.TensorRefs;
import org.permcheck.oracle.Oracle;

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
        vc.rules().forEach(m.putArray("rules")::add);
        vc.features().forEach(m.putArray("features")::add);
        // docs/vectors.md section 4: a manifest names the profile before the op (the committed bytes)
        m.put("profile", inv.profile().id());
        m.put("op", inv.op().wireName());
        m.set("attrs", CallCodec.attrs(inv));
        CallCodec codec = new CallCodec(dir, TensorRefs.PINNED);
        m.set("inputs", codec.writeInputs(inv, VectorFiles::input));
        if (expected != null) {
            m.set("expected", codec.writeTensors(CallCodec.inPortOrder(expected.values(), inv.op().outputs()), VectorFiles::expected));
            m.set("specified", codec.writeTensors(CallCodec.inPortOrder(expected.specified(), inv.op().outputs()), VectorFiles::specified));
            m.set("reference", codec.writeTensors(CallCodec.inPortOrder(expected.reference(), inv.op().outputs()), VectorFiles::reference));
        } else {
            ObjectNode neg = m.putObject("negative");
            neg.put("rule", vc.negative());
            neg.put("message", negativeMessage);
        }
        if (!vc.generator().isEmpty()) m.set("generator", VectorJson.MAPPER.valueToTree(vc.generator()));
        m.set("provenance", VectorJson.MAPPER.valueToTree(vc.provenance()));
        Files.write(dir.resolve(VectorFiles.MANIFEST), VectorJson.bytes(m));
    }
}
