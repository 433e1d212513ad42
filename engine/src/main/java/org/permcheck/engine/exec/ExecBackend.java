package org.permcheck.engine.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Port;
import org.permcheck.contract.Profile;
import org.permcheck.engine.codec.CallCodec;
import org.permcheck.engine.codec.TensorRefs;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendCrashedException;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Capabilities;
import org.permcheck.spi.NotSupportedException;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;
import org.permcheck.tensor.npy.NpyException;

/**
 * A backend in another process, spoken to through the protocol of docs/protocol.md: JSON lines on
 * stdin/stdout, tensors as .npy files in a scratch directory. Created for
 * {@code --backend exec:<command>} by {@link #forCommand(String)}.
 *
 * <p>Robust against the backend: a dead process is CRASH ({@link BackendCrashedException}), a
 * malformed answer or invalid file is ERROR ({@link ProtocolException}), a refusal is
 * NOT_SUPPORTED; after a crash, a timeout or garbage the process is killed (whole tree) and a fresh
 * one is started on the next call, so the run goes on. One call at a time; {@link #cancel()} may
 * come from another thread.
 */
public final class ExecBackend implements Backend {
    public static final int PROTOCOL = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String command;
    private final Path scratch;
    private final boolean ownsScratch;
    private final Path caseDir;
    private final OutputFileReader outputFiles;
    private final Duration helloTimeout;
    private final Duration caseTimeout;
    private final ScheduledExecutorService watchdog;

    private volatile BackendProcess proc;
    private volatile boolean timedOut;
    private BackendInfo info;
    private String unusable; // protocol version mismatch: every call is ERROR
    private long nextId = 1;
    private volatile double lastBackendMillis = Double.NaN;
    private final java.util.List<Path> consumed = new java.util.ArrayList<>();
    private boolean caseDirReady;
    private int starts;

