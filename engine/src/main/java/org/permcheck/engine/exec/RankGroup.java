package org.permcheck.engine.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.permcheck.engine.codec.CallCodec;
import org.permcheck.engine.codec.TensorRefs;
import org.permcheck.engine.model.Status;
import org.permcheck.spi.BackendCrashedException;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The multi-rank mode of the protocol (docs/protocol.md 8): S processes of one backend command, one
 * per rank, each told its rank, the world size and a rendezvous in its environment, each speaking
 * protocol 1 on its own pipes with its own scratch directory. A call goes to every rank at once
 * (a collective blocks until all ranks take part); the first rank that crashes, errs, answers for
 * another rank or outlives the limit fails the call, and every rank's process tree is killed then,
 * never left behind. Knows nothing of expert parallelism: names of tensors in, names of tensors out.
 */
public final class RankGroup implements AutoCloseable {
    /** The environment variables a rank is started with (docs/protocol.md 8.1). */
    public static final String RANK = "PERMCHECK_RANK";
    public static final String WORLD_SIZE = "PERMCHECK_WORLD_SIZE";
    public static final String RENDEZVOUS = "PERMCHECK_RENDEZVOUS";
    /** Set to 1 for the one process of the single-controller form. */
    public static final String SINGLE_CONTROLLER = "PERMCHECK_SINGLE_CONTROLLER";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A call that did not give every rank's outputs: its status (ERROR, CRASH, TIMEOUT) and why. */
    public static final class RankFailure extends Exception {
        private final transient Status status;

        public RankFailure(Status status, String message) {
            super(message);
            this.status = status;
        }

        public Status status() { return status; }
    }

    private final List<MessageChannel> ranks;
    private final List<Path> dirs;
    private final List<Long> pids = new ArrayList<>();
    private final ExecutorService pool;
    private int nextId = 1;
    private boolean broken;

    private final int worldSize;
    /** One process serves every rank (docs/protocol.md 8.4): ranks holds that one channel. */
    private final boolean single;

