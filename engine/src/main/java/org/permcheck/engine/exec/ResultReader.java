package org.permcheck.engine.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Port;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;
import org.permcheck.tensor.npy.NpyException;

/**
 * The outputs of a {@code result} answer (docs/protocol.md 3.3), read from the case directory
 * through {@link OutputFileReader} within each port's {@link OutputBudget} (section 5), and the
 * case directory made ready for the next case: every file a reply named is deleted first (section
 * 6), so a backend that names a file it did not write this time gets "no file", never a stale answer.
 */
final class ResultReader {
    private final OutputFileReader files;
    private final List<Path> consumed = new ArrayList<>();

    ResultReader(Path caseDir) {
        this.files = new OutputFileReader(caseDir);
    }

    /**
     * Deletes the output files read last time; inputs are overwritten in place. Listing and
     * emptying the directory on every case cost more than the whole rest of a small round trip.
     * (The directory itself is made whenever a process starts.)
     */
    void clearCaseDir() throws IOException {
        for (Path p : consumed) Files.deleteIfExists(p);
        consumed.clear();
    }

    /** {@code outs}, the answer's "outputs" object, as tensors; any invalid reference or file is an ERROR. */
    Outputs read(Invocation inv, JsonNode outs) throws ProtocolException {
        // every file the reply names is deleted before the next case, read or not (no stale answers)
        for (JsonNode ref : outs) {
            if (!ref.path("path").isTextual()) continue;
            try {
                consumed.add(files.resolve("", ref.path("path").asText()));
            } catch (ProtocolException ignored) {
                // an invalid path is reported when the output is read
            }
        }
        Map<String, Tensor> got = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = outs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            Port port = null;
            for (Port p : inv.op().outputs()) if (p.name().equals(name)) port = p;
            if (port == null) throw new ProtocolException("unknown output '" + name + "' for " + inv.op().wireName());
            got.put(name, readOutput(port, e.getValue(), inv));
        }
        return new Outputs(got);
    }

    /**
     * The answer's outputs and guard breaches (docs/protocol.md 3.3): {@code guarded} names answered
     * outputs whose guard bands the port checked, each of {@code guard_breaches} an answered (and,
     * when {@code guarded} is given, guarded) output, an integer offset and a positive byte count.
     * Both are optional; anything else there is a malformed answer (ERROR).
     */
    Outputs read(Invocation inv, JsonNode outs, JsonNode guarded, JsonNode breaches) throws ProtocolException {
        Outputs o = read(inv, outs);
        java.util.Set<String> checked = null;
        if (!guarded.isMissingNode() && !guarded.isNull()) {
            if (!guarded.isArray()) throw new ProtocolException("protocol: 'guarded' must be an array of output names");
            checked = new java.util.HashSet<>();
            for (JsonNode n : guarded) {
                if (!n.isTextual() || !o.tensors().containsKey(n.asText())) {
                    throw new ProtocolException("protocol: 'guarded' names " + n + ", not an output of this result");
                }
                checked.add(n.asText());
            }
        }
        if (breaches.isMissingNode() || breaches.isNull()) return o;
        if (!breaches.isArray()) throw new ProtocolException("protocol: 'guard_breaches' must be an array");
        List<org.permcheck.spi.GuardBreach> found = new ArrayList<>();
        for (JsonNode b : breaches) {
            if (!b.isObject() || !b.path("output").isTextual() || !b.path("offset").isIntegralNumber() || !b.path("bytes").isIntegralNumber()
                    || b.path("bytes").asLong() <= 0) {
                throw new ProtocolException("protocol: a guard breach needs output (string), offset (integer) and bytes (integer > 0), got " + b);
            }
            String name = b.path("output").asText();
            // a library's own allocation inside the call (a guarded scratch buffer no output names) is
            // described in parentheses; its breach is as real as an output's (docs/protocol.md 3.3)
            boolean allocation = name.length() > 2 && name.startsWith("(") && name.endsWith(")");
            if (!allocation && (!o.tensors().containsKey(name) || (checked != null && !checked.contains(name)))) {
                throw new ProtocolException("protocol: a guard breach of '" + name + "', not a " + (checked == null ? "" : "guarded ") + "output of this result");
            }
            found.add(new org.permcheck.spi.GuardBreach(name, b.path("offset").asLong(), b.path("bytes").asLong()));
        }
        return new Outputs(o.tensors(), found);
    }

    private Tensor readOutput(Port port, JsonNode ref, Invocation inv) throws ProtocolException {
        String where = "output '" + port.name() + "'";
        if (!ref.isObject() || !ref.path("path").isTextual() || !ref.path("dtype").isTextual() || !ref.path("shape").isArray()) {
            throw new ProtocolException(where + ": needs path, dtype and shape");
        }
        DType dtype;
        try {
            dtype = DType.byId(ref.path("dtype").asText());
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(where + ": unknown dtype '" + ref.path("dtype").asText() + "'");
        }
        JsonNode shapeNode = ref.path("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!shapeNode.get(i).canConvertToLong() || shapeNode.get(i).asLong() < 0) throw new ProtocolException(where + ": bad shape " + shapeNode);
            shape[i] = shapeNode.get(i).asLong();
        }
        // opened once, no symlink followed, at most budget + 1 bytes read (section 5)
        Tensor t = files.read(where, ref.path("path").asText(), OutputBudget.bytesFor(inv, port));
        if (t.dtype() != dtype.storage() || !Arrays.equals(t.shape(), shape)) {
            throw new ProtocolException(where + ": reply says " + dtype.id() + Arrays.toString(shape) + ", file holds "
                    + t.dtype().npyDescr() + t.shapeString());
        }
        try {
            return Npy.asLogical(t, dtype, where);
        } catch (NpyException e) {
            throw new ProtocolException(where + ": " + e.getMessage());
        }
    }
}