    private ExecBackend(String command, Path scratch, boolean ownsScratch, Duration helloTimeout, Duration caseTimeout) {
        this.command = command;
        this.scratch = scratch;
        this.ownsScratch = ownsScratch;
        this.caseDir = scratch.resolve("case");
        this.outputFiles = new OutputFileReader(caseDir);
        this.helloTimeout = helloTimeout;
        this.caseTimeout = caseTimeout;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "permcheck-exec-watchdog");
            t.setDaemon(true);
            return t;
        });
        // a JVM that exits without close() (Ctrl-C, an abandoned backend) must not leave a process
        // running or case files in /dev/shm, which is RAM
        this.exitHook = new Thread(this::cleanUpAtExit, "permcheck-exec-exit");
        Runtime.getRuntime().addShutdownHook(exitHook);
    }

    private final Thread exitHook;

    private void cleanUpAtExit() {
        BackendProcess p = proc;
        if (p != null) p.killTree();
        if (ownsScratch) deleteTree(scratch);
    }

    /**
     * The backend for {@code --backend exec:<command>}: the command runs under {@code /bin/sh -c} in
     * the current directory; a fresh scratch directory is made under java.io.tmpdir and removed on
     * {@link #close()}. No process starts until the first {@link #info()} or {@link #run}.
     */
    public static ExecBackend forCommand(String command) {
        return forCommand(command, null, Duration.ZERO);
    }

    /**
     * As {@link #forCommand(String)}, with a scratch directory of the caller's (kept on close; null
     * for a temporary one) and a per-case limit enforced by this backend itself (ZERO: none, the
     * engine's timer and {@link #cancel()} apply). On overrun the process tree is killed and the
     * call throws {@link CaseTimeoutException}.
     */
    public static ExecBackend forCommand(String command, Path scratch, Duration caseTimeout) {
        if (command == null || command.isBlank()) throw new IllegalArgumentException("exec backend: empty command (use --backend exec:'<command>')");
        try {
            boolean owns = scratch == null;
            Path dir = owns ? Files.createTempDirectory(scratchRoot(), "permcheck-exec-") : Files.createDirectories(scratch);
            return new ExecBackend(command, dir.toRealPath(), owns, Duration.ofSeconds(60), caseTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException("exec backend: cannot create scratch directory: " + e.getMessage(), e);
        }
    }

    /**
     * Where scratch directories go: {@code -Dpermcheck.scratch} or {@code $PERMCHECK_SCRATCH} when
     * set, else /dev/shm when it is a writable directory (a RAM file system: on disks mounted with
     * discard, every overwritten or deleted file costs milliseconds), else java.io.tmpdir.
     */
    public static Path scratchRoot() {
        String p = System.getProperty("permcheck.scratch", System.getenv("PERMCHECK_SCRATCH"));
        if (p != null && !p.isBlank()) return Path.of(p);
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) return shm;
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    public String command() { return command; }

    /** The backend's own timing of the last answered call ("millis" of docs/protocol.md 3.3), or NaN. */
    public double lastBackendMillis() { return lastBackendMillis; }

    /**
     * CPU time the current backend process and its descendants have used so far (for benchmarks on
     * a shared machine, where wall time says more about the neighbours than about the protocol).
     */
    public java.time.Duration backendCpu() {
        BackendProcess p = proc;
        return p == null ? java.time.Duration.ZERO : p.cpuTime();
    }

    /** How many times a process was started (1 + restarts); for tests and reports. */
    public int starts() { return starts; }

    // ------------------------------------------------------------------ Backend

    /**
     * The backend's hello, starting it if needed.
     *
     * @throws BackendStartException when it cannot be started or speaks another protocol version
     *         (a backend that cannot talk to us is an error, never "supports nothing")
     */
    @Override
    public synchronized BackendInfo info() {
        if (info == null) {
            try {
                ensureStarted();
            } catch (Exception e) {
                throw new BackendStartException(oneLine(e.getMessage()), e);
            }
        }
        if (unusable != null) throw new BackendStartException(unusable, null);
        return info;
    }

    @Override
    public synchronized Outputs run(Invocation inv) throws Exception {
        ensureStarted();
        if (unusable != null) throw new ProtocolException(unusable, false);
        String why = info.capabilities().whyNot(inv);
        if (why != null) throw new NotSupportedException(why);

        long id = nextId++;
        clearCaseDir();
        // docs/protocol.md 3.2: the call's fields with "dir" before the inputs, each input by absolute path
        ObjectNode req = JSON.createObjectNode();
        req.put("type", "run").put("id", id).put("op", inv.op().wireName()).put("profile", inv.profile().id());
        req.set("attrs", CallCodec.attrs(inv));
        req.put("dir", caseDir.toString());
        req.set("inputs", new CallCodec(caseDir, TensorRefs.PATH).writeInputs(inv, name -> "in_" + name + ".npy"));
        JsonNode reply = exchange(req, "case " + inv.describe(), caseTimeout);
        long got = reply.path("id").asLong(-1);
        String type = reply.path("type").asText("");
        if (!reply.path("id").isIntegralNumber() || got != id) {
            if (type.equals("error") && reply.path("id").isNull()) {
                throw new ProtocolException("backend error: " + oneLine(reply.path("message").asText("(no message)")), false);
            }
            throw restart("protocol: answer for id " + reply.path("id") + " while waiting for id " + id);
        }
        lastBackendMillis = reply.path("millis").isNumber() ? reply.path("millis").asDouble() : Double.NaN;
        switch (type) {
            case "result": return readOutputs(inv, reply.path("outputs"));
            case "not_supported": throw new NotSupportedException(oneLine(reply.path("reason").asText("no reason given")));
            case "error": throw new ProtocolException("backend error: " + oneLine(reply.path("message").asText("(no message)")), false);
            default: throw restart("protocol: unexpected answer type '" + type + "' to run");
        }
    }

    @Override
    public void cancel() {
        BackendProcess p = proc;
        if (p != null) {
            timedOut = true;
            p.killTree();
        }
    }

    @Override
    public synchronized void close() {
        BackendProcess p = proc;
        proc = null;
        if (p != null) {
            if (p.send("{\"type\":\"bye\"}")) {
                ScheduledFuture<?> kill = watchdog.schedule(p::killTree, 2, TimeUnit.SECONDS);
                try {
                    p.readLine(); // the backend's bye, or EOF
                } catch (ProtocolException ignored) {
                    // whatever it said, it is leaving
                }
                kill.cancel(false);
            }
            p.finish(2000);
        }
        watchdog.shutdownNow();
        if (ownsScratch) deleteTree(scratch);
        try {
            Runtime.getRuntime().removeShutdownHook(exitHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway; it finds nothing left to do
        }
    }

    // ------------------------------------------------------------------ the conversation

    private void ensureStarted() throws Exception {
        if (proc != null && proc.alive()) return;
        if (proc != null) {
            proc.killTree();
            proc = null;
        }
        Files.createDirectories(caseDir);
        BackendProcess p;
        try {
            p = BackendProcess.start(command, null);
        } catch (IOException e) {
            throw new BackendCrashedException("cannot start '" + command + "': " + oneLine(e.getMessage()));
        }
        proc = p;
        starts++;
        timedOut = false;
        ObjectNode hello = JSON.createObjectNode();
        hello.put("type", "hello").put("protocol", PROTOCOL).put("suite", "permcheck " + suiteVersion()).put("scratch", scratch.toString());
        JsonNode reply = exchange(hello, "hello", helloTimeout);
        if (!"hello".equals(reply.path("type").asText())) {
            if ("error".equals(reply.path("type").asText())) {
                throw restart("backend refused hello: " + oneLine(reply.path("message").asText("(no message)")));
            }
            throw restart("protocol: expected hello, got " + abbreviate(reply.toString()));
        }
        BackendInfo parsed = parseHello(reply);
        if (info == null) info = parsed;
    }

    /** Sends one request and reads its answer; a dead process or a silence past the limit is a crash. */
    private JsonNode exchange(ObjectNode request, String what, Duration limit) throws Exception {
        BackendProcess p = proc;
        String line = JSON.writeValueAsString(request);
        ScheduledFuture<?> timer = null;
        if (!limit.isZero()) timer = watchdog.schedule(this::cancel, limit.toMillis(), TimeUnit.MILLISECONDS);
        String answer;
        try {
            if (!p.send(line)) throw crashed(p, "backend stopped reading stdin before " + what);
            answer = p.readLine();
        } catch (ProtocolException e) {
            killAndForget(p);
            throw e;
        } finally {
            if (timer != null) timer.cancel(false);
        }
        if (answer == null) {
            if (timedOut) {
                killAndForget(p);
                throw new CaseTimeoutException("no answer to " + what + (limit.isZero() ? "" : " within " + limit.toMillis() + " ms")
                        + "; process tree killed" + stderrSuffix(p));
            }
            throw crashed(p, "backend exited during " + what);
        }
        try {
            JsonNode n = JSON.readTree(answer);
            if (n == null || !n.isObject()) throw restart("protocol: not a JSON object: " + abbreviate(answer));
            return n;
        } catch (JsonProcessingException e) {
            throw restart("protocol: not JSON: " + abbreviate(answer));
        }
    }

    private BackendCrashedException crashed(BackendProcess p, String what) {
        Integer status = p.exitStatus(1000);
        killAndForget(p);
        String s = status == null ? "closed stdout" : "exit status " + status;
        return new BackendCrashedException(what + " (" + s + ")" + stderrSuffix(p));
    }

    private ProtocolException restart(String message) {
        BackendProcess p = proc;
        if (p != null) killAndForget(p);
        return new ProtocolException(message + (p == null ? "" : stderrSuffix(p)), true);
    }

    private void killAndForget(BackendProcess p) {
        p.killTree();
        if (proc == p) proc = null;
    }

    private static String stderrSuffix(BackendProcess p) {
        String t = p.stderrTail();
        return t.isEmpty() ? "" : "; stderr: " + t;
    }

    // ------------------------------------------------------------------ hello

    private BackendInfo parseHello(JsonNode h) throws ProtocolException {
        if (!h.path("protocol").isIntegralNumber()) throw restart("protocol: hello without an integer 'protocol'");
        int version = h.path("protocol").asInt();
        String name = h.path("name").asText("");
        if (name.isEmpty()) throw restart("protocol: hello without a 'name'");
        Map<String, String> details = new LinkedHashMap<>();
        details.put("command", command);
        details.put("protocol", Integer.toString(version));
        for (Iterator<Map.Entry<String, JsonNode>> it = h.path("details").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            details.put(e.getKey(), e.getValue().asText());
        }
        Optional<String> unavailable = h.hasNonNull("unavailable") ? Optional.of(oneLine(h.get("unavailable").asText())) : Optional.empty();
        if (version != PROTOCOL) {
            unusable = "protocol version " + version + " not supported; this engine speaks " + PROTOCOL;
            unavailable = Optional.of(unusable);
            return new BackendInfo(name, h.path("version").asText(""), h.path("device").asText(""),
                    new Capabilities(Set.of(), Set.of(), Set.of(), Set.of()), unavailable, details);
        }
        return new BackendInfo(name, h.path("version").asText(""), h.path("device").asText(""),
                parseCapabilities(h.path("capabilities")), unavailable, details);
    }

    private Capabilities parseCapabilities(JsonNode c) throws ProtocolException {
        if (!c.isObject()) throw restart("protocol: hello without a 'capabilities' object");
        Set<Op> ops = EnumSet.noneOf(Op.class);
        for (String s : strings(c, "ops")) {
            try {
                ops.add(Op.byWireName(s));
            } catch (IllegalArgumentException e) {
                throw restart("protocol: hello claims unknown op '" + s + "'");
            }
        }
        Set<DType> dtypes = EnumSet.noneOf(DType.class);
        for (String s : strings(c, "dtypes")) {
            try {
                dtypes.add(DType.byId(s));
            } catch (IllegalArgumentException e) {
                throw restart("protocol: hello claims unknown dtype '" + s + "'");
            }
        }
        Set<String> profiles = new TreeSet<>();
        for (String s : strings(c, "profiles")) {
            try {
                profiles.add(Profile.byId(s).id());
            } catch (IllegalArgumentException e) {
                throw restart("protocol: hello claims unknown profile '" + s + "'");
            }
        }
        Set<Capabilities.Feature> features = EnumSet.noneOf(Capabilities.Feature.class);
        for (String s : strings(c, "features")) {
            try {
                features.add(Capabilities.Feature.valueOf(s.toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw restart("protocol: hello claims unknown feature '" + s + "' (known: padding, probs, merging_probs)");
            }
        }
        return new Capabilities(ops, dtypes, profiles, features);
    }

    private Iterable<String> strings(JsonNode c, String field) throws ProtocolException {
        JsonNode a = c.path(field);
        if (!a.isArray()) throw restart("protocol: hello capabilities without a '" + field + "' array");
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode n : a) {
            if (!n.isTextual()) throw restart("protocol: hello capabilities '" + field + "' holds a non-string");
            out.add(n.asText());
        }
        return out;
    }

    // ------------------------------------------------------------------ outputs

    private Outputs readOutputs(Invocation inv, JsonNode outs) throws ProtocolException {
        if (!outs.isObject()) throw restart("protocol: result without an 'outputs' object");
        // every file the reply names is deleted before the next case, read or not (no stale answers)
        for (JsonNode ref : outs) {
            if (!ref.path("path").isTextual()) continue;
            try {
                Path p = Path.of(ref.path("path").asText());
                Path r = (p.isAbsolute() ? p : caseDir.resolve(p)).normalize();
                if (r.startsWith(caseDir) && !r.equals(caseDir)) consumed.add(r);
            } catch (RuntimeException ignored) {
                // an invalid path is reported when the output is read
            }
        }
        Map<String, Tensor> got = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = outs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            Port port = null;
            for (Port p : inv.op().outputs()) if (p.name().equals(name)) port = p;
            if (port == null) throw new ProtocolException("unknown output '" + name + "' for " + inv.op().wireName(), false);
            got.put(name, readOutput(port, e.getValue(), inv));
        }
        return new Outputs(got);
    }

    private Tensor readOutput(Port port, JsonNode ref, Invocation inv) throws ProtocolException {
        String where = "output '" + port.name() + "'";
        if (!ref.isObject() || !ref.path("path").isTextual() || !ref.path("dtype").isTextual() || !ref.path("shape").isArray()) {
            throw new ProtocolException(where + ": needs path, dtype and shape", false);
        }
        DType dtype;
        try {
            dtype = DType.byId(ref.path("dtype").asText());
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(where + ": unknown dtype '" + ref.path("dtype").asText() + "'", false);
        }
        ArrayNode shapeNode = (ArrayNode) ref.path("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!shapeNode.get(i).canConvertToLong() || shapeNode.get(i).asLong() < 0) throw new ProtocolException(where + ": bad shape " + shapeNode, false);
            shape[i] = shapeNode.get(i).asLong();
        }
        // opened once, no symlink followed, at most budget + 1 bytes read (section 5)
        Tensor t = outputFiles.read(where, ref.path("path").asText(), OutputBudget.bytesFor(inv, port));
        if (t.dtype() != dtype.storage() || !java.util.Arrays.equals(t.shape(), shape)) {
            throw new ProtocolException(where + ": reply says " + dtype.id() + java.util.Arrays.toString(shape) + ", file holds "
                    + t.dtype().npyDescr() + t.shapeString(), false);
        }
        try {
            return Npy.asLogical(t, dtype, where);
        } catch (NpyException e) {
            throw new ProtocolException(where + ": " + e.getMessage(), false);
        }
    }

    // ------------------------------------------------------------------ small things

    /**
     * Makes the case directory ready: the output files read last time are deleted (so a backend
     * that names a file it did not write this time gets "no file", never a stale answer); inputs
     * are overwritten in place. Listing and emptying the directory on every case cost more than
     * the whole rest of a small round trip.
     */
    private void clearCaseDir() throws IOException {
        if (!caseDirReady) {
            Files.createDirectories(caseDir);
            caseDirReady = true;
        }
        for (Path p : consumed) Files.deleteIfExists(p);
        consumed.clear();
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(q -> {
                try {
                    Files.deleteIfExists(q);
                } catch (IOException ignored) {
                    // a file the backend still holds open; the next clear tries again
                }
            });
        } catch (IOException ignored) {
            // gone already
        }
    }

    static String oneLine(String s) {
        if (s == null) return "";
        String t = s.strip().replace("\r", "").replace("\n", " | ");
        return t.length() > 2000 ? t.substring(0, 2000) + "..." : t;
    }

    private static String abbreviate(String s) {
        String t = oneLine(s);
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    private static String suiteVersion() {
        String v = ExecBackend.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