    private RankGroup(List<MessageChannel> ranks, List<Path> dirs, int worldSize, boolean single) {
        this.ranks = ranks;
        this.dirs = dirs;
        this.worldSize = worldSize;
        this.single = single;
        for (MessageChannel c : ranks) pids.add(c.pid());
        this.pool = Executors.newFixedThreadPool(ranks.size(), r -> {
            Thread t = new Thread(r, "permcheck-rank");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts {@code worldSize} ranks of {@code command} and says hello to each: a rank must answer
     * protocol 1 with its own {@code rank} and {@code world_size} (a rank that names another is an ERROR).
     */
    public static RankGroup start(String command, int worldSize, Path scratch, Duration limit) throws RankFailure {
        String rendezvous = "127.0.0.1:" + freePort();
        List<MessageChannel> channels = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        try {
            for (int r = 0; r < worldSize; r++) {
                Path dir = Files.createDirectories(scratch.resolve("rank" + r)).toRealPath();
                dirs.add(dir);
                channels.add(MessageChannel.start(command, environment(r, worldSize, rendezvous)));
            }
        } catch (IOException e) {
            channels.forEach(MessageChannel::kill);
            throw new RankFailure(Status.CRASH, "cannot start '" + command + "': " + MessageChannel.oneLine(e.getMessage()));
        }
        RankGroup g = new RankGroup(channels, dirs, worldSize, false);
        g.helloOrClose(r -> {
            ObjectNode hello = Hello.request(g.dirs.get(r)).put("rank", r).put("world_size", worldSize);
            JsonNode a = g.ranks.get(r).exchange(hello, "hello of rank " + r, Duration.ZERO);
            g.helloAnswered(a, "rank " + r);
            g.checkRank(r, a, worldSize, "hello");
            return null;
        }, limit);
        return g;
    }

    /** The environment of rank {@code r}: ours, torch.distributed's, and NVLink multicast off. */
    static Map<String, String> environment(int r, int worldSize, String rendezvous) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(RANK, Integer.toString(r));
        env.put(WORLD_SIZE, Integer.toString(worldSize));
        env.put(RENDEZVOUS, rendezvous);
        env.put("RANK", Integer.toString(r));
        env.put("WORLD_SIZE", Integer.toString(worldSize));
        env.put("LOCAL_RANK", Integer.toString(r));
        env.put("MASTER_ADDR", rendezvous.substring(0, rendezvous.indexOf(':')));
        env.put("MASTER_PORT", rendezvous.substring(rendezvous.indexOf(':') + 1));
        env.put("NCCL_NVLS_ENABLE", "0");
        return env;
    }

    private static int freePort() throws RankFailure {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new RankFailure(Status.HARNESS_ERROR, "no free port for the rendezvous: " + e.getMessage());
        }
    }

    public int worldSize() { return worldSize; }

    /**
     * The single-controller form (docs/protocol.md 8.4): ONE process of {@code command} serves all
     * {@code worldSize} ranks (JAX on S devices of one host, XLA_FLAGS forcing S host devices). Its
     * hello says {@code "single_controller": true} and the world size; every call carries all ranks.
     */
    public static RankGroup startSingleController(String command, int worldSize, Path scratch, Duration limit) throws RankFailure {
        List<Path> dirs = new ArrayList<>();
        MessageChannel ch;
        try {
            for (int r = 0; r < worldSize; r++) dirs.add(Files.createDirectories(scratch.resolve("rank" + r)).toRealPath());
            Map<String, String> env = new LinkedHashMap<>();
            env.put(WORLD_SIZE, Integer.toString(worldSize));
            env.put(SINGLE_CONTROLLER, "1");
            String xla = System.getenv("XLA_FLAGS");
            env.put("XLA_FLAGS", (xla == null || xla.isBlank() ? "" : xla + " ") + "--xla_force_host_platform_device_count=" + worldSize);
            env.put("NCCL_NVLS_ENABLE", "0");
            ch = MessageChannel.start(command, env);
        } catch (IOException e) {
            throw new RankFailure(Status.CRASH, "cannot start '" + command + "': " + MessageChannel.oneLine(e.getMessage()));
        }
        RankGroup g = new RankGroup(List.of(ch), dirs, worldSize, true);
        g.helloOrClose(r -> {
            ObjectNode hello = Hello.request(scratch.toRealPath()).put("world_size", worldSize).put("single_controller", true);
            JsonNode a = ch.exchange(hello, "hello of the single controller", Duration.ZERO);
            g.helloAnswered(a, "the controller");
            if (!a.path("single_controller").asBoolean(false) || a.path("world_size").asInt(-1) != worldSize) {
                throw new ProtocolException("the controller answered hello as single_controller " + a.path("single_controller") + " of world size " + a.path("world_size")
                        + ", expected one controller of " + worldSize + " ranks (wrong rank)");
            }
            return null;
        }, limit);
        return g;
    }

    /** The process ids of the started commands and those the ranks reported in their hello (for the no-orphan check). */
    public List<Long> pids() {
        synchronized (pids) { return List.copyOf(new java.util.LinkedHashSet<>(pids)); }
    }

    /** False after a failed call: the ranks were killed, start a new group. */
    public boolean usable() { return !broken; }

    /**
     * Sends {@code op} to every rank at once with that rank's inputs, written as .npy in its scratch
     * directory, and returns each rank's outputs read back through the protocol's file rules (inside the
     * directory, no symlink, under {@code budgets} bytes each). Any failure kills every rank.
     */
    public List<Map<String, Tensor>> call(String caseName, String op, List<Map<String, Tensor>> inputs, long budget, Duration limit) throws RankFailure {
        if (broken) throw new RankFailure(Status.HARNESS_ERROR, "the rank group was killed by an earlier failure");
        int id = nextId++;
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) out.add(null);
        if (single) {
            everyRank(unused -> {
                ObjectNode req = JSON.createObjectNode().put("type", "run").put("id", id).put("case", caseName).put("op", op)
                        .put("world_size", worldSize);
                ArrayNode rs = req.putArray("ranks");
                for (int r = 0; r < worldSize; r++) {
                    clear(dirs.get(r));
                    ObjectNode one = rs.addObject().put("rank", r).put("dir", dirs.get(r).toString());
                    one.set("inputs", writeInputs(dirs.get(r), inputs.get(r)));
                }
                JsonNode a = answer(ranks.get(0), req, id, "case " + caseName + " on the controller", "the controller");
                if (a.path("world_size").asInt(-1) != worldSize || !a.path("ranks").isArray() || a.path("ranks").size() != worldSize) {
                    throw new ProtocolException("the controller answered case " + caseName + " with " + a.path("ranks").size() + " ranks of world size "
                            + a.path("world_size") + ", expected " + worldSize + " (wrong rank)");
                }
                for (int r = 0; r < worldSize; r++) {
                    JsonNode one = a.path("ranks").get(r);
                    if (one.path("rank").asInt(-1) != r) throw new ProtocolException("the controller's answer " + r + " names rank " + one.path("rank") + " (wrong rank)");
                    out.set(r, readOutputs(r, dirs.get(r), one.path("outputs"), budget));
                }
                return null;
            }, limit);
            return out;
        }
        everyRank(r -> {
            Path dir = dirs.get(r);
            clear(dir);
            ObjectNode req = JSON.createObjectNode().put("type", "run").put("id", id).put("case", caseName).put("op", op)
                    .put("rank", r).put("world_size", worldSize).put("dir", dir.toString());
            req.set("inputs", writeInputs(dir, inputs.get(r)));
            JsonNode a = answer(ranks.get(r), req, id, "case " + caseName + " on rank " + r, "rank " + r);
            checkRank(r, a, worldSize, "case " + caseName);
            Map<String, Tensor> outs = readOutputs(r, dir, a.path("outputs"), budget);
            synchronized (out) { out.set(r, outs); }
            return null;
        }, limit);
        return out;
    }

