package org.permcheck.engine.exec;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One running backend process: lines out on stdin, lines in from stdout, stderr kept in a tail.
 * Knows nothing of the messages' meaning ({@link ExecBackend} does).
 */
final class BackendProcess {
    /** docs/protocol.md section 2: a longer line is a protocol error. */
    static final int MAX_LINE = 1 << 20;

    private final Process process;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final StderrTail stderr;
    private final BackendTree tree;

    private BackendProcess(Process p, String token) {
        this.process = p;
        this.tree = new BackendTree(p.toHandle(), token);
        this.stdin = p.getOutputStream();
        this.stdout = new BufferedInputStream(p.getInputStream(), 1 << 16);
        this.stderr = new StderrTail(p.getErrorStream(), "permcheck-exec-stderr-" + p.pid());
    }

    /**
     * Starts {@code /bin/sh -c command} in the current directory, as the leader of a session of its
     * own (so that the whole group can be found and ended: {@link BackendTree}) and marked with a
     * token; {@code env} is added to the environment (a rank's identity, docs/protocol.md 8).
     */
    static BackendProcess start(String command, java.util.Map<String, String> env) throws IOException {
        List<String> argv = new ArrayList<>();
        String setsid = BackendTree.setsid();
        if (setsid != null) argv.add(setsid); // not a group leader, so setsid execs in place: same pid
        argv.addAll(List.of("/bin/sh", "-c", command));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("PERMCHECK_PROTOCOL", "1");
        pb.environment().putAll(env);
        String token = UUID.randomUUID().toString();
        pb.environment().put(BackendTree.TOKEN_VARIABLE, token);
        return new BackendProcess(pb.start(), token);
    }

    /** Writes one line; false when the process no longer reads (it died). */
    boolean send(String line) {
        try {
            stdin.write(line.getBytes(StandardCharsets.UTF_8));
            stdin.write('\n');
            stdin.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads one line, or null at end of stream (the process closed stdout or died).
     *
     * @throws ProtocolException for a line over {@link #MAX_LINE} bytes
     */
    String readLine() throws ProtocolException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        try {
            while (true) {
                int c = stdout.read();
                if (c < 0) return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
                if (c == '\n') return b.toString(StandardCharsets.UTF_8);
                if (b.size() >= MAX_LINE) throw new ProtocolException("protocol: a line on stdout is longer than 1 MiB");
                b.write(c);
            }
        } catch (IOException e) {
            return null;
        }
    }

    boolean alive() { return process.isAlive(); }

    /** Exit status after waiting up to {@code millis}, or null while it still runs. */
    Integer exitStatus(long millis) {
        try {
            if (process.waitFor(millis, TimeUnit.MILLISECONDS)) return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    String stderrTail() { return stderrTail(2000); }

    /** The stderr tail; once the process is gone, after the drain thread has read the pipe to its end (bounded wait). */
    String stderrTail(int max) {
        if (!process.isAlive()) stderr.awaitEnd(500);
        return stderr.tail(max);
    }

    long pid() { return process.pid(); }

    /** CPU time of the process and its descendants (zero where the platform does not say). */
    java.time.Duration cpuTime() {
        java.time.Duration d = process.toHandle().info().totalCpuDuration().orElse(java.time.Duration.ZERO);
        for (ProcessHandle h : (Iterable<ProcessHandle>) process.descendants()::iterator) {
            d = d.plus(h.info().totalCpuDuration().orElse(java.time.Duration.ZERO));
        }
        return d;
    }

    /**
     * Kills the process and everything of the backend's: descendants (a shell's children, a
     * launcher's workers), its session and the processes carrying its token (daemonised grandchildren).
     */
    void killTree() {
        tree.killAll();
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already closed by the dead process
        }
    }

    /** Closes stdin, waits for a clean exit, then kills whatever is left. */
    void finish(long graceMillis) {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the process has gone already
        }
        exitStatus(graceMillis);
        killTree();
    }
}
