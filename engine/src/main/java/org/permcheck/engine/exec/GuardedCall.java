package org.permcheck.engine.exec;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.permcheck.contract.Invocation;
import org.permcheck.engine.model.Status;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendCrashedException;
import org.permcheck.spi.NotSupportedException;
import org.permcheck.spi.Outputs;

/**
 * One backend call under a time limit, turned into a status: the mapping of docs/protocol.md
 * section 4 for everything that happens before the checks (which decide PASS or FAIL of an
 * {@link Attempt#outputs()} answer). Used by {@code permcheck smoke}, the protocol benchmarks and
 * the tests; the engine's run loop applies the same mapping.
 */
public final class GuardedCall implements AutoCloseable {

    /** What came of one call: outputs (status null: still to be judged) or a final status and why. */
    public record Attempt(Status status, Outputs outputs, String detail, long nanos) {
        public boolean answered() { return outputs != null; }
    }

    private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "permcheck-guarded-call");
        t.setDaemon(true);
        return t;
    });

    /** Runs {@code inv} on {@code backend}; on overrun calls {@link Backend#cancel()} and answers TIMEOUT. */
    public Attempt call(Backend backend, Invocation inv, Duration limit) {
        long t0 = System.nanoTime();
        Future<Outputs> f = pool.submit(() -> backend.run(inv));
        try {
            Outputs o = f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return new Attempt(null, o, null, System.nanoTime() - t0);
        } catch (TimeoutException e) {
            backend.cancel();
            f.cancel(true);
            try {
                f.get(5, TimeUnit.SECONDS); // the cancelled call unwinds (its process is dead)
            } catch (Exception ignored) {
                // expected: it fails now that its process is gone
            }
            return new Attempt(Status.TIMEOUT, null, "no answer within " + limit.toMillis() + " ms; backend cancelled", System.nanoTime() - t0);
        } catch (ExecutionException e) {
            return classify(e.getCause(), System.nanoTime() - t0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(Status.HARNESS_ERROR, null, "interrupted", System.nanoTime() - t0);
        }
    }

    static Attempt classify(Throwable t, long nanos) {
        if (t instanceof NotSupportedException) return new Attempt(Status.NOT_SUPPORTED, null, t.getMessage(), nanos);
        if (t instanceof CaseTimeoutException) return new Attempt(Status.TIMEOUT, null, t.getMessage(), nanos);
        if (t instanceof BackendCrashedException) return new Attempt(Status.CRASH, null, t.getMessage(), nanos);
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new Attempt(Status.ERROR, null, ExecBackend.oneLine(msg), nanos);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