    /** A rank's inputs as .npy in its directory, referenced by absolute path as a single backend's are (docs/protocol.md 3.2). */
    private static ObjectNode writeInputs(Path dir, Map<String, Tensor> inputs) throws IOException {
        return new CallCodec(dir, TensorRefs.PATH).writeTensors(inputs, name -> "in_" + name + ".npy");
    }

    /** The answer to {@code req}: a result with the request's id, or the ProtocolException its type means. */
    private static JsonNode answer(MessageChannel ch, ObjectNode req, int id, String what, String who) throws Exception {
        JsonNode a = ch.exchange(req, what, Duration.ZERO);
        String type = a.path("type").asText();
        if ("error".equals(type)) throw new ProtocolException(who + " answered error: " + MessageChannel.oneLine(a.path("message").asText()));
        if ("not_supported".equals(type)) throw new ProtocolException(who + " answered not_supported: " + MessageChannel.oneLine(a.path("reason").asText()));
        if (!"result".equals(type)) throw new ProtocolException("protocol: " + who + " answered " + MessageChannel.abbreviate(a.toString()));
        if (a.path("id").asInt(-1) != id) throw new ProtocolException("protocol: " + who + " answered id " + a.path("id") + " to request " + id);
        return a;
    }

    /** Rank r's outputs, read by the protocol's file rules (section 5) from its directory. */
    private static Map<String, Tensor> readOutputs(int r, Path dir, JsonNode outputs, long budget) throws ProtocolException {
        OutputFileReader reader = new OutputFileReader(dir);
        Map<String, Tensor> outs = new LinkedHashMap<>();
        var it = outputs.fields();
        while (it.hasNext()) {
            var e = it.next();
            String where = "rank " + r + " output '" + e.getKey() + "'";
            Tensor t = reader.read(where, e.getValue().path("path").asText(), budget);
            String dtype = e.getValue().path("dtype").asText();
            List<Long> shape = new ArrayList<>();
            e.getValue().path("shape").forEach(n -> shape.add(n.asLong()));
            DType logical;
            try {
                logical = DType.byId(dtype);
            } catch (RuntimeException ex) {
                logical = null;
            }
            if (logical == null || logical.storage() != t.dtype() || !t.sameShape(shape.stream().mapToLong(Long::longValue).toArray())) {
                throw new ProtocolException(where + ": reply says " + dtype + shape + ", file holds " + t.dtype().npyDescr() + t.shapeString());
            }
            outs.put(e.getKey(), t);
        }
        return outs;
    }

    /**
     * {@code who}'s answer to hello must be a hello of protocol 1; the process id it reports joins
     * the no-orphan check ({@link #pids()}, read only once every hello passed).
     */
    private void helloAnswered(JsonNode a, String who) throws ProtocolException {
        if (!"hello".equals(a.path("type").asText())) throw new ProtocolException("protocol: " + who + " answered hello with " + MessageChannel.abbreviate(a.toString()));
        if (a.path("protocol").asInt(-1) != Hello.PROTOCOL) throw new ProtocolException("protocol: " + who + " speaks protocol " + a.path("protocol") + "; this engine speaks " + Hello.PROTOCOL);
        long pid = a.path("pid").asLong(-1);
        if (pid > 0) synchronized (pids) { pids.add(pid); }
    }

