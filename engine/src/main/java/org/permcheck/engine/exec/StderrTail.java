package org.permcheck.engine.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Drains a process's stderr on a daemon thread and keeps only its last bytes, so a chatty backend
 * can neither block on a full pipe nor fill our memory.
 */
final class StderrTail {
    static final int KEEP = 8 * 1024;
    private final byte[] ring = new byte[KEEP];
    private long written;
    private final Thread thread;

    StderrTail(InputStream in, String threadName) {
        thread = new Thread(() -> drain(in), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits (bounded) until the pipe is drained to its end: after the process died, its last words are in. */
    void awaitEnd(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drain(InputStream in) {
        byte[] buf = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) append(buf, n);
        } catch (IOException e) {
            // the process is gone; what we have is what there is
        }
    }

    private synchronized void append(byte[] b, int n) {
        for (int i = 0; i < n; i++) ring[(int) ((written + i) % KEEP)] = b[i];
        written += n;
    }

    /** The last {@code max} characters as one line (newlines shown as " | "), or "" when silent. */
    synchronized String tail(int max) {
        int have = (int) Math.min(written, KEEP);
        byte[] out = new byte[have];
        for (int i = 0; i < have; i++) out[i] = ring[(int) ((written - have + i) % KEEP)];
        String s = new String(out, StandardCharsets.UTF_8).strip().replace("\r", "").replace("\n", " | ");
        if (s.length() > max) s = "..." + s.substring(s.length() - max);
        return s;
    }
}
