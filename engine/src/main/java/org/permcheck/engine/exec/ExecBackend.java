package org.permcheck.engine.exec;

import static org.permcheck.engine.exec.MessageChannel.oneLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.contract.Invocation;
import org.permcheck.engine.codec.CallCodec;
import org.permcheck.engine.codec.TensorRefs;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendCrashedException;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.NotSupportedException;
import org.permcheck.spi.Outputs;

/**
 * A backend in another process, spoken to through the protocol of docs/protocol.md: JSON lines on
 * stdin/stdout ({@link MessageChannel}), tensors as .npy files in a scratch directory. Created for
 * {@code --backend exec:<command>} by {@link #forCommand(String)}. This class holds the process's
 * lifetime and the run request; the handshake is {@link Hello}, the answer's files {@link ResultReader}.
 *
 * <p>Robust against the backend: a dead process is CRASH ({@link BackendCrashedException}), a
 * malformed answer or invalid file is ERROR ({@link ProtocolException}), a refusal is
 * NOT_SUPPORTED; after a crash, a timeout or garbage the process is killed (whole tree) and a fresh
 * one is started on the next call, so the run goes on. One call at a time; {@link #cancel()} may
 * come from another thread (the engine's per-case timer: docs/protocol.md section 4).
 */
public final class ExecBackend implements Backend {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HELLO_LIMIT = Duration.ofSeconds(60);

    private final String command;
    private final Path scratch;
    private final boolean ownsScratch;
    private final Path caseDir;
    private final ResultReader results;
    private final Thread exitHook;

    private volatile MessageChannel channel;
    private BackendInfo info;
    private String unusable; // protocol version mismatch: every call is ERROR
    private long nextId = 1;
    private volatile double lastBackendMillis = Double.NaN;
    private int starts;

    private ExecBackend(String command, Path scratch, boolean ownsScratch) {
        this.command = command;
        this.scratch = scratch;
        this.ownsScratch = ownsScratch;
        this.caseDir = scratch.resolve("case");
        this.results = new ResultReader(caseDir);
        // a JVM that exits without close() (Ctrl-C, an abandoned backend) must not leave a process
        // running or case files in /dev/shm, which is RAM
        this.exitHook = new Thread(this::cleanUpAtExit, "permcheck-exec-exit");
        Runtime.getRuntime().addShutdownHook(exitHook);
    }

    private void cleanUpAtExit() {
        MessageChannel c = channel;
        if (c != null) c.kill();
        if (ownsScratch) deleteTree(scratch);
    }

    /**
     * The backend for {@code --backend exec:<command>}: the command runs under {@code /bin/sh -c} in
     * the current directory; a fresh scratch directory is made under {@link #scratchRoot()} and
     * removed on {@link #close()}. No process starts until the first {@link #info()} or {@link #run}.
     */
    public static ExecBackend forCommand(String command) {
        return forCommand(command, null);
    }

    /**
     * As {@link #forCommand(String)}, with a scratch directory of the caller's, kept on close (null:
     * a temporary one); backends made one after another for a run may share it.
     */
    public static ExecBackend forCommand(String command, Path scratch) {
        if (command == null || command.isBlank()) throw new IllegalArgumentException("exec backend: empty command (use --backend exec:'<command>')");
        try {
            boolean owns = scratch == null;
            Path dir = owns ? Files.createTempDirectory(scratchRoot(), "permcheck-exec-") : Files.createDirectories(scratch);
            return new ExecBackend(command, dir.toRealPath(), owns);
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

    /** The backend's own timing of the last answered call ("millis" of docs/protocol.md 3.3), or NaN. */
    public double lastBackendMillis() { return lastBackendMillis; }

    /**
     * CPU time the current backend process and its descendants have used so far (for benchmarks on
     * a shared machine, where wall time says more about the neighbours than about the protocol).
     */
    public Duration backendCpu() {
        MessageChannel c = channel;
        return c == null ? Duration.ZERO : c.cpuTime();
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
        if (unusable != null) throw new ProtocolException(unusable);
        String why = info.capabilities().whyNot(inv);
        if (why != null) throw new NotSupportedException(why);

        long id = nextId++;
        results.clearCaseDir();
        // docs/protocol.md 3.2: the call's fields with "dir" before the inputs, each input by absolute path
        ObjectNode req = JSON.createObjectNode();
        req.put("type", "run").put("id", id).put("op", inv.op().wireName()).put("profile", inv.profile().id());
        req.set("attrs", CallCodec.attrs(inv));
        req.put("dir", caseDir.toString());
        req.set("inputs", new CallCodec(caseDir, TensorRefs.PATH).writeInputs(inv, name -> "in_" + name + ".npy"));
        JsonNode reply = channel.exchange(req, "case " + inv.describe(), Duration.ZERO); // the engine times cases
        long got = reply.path("id").asLong(-1);
        String type = reply.path("type").asText("");
        if (!reply.path("id").isIntegralNumber() || got != id) {
            if (type.equals("error") && reply.path("id").isNull()) {
                throw new ProtocolException("backend error: " + oneLine(reply.path("message").asText("(no message)")), true);
            }
            throw channel.broken("protocol: answer for id " + reply.path("id") + " while waiting for id " + id);
        }
        lastBackendMillis = reply.path("millis").isNumber() ? reply.path("millis").asDouble() : Double.NaN;
        switch (type) {
            case "result": return readOutputs(inv, reply);
            case "not_supported": throw new NotSupportedException(oneLine(reply.path("reason").asText("no reason given")));
            case "error": throw new ProtocolException("backend error: " + oneLine(reply.path("message").asText("(no message)")), true);
            default: throw channel.broken("protocol: unexpected answer type '" + type + "' to run");
        }
    }

    @Override
    public void cancel() {
        MessageChannel c = channel;
        if (c != null) c.cancel();
    }

    @Override
    public synchronized void close() {
        MessageChannel c = channel;
        channel = null;
        if (c != null) c.bye();
        if (ownsScratch) deleteTree(scratch);
        try {
            Runtime.getRuntime().removeShutdownHook(exitHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway; it finds nothing left to do
        }
    }

    // ------------------------------------------------------------------ process lifetime

    /** A live process that has said hello, or a fresh one (docs/protocol.md section 6). */
    private void ensureStarted() throws Exception {
        if (channel != null && channel.alive()) return;
        if (channel != null) channel.kill(); // the tree may outlive its root; replaced below
        Files.createDirectories(caseDir);
        MessageChannel c;
        try {
            c = MessageChannel.start(command);
        } catch (IOException e) {
            throw new BackendCrashedException("cannot start '" + command + "': " + oneLine(e.getMessage()));
        }
        channel = c;
        starts++;
        JsonNode reply = c.exchange(Hello.request(scratch), "hello", HELLO_LIMIT);
        Hello hello;
        try {
            hello = Hello.parse(reply, command);
        } catch (ProtocolException e) {
            throw c.broken(e.getMessage());
        }
        if (hello.unusable() != null) unusable = hello.unusable();
        if (info == null) info = hello.info();
    }

    private Outputs readOutputs(Invocation inv, JsonNode reply) throws ProtocolException {
        JsonNode outs = reply.path("outputs");
        if (!outs.isObject()) throw channel.broken("protocol: result without an 'outputs' object");
        return results.read(inv, outs, reply.path("guarded"), reply.path("guard_breaches"));
    }

    /** Removes a scratch directory, quietly: what cannot go now (a file still held open) goes with the next try. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
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
}
