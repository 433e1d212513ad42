package org.permcheck.engine.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.engine.codec.BundleCall;
import org.permcheck.engine.codec.CallCodec;
import org.permcheck.engine.codec.TensorRefs;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Violation;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.Tensor;

/**
 * A self-contained directory that reproduces one failing case, small enough to attach to an issue:
 *
 * <pre>
 * repro/&lt;case-id-sanitized&gt;/
 *   case.json        op, profile, attrs, tensor files with logical dtypes, rules, seed, verdict, backend
 *   inputs/*.npy     the call's inputs
 *   expected/*.npy   the oracle's outputs (+ NAME.specified.npy masks, NAME.reference.npy f64 values)
 *   actual/*.npy     what the backend returned
 *   mismatch.txt     the call, then every violation with its first mismatch
 *   replay.sh        ./permcheck replay &lt;this dir&gt; --backend &lt;backend&gt;
 * </pre>
 * Tensors are written by the call codec (engine.codec.CallCodec, FILE references); BundleCall reads a bundle back.
 */
public final class ReproBundle {
    private ReproBundle() {}

    /**
     * Writes the bundle for {@code result} under {@code reproRoot} and returns its directory.
     *
     * @param expected the oracle's answer, or null when the oracle itself failed
     * @param actual   the backend's answer, or null when it gave none (crash, timeout)
     * @param backend  what to pass to --backend when replaying
     */
    public static Path write(Path reproRoot, Case c, Expected expected, Outputs actual, CaseResult result, String backend) throws IOException {
        Path dir = reproRoot.resolve(BundleName.of(c.id()));
        Files.createDirectories(dir);
        Invocation inv = c.invocation();

        ObjectNode root = JsonReport.MAPPER.createObjectNode();
        root.put("format", BundleCall.FORMAT);
        root.put("format_version", BundleCall.FORMAT_VERSION);
        root.put("id", c.id());
        CallCodec codec = new CallCodec(dir, TensorRefs.FILE);
        codec.writeCall(root, inv, name -> file("inputs", name));
        if (expected != null) {
            root.set("expected", codec.writeTensors(expected.values(), name -> file("expected", name)));
            root.set("expected_specified", codec.writeTensors(suffixed(expected.specified(), ".specified"), name -> file("expected", name)));
            root.set("expected_reference", codec.writeTensors(suffixed(expected.reference(), ".reference"), name -> file("expected", name)));
        }
        if (actual != null) root.set("actual", codec.writeTensors(actual.tensors(), name -> file("actual", name)));
        c.rules().forEach(root.putArray("rules")::add);
        c.features().stream().sorted().forEach(root.putArray("features")::add);
        if (c.seed() == null) root.putNull("seed"); else root.put("seed", Long.toString(c.seed()));
        root.put("origin", c.origin());
        root.put("status", result.status().name());
        if (result.detail() != null) root.put("detail", result.detail());
        if (result.shrunk() != null) root.put("shrunk", result.shrunk());
        ArrayNode vs = root.putArray("violations");
        for (Violation v : result.violations()) vs.add(v.render());
        root.put("backend", backend);
        JsonReport.MAPPER.writeValue(dir.resolve(BundleCall.FILE).toFile(), root);

        Files.writeString(dir.resolve("mismatch.txt"), mismatchText(inv, result) + SideBySide.render(inv.op(), result, expected, actual),
                StandardCharsets.UTF_8);
        writeReplayScript(dir, backend);
        return dir;
    }

    static String mismatchText(Invocation inv, CaseResult result) {
        StringBuilder sb = new StringBuilder();
        sb.append(result.status()).append(": ").append(inv.describe()).append('\n');
        for (Violation v : result.violations()) sb.append(v.render()).append('\n');
        if (result.detail() != null) sb.append(result.detail()).append('\n');
        if (result.shrunk() != null) sb.append("minimal counterexample: ").append(result.shrunk()).append('\n');
        return sb.toString();
    }

    private static void writeReplayScript(Path dir, String backend) throws IOException {
        // The permcheck script passes its own absolute path in this property; a bundle copied elsewhere
        // can point PERMCHECK at the script instead.
        String script = System.getProperty("permcheck.script", "./permcheck");
        String text = "#!/usr/bin/env bash\n"
                + "# Replays this saved case: " + ReplayCommand.of(dir.toString(), backend).replace('\n', ' ') + "\n"
                + "# Set PERMCHECK to the permcheck script (and PERMCHECK_CWD to the directory the run started in)\n"
                + "# when this bundle has moved to another machine or checkout.\n"
                + "set -euo pipefail\n"
                + "here=\"$(cd \"$(dirname \"$0\")\" && pwd)\"\n"
                + "permcheck=${PERMCHECK:-}\n"
                + "if [ -z \"$permcheck\" ]; then permcheck=" + ShellQuote.word(script) + "; fi\n"
                // an exec backend's command may name files relative to where the run started
                + "cwd=${PERMCHECK_CWD:-}\n"
                + "if [ -z \"$cwd\" ]; then cwd=" + ShellQuote.word(System.getProperty("user.dir")) + "; fi\n"
                + "cd \"$cwd\"\n"
                + "exec \"$permcheck\" replay \"$here\" --backend " + ShellQuote.word(backend) + " \"$@\"\n";
        Path f = dir.resolve("replay.sh");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the script still runs with "bash replay.sh"
        }
    }

    /** {@code sub/NAME.npy}, the name made safe as a file name ({@link BundleName}). */
    private static String file(String sub, String name) {
        return sub + "/" + BundleName.of(name) + ".npy";
    }

    private static Map<String, Tensor> suffixed(Map<String, Tensor> m, String suffix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k + suffix, v));
        return out;
    }
}
