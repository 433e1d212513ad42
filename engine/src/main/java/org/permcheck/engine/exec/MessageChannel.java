package org.permcheck.engine.exec;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.permcheck.spi.BackendCrashedException;

/**
 * One backend process seen as the message channel of docs/protocol.md section 2: one JSON line
 * out, one JSON object line back, within the limits (a line of at most 1 MiB, an optional time
 * limit). Turns what goes wrong on the wire into the exceptions section 4 maps: a dead process is
 * {@link BackendCrashedException} (CRASH), garbage is a {@link ProtocolException} (ERROR) after which
 * the process is killed, so the owner starts a fresh one. Knows no message types ({@link ExecBackend}
 * and {@link Hello} do).
 */
public final class MessageChannel {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fires time limits; one daemon thread for every channel (limits are rare: hello, bye, smoke). */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "permcheck-exec-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final BackendProcess process;
    // set before the kill, so that a reader woken by the dead pipe knows it was us (TIMEOUT, not CRASH)
    private volatile boolean cancelled;
    // a killed process may still look alive for a moment (the kill is asynchronous)
    private volatile boolean killed;

    private MessageChannel(BackendProcess process) {
        this.process = process;
    }

    /** Starts {@code /bin/sh -c command} in the current directory. */
    public static MessageChannel start(String command) throws IOException {
        return new MessageChannel(BackendProcess.start(command, java.util.Map.of()));
    }

    /** Starts {@code /bin/sh -c command} with {@code env} added to its environment (one rank of a {@link RankGroup}). */
    static MessageChannel start(String command, java.util.Map<String, String> env) throws IOException {
        return new MessageChannel(BackendProcess.start(command, env));
    }

    /**
     * Sends {@code request} and reads the answer, a JSON object. {@code what} names the exchange in
     * messages ("hello", "case ..."); {@code limit} ZERO: none (the caller's timer and
     * {@link #cancel()} apply).
     */
    JsonNode exchange(ObjectNode request, String what, Duration limit) throws Exception {
        String line = JSON.writeValueAsString(request);
        ScheduledFuture<?> timer = null;
        if (!limit.isZero()) timer = WATCHDOG.schedule(this::cancel, limit.toMillis(), TimeUnit.MILLISECONDS);
        String answer;
        try {
            if (!process.send(line)) throw crashed("backend stopped reading stdin before " + what);
            answer = process.readLine();
        } catch (ProtocolException e) {
            kill();
            throw e;
        } finally {
            if (timer != null) timer.cancel(false);
        }
        if (answer == null) {
            if (cancelled) {
                kill();
                throw new BackendCrashedException("no answer to " + what + (limit.isZero() ? "" : " within " + limit.toMillis() + " ms")
                        + "; process tree killed" + stderrSuffix());
            }
            throw crashed("backend exited during " + what);
        }
        try {
            JsonNode n = JSON.readTree(answer);
            if (n == null || !n.isObject()) throw broken("protocol: not a JSON object: " + abbreviate(answer));
            return n;
        } catch (JsonProcessingException e) {
            throw broken("protocol: not JSON: " + abbreviate(answer));
        }
    }

    /**
     * Sends one raw line (any text: {@code permcheck smoke} sends malformed ones) and reads one line
     * back; null when the process no longer reads or has closed stdout.
     */
    public String ask(String line) throws ProtocolException {
        if (!process.send(line)) return null;
        return process.readLine();
    }

    /** The answer broke the protocol: the process is killed (its state is unknown) and the error carries its stderr. */
    ProtocolException broken(String message) {
        kill();
        return new ProtocolException(message + stderrSuffix());
    }

    private BackendCrashedException crashed(String what) {
        Integer status = process.exitStatus(1000);
        kill();
        String s = status == null ? "closed stdout" : "exit status " + status;
        return new BackendCrashedException(what + " (" + s + ")" + stderrSuffix());
    }

    private String stderrSuffix() {
        String t = process.stderrTail();
        return t.isEmpty() ? "" : "; stderr: " + t;
    }

    /** From any thread: kills the process tree; the exchange in progress ends as "no answer". */
    void cancel() {
        cancelled = true;
        kill();
    }

    /** Kills the process tree after {@code limit} unless the returned timer is cancelled first. */
    public Future<?> killAfter(Duration limit) {
        return WATCHDOG.schedule(this::kill, limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** docs/protocol.md 3.4: bye, up to 2 s for the backend's bye and exit, then the tree is killed. */
    void bye() {
        if (process.send("{\"type\":\"bye\"}")) {
            Future<?> kill = killAfter(Duration.ofSeconds(2));
            try {
                process.readLine(); // the backend's bye, or EOF
            } catch (ProtocolException ignored) {
                // whatever it said, it is leaving
            }
            kill.cancel(false);
        }
        process.finish(2000);
        killed = true;
    }

    /** Kills the process and every descendant. */
    public void kill() {
        killed = true;
        process.killTree();
    }

    public boolean alive() { return !killed && process.alive(); }

    /** Exit status after waiting up to {@code millis}, or null while it still runs. */
    public Integer exitStatus(long millis) { return process.exitStatus(millis); }

    /** The last {@code max} characters of the process's stderr. */
    public String stderrTail(int max) { return process.stderrTail(max); }

    Duration cpuTime() { return process.cpuTime(); }

    /** The process id of the started command (its session leader). */
    long pid() { return process.pid(); }

    /** Backend text (a message, a reason) made one line and bounded, for a status detail. */
    public static String oneLine(String s) {
        if (s == null) return "";
        String t = s.strip().replace("\r", "").replace("\n", " | ");
        return t.length() > 2000 ? t.substring(0, 2000) + "..." : t;
    }

    static String abbreviate(String s) {
        String t = oneLine(s);
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }
}