    private void checkRank(int r, JsonNode a, int worldSize, String what) throws ProtocolException {
        if (a.path("rank").asInt(-1) != r || a.path("world_size").asInt(-1) != worldSize) {
            throw new ProtocolException("rank " + r + " answered " + what + " as rank " + a.path("rank") + " of " + a.path("world_size")
                    + " (wrong rank)");
        }
    }

    private static void clear(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) if (!p.equals(dir)) Files.delete(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The hello exchange; a failure kills every rank and ends the group's threads before it is thrown. */
    private void helloOrClose(RankTask hello, Duration limit) throws RankFailure {
        try {
            everyRank(hello, limit);
        } catch (RankFailure f) {
            close();
            throw f;
        }
    }

    private interface RankTask {
        Void run(int rank) throws Exception;
    }

    /** Runs {@code task} for every rank at once; the first failure (or the limit) kills every rank. */
    private void everyRank(RankTask task, Duration limit) throws RankFailure {
        CompletionService<Integer> done = new ExecutorCompletionService<>(pool);
        List<Future<Integer>> fs = new ArrayList<>();
        for (int r = 0; r < ranks.size(); r++) {
            int rank = r;
            fs.add(done.submit(() -> {
                try {
                    task.run(rank);
                } catch (Exception e) {
                    throw failure(rank, e);
                }
                return rank;
            }));
        }
        long deadline = System.nanoTime() + limit.toNanos();
        RankFailure first = null;
        // the first rank to finish badly names the failure: a crashed rank leaves its peers waiting in the collective
        for (int n = 0; n < fs.size() && first == null; n++) {
            try {
                Future<Integer> f = done.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (f == null) {
                    List<Integer> waiting = new ArrayList<>();
                    for (int r = 0; r < fs.size(); r++) if (!fs.get(r).isDone()) waiting.add(r);
                    first = new RankFailure(Status.TIMEOUT, "rank(s) " + waiting + " gave no answer within " + limit.toMillis() + " ms; every rank's process tree killed");
                } else {
                    f.get();
                }
            } catch (ExecutionException e) {
                first = e.getCause() instanceof RankFailure f ? f : new RankFailure(Status.HARNESS_ERROR, String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                first = new RankFailure(Status.HARNESS_ERROR, "interrupted");
            }
        }
        if (first != null && first.status() != Status.CRASH) {
            // a peer's error is often the echo of a rank that died (its socket closed): a crash that
            // follows within a moment is the cause, and names the case's status
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            for (Future<Integer> f; (f = poll(done, until)) != null; ) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RankFailure rf && rf.status() == Status.CRASH) {
                        first = rf;
                        break;
                    }
                } catch (InterruptedException | java.util.concurrent.CancellationException e) {
                    break;
                }
            }
            // a rank whose process is gone died, even if a child of it still holds its stdout open
            for (int r = 0; r < ranks.size() && first.status() != Status.CRASH; r++) {
                Integer status = ranks.get(r).exitStatus(0);
                if (status != null) {
                    first = new RankFailure(Status.CRASH, (single ? "the controller" : "rank " + r) + " exited (status " + status + ") during the call; then " + first.getMessage());
                }
            }
        }
        if (first != null) {
            killAll();
            for (Future<Integer> f : fs) f.cancel(true);
            throw first;
        }
    }

    private static Future<Integer> poll(CompletionService<Integer> done, long until) {
        try {
            return done.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private RankFailure failure(int r, Throwable t) {
        if (t instanceof BackendCrashedException) return new RankFailure(Status.CRASH, "rank " + r + ": " + MessageChannel.oneLine(t.getMessage()));
        if (t instanceof ProtocolException) return new RankFailure(Status.ERROR, MessageChannel.oneLine(t.getMessage()));
        return new RankFailure(Status.ERROR, "rank " + r + ": " + t.getClass().getSimpleName() + ": " + MessageChannel.oneLine(t.getMessage()));
    }

    /** Kills every rank's process tree now. */
    public void killAll() {
        broken = true;
        for (MessageChannel c : ranks) c.kill();
    }

    /** Bye to every rank (2 s each, then the tree is killed); after a failure, the kill already happened. */
    @Override
    public void close() {
        if (!broken) {
            List<Future<?>> fs = new ArrayList<>();
            for (MessageChannel c : ranks) fs.add(pool.submit(c::bye));
            for (Future<?> f : fs) {
                try {
                    f.get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // killed below
                }
            }
        }
        killAll();
        pool.shutdownNow();
    }
}
