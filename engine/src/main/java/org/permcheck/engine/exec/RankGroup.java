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

import org.permcheck.engine.model.Status;
import org.permcheck.spi.BackendCrashedException;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    private RankGroup(List<MessageChannel> ranks, List<Path> dirs) {
        this.ranks = ranks;
        this.dirs = dirs;
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
        RankGroup g = new RankGroup(channels, dirs);
        g.everyRank(r -> {
            ObjectNode hello = Hello.request(g.dirs.get(r)).put("rank", r).put("world_size", worldSize);
            JsonNode a = g.ranks.get(r).exchange(hello, "hello of rank " + r, Duration.ZERO);
            if (!"hello".equals(a.path("type").asText())) throw new ProtocolException("protocol: rank " + r + " answered hello with " + MessageChannel.abbreviate(a.toString()), true);
            if (a.path("protocol").asInt(-1) != Hello.PROTOCOL) throw new ProtocolException("protocol: rank " + r + " speaks protocol " + a.path("protocol") + "; this engine speaks " + Hello.PROTOCOL, true);
            g.checkRank(r, a, worldSize, "hello");
            synchronized (g.pids) { g.pids.add(a.path("pid").asLong(-1)); }
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

    public int worldSize() { return ranks.size(); }

    /** The process ids the ranks reported in their hello (for the no-orphan check). */
    public List<Long> pids() {
        synchronized (pids) { return List.copyOf(pids); }
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
        for (int r = 0; r < ranks.size(); r++) out.add(null);
        everyRank(r -> {
            Path dir = dirs.get(r);
            clear(dir);
            ObjectNode req = JSON.createObjectNode().put("type", "run").put("id", id).put("case", caseName).put("op", op)
                    .put("rank", r).put("world_size", ranks.size()).put("dir", dir.toString());
            ObjectNode ins = req.putObject("inputs");
            for (Map.Entry<String, Tensor> e : inputs.get(r).entrySet()) {
                Path p = dir.resolve("in_" + e.getKey() + ".npy");
                Npy.write(e.getValue(), p);
                ObjectNode ref = ins.putObject(e.getKey()).put("path", p.toString()).put("dtype", e.getValue().dtype().id());
                for (long d : e.getValue().shape()) ref.withArray("shape").add(d);
                if (e.getValue().rank() == 0) ref.putArray("shape");
            }
            JsonNode a = ranks.get(r).exchange(req, "case " + caseName + " on rank " + r, Duration.ZERO);
            String type = a.path("type").asText();
            if ("error".equals(type) || "not_supported".equals(type)) {
                throw new ProtocolException("rank " + r + " answered " + type + ": " + MessageChannel.oneLine(a.path("type").asText().equals("error") ? a.path("message").asText() : a.path("reason").asText()), false);
            }
            if (!"result".equals(type)) throw new ProtocolException("protocol: rank " + r + " answered " + MessageChannel.abbreviate(a.toString()), true);
            if (a.path("id").asInt(-1) != id) throw new ProtocolException("protocol: rank " + r + " answered id " + a.path("id") + " to request " + id, true);
            checkRank(r, a, ranks.size(), "case " + caseName);
            OutputFileReader reader = new OutputFileReader(dir);
            Map<String, Tensor> outs = new LinkedHashMap<>();
            var it = a.path("outputs").fields();
            while (it.hasNext()) {
                var e = it.next();
                String where = "rank " + r + " output '" + e.getKey() + "'";
                Tensor t = reader.read(where, e.getValue().path("path").asText(), budget);
                String dtype = e.getValue().path("dtype").asText();
                List<Long> shape = new ArrayList<>();
                e.getValue().path("shape").forEach(n -> shape.add(n.asLong()));
                DType logical = DType.byId(dtype);
                if (logical == null || logical.storage() != t.dtype() || !t.sameShape(shape.stream().mapToLong(Long::longValue).toArray())) {
                    throw new ProtocolException(where + ": reply says " + dtype + shape + ", file holds " + t.dtype().npyDescr() + t.shapeString(), false);
                }
                outs.put(e.getKey(), t);
            }
            synchronized (out) { out.set(r, outs); }
            return null;
        }, limit);
        return out;
    }

    private void checkRank(int r, JsonNode a, int worldSize, String what) throws ProtocolException {
        if (a.path("rank").asInt(-1) != r || a.path("world_size").asInt(-1) != worldSize) {
            throw new ProtocolException("rank " + r + " answered " + what + " as rank " + a.path("rank") + " of " + a.path("world_size")
                    + " (wrong rank)", true);
        }
    }

    private static void clear(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) if (!p.equals(dir)) Files.delete(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
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
