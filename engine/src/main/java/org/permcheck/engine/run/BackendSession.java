package org.permcheck.engine.run;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.permcheck.contract.Invocation;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.exec.ProtocolException;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendCrashedException;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.NotSupportedException;
import org.permcheck.spi.Outputs;

/**
 * The backend a run talks to, and the isolation around it: each call runs on a worker thread
 * under the per-case limit. After a TIMEOUT (the backend is cancelled and abandoned) or a CRASH
 * the backend is thrown away and re-created from the factory before the next call.
 */
final class BackendSession implements AutoCloseable {

    /**
     * How one call ended: outputs (status null), or a status with a one-line reason. {@code malformed}:
     * an ERROR because the backend answered but the engine refused the answer (a protocol reply it
     * could not read, an output file over the budget), not because the backend refused the call.
     */
    record Answer(Outputs outputs, Status status, String detail, long nanos, boolean malformed) {
        Answer(Outputs outputs, Status status, String detail, long nanos) { this(outputs, status, detail, nanos, false); }

        boolean ok() { return status == null; }
    }

    private final BackendFactory factory;
    private Backend backend;
    private BackendInfo info;
    private BackendInfo lastInfo;
    private String createError;
    private ExecutorService worker;

    BackendSession(BackendFactory factory) {
        this.factory = factory;
    }

    /** The current backend's info, creating it first if needed; null when it cannot be created. */
    BackendInfo info() {
        ensure();
        return info;
    }

    /** The info of the latest backend made, without making one (for the run info); null if none was made. */
    BackendInfo lastInfo() { return lastInfo; }

    /** Why the backend could not be created, or null. */
    String createError() {
        ensure();
        return createError;
    }

    /** The creation error, if any, without trying to create. */
    String lastCreateError() { return createError; }

    private void ensure() {
        if (backend != null || createError != null) return;
        try {
            backend = factory.create();
            info = backend.info();
            lastInfo = info;
        } catch (Exception | LinkageError e) {
            createError = "backend could not be created: " + oneLine(e);
        }
    }

    Answer call(Invocation inv, Duration limit) {
        ensure();
        if (backend == null) return new Answer(null, Status.ERROR, createError, 0);
        if (worker == null) worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "permcheck-backend-call");
            t.setDaemon(true);
            return t;
        });
        Backend b = backend;
        long start = System.nanoTime();
        Future<Outputs> f = worker.submit(() -> b.run(inv));
        try {
            Outputs o = f.get(limit.toNanos(), TimeUnit.NANOSECONDS);
            long nanos = System.nanoTime() - start;
            if (o == null) return new Answer(null, Status.ERROR, "backend returned no outputs (null)", nanos);
            return new Answer(o, null, null, nanos);
        } catch (TimeoutException e) {
            long nanos = System.nanoTime() - start;
            try {
                b.cancel();
            } catch (RuntimeException ignored) {
                // a failing cancel must not hide the timeout
            }
            f.cancel(true);
            abandon();
            return new Answer(null, Status.TIMEOUT, "no answer within " + limit.toMillis() + " ms (backend cancelled and re-created)", nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(null, Status.HARNESS_ERROR, "interrupted while waiting for the backend", System.nanoTime() - start);
        } catch (ExecutionException e) {
            long nanos = System.nanoTime() - start;
            Throwable cause = e.getCause();
            if (cause instanceof NotSupportedException) return new Answer(null, Status.NOT_SUPPORTED, cause.getMessage(), nanos);
            if (cause instanceof BackendCrashedException) {
                abandon();
                return new Answer(null, Status.CRASH, oneLine(cause) + " (backend re-created)", nanos);
            }
            if (cause instanceof OutOfMemoryError) return new Answer(null, Status.ERROR, "out of memory: " + cause.getMessage(), nanos);
            boolean malformed = cause instanceof ProtocolException && !((ProtocolException) cause).refusal();
            return new Answer(null, Status.ERROR, oneLine(cause), nanos, malformed);
        }
    }

    /** Drops the current backend (closing it off the caller's thread) so the next call makes a fresh one. */
    private void abandon() {
        Backend old = backend;
        ExecutorService oldWorker = worker;
        backend = null;
        info = null;
        worker = null;
        if (oldWorker != null) oldWorker.shutdownNow();
        if (old != null) {
            Thread closer = new Thread(() -> {
                try {
                    old.close();
                } catch (Exception ignored) {
                    // it already failed us; closing is best effort
                }
            }, "permcheck-backend-close");
            closer.setDaemon(true);
            closer.start();
        }
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        String s = t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        if (worker != null) worker.shutdownNow();
        if (backend != null) {
            try {
                backend.close();
            } catch (Exception ignored) {
                // end of run; nothing left to report it to
            }
        }
        backend = null;
        worker = null;
    }
}
