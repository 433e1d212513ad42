package org.permcheck.engine.run;

import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongFunction;

/**
 * Prepares the next items of a sequence on a second thread while the current one is judged: case
 * generation and the oracle are pure and independent of the backend, so on a machine with two
 * cores they overlap with the backend call and the checks. The depth bounds the memory held.
 */
final class Lookahead<T> implements AutoCloseable {
    private final LongFunction<T> make;
    private final int depth;
    private final long limit;
    private final ArrayDeque<Future<T>> queue = new ArrayDeque<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "permcheck-lookahead");
        t.setDaemon(true);
        return t;
    });
    private long next;

    /** Items make(0), make(1), ... make(limit - 1), at most {@code depth} prepared ahead. */
    Lookahead(LongFunction<T> make, int depth, long limit) {
        this.make = make;
        this.depth = depth;
        this.limit = limit;
    }

    /** The next item, in order; null after the last. */
    T take() {
        fill();
        Future<T> f = queue.poll();
        if (f == null) return null;
        fill();
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing a case", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) throw (RuntimeException) c;
            if (c instanceof Error) throw (Error) c;
            throw new IllegalStateException(c);
        }
    }

    private void fill() {
        while (queue.size() < depth && next < limit) {
            long k = next++;
            queue.add(worker.submit(() -> make.apply(k)));
        }
    }

    @Override
    public void close() { worker.shutdownNow(); }
}
