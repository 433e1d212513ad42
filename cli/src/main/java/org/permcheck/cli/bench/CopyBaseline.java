package org.permcheck.cli.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.permcheck.tensor.Tensor;

/**
 * The yardstick every CPU ratio is stated against: System.arraycopy of the same output bytes into
 * buffers allocated beforehand (so the baseline is the copy alone; the subject pays for its own
 * allocation), measured in the same run. A permutation cannot beat a copy of its output, so
 * "ratio 3" means "three copies' worth of time".
 */
public final class CopyBaseline {
    public static final String NAME = "System.arraycopy of the output bytes into preallocated buffers";

    private final List<Tensor> sources = new ArrayList<>();
    private final List<Tensor> targets = new ArrayList<>();

    /** Allocates the destinations (untimed). */
    public CopyBaseline(Collection<Tensor> outputs) {
        for (Tensor t : outputs) {
            sources.add(t);
            targets.add(Tensor.zeros(t.dtype(), t.shape()));
        }
    }

    public static long bytes(Collection<Tensor> outputs) {
        long n = 0;
        for (Tensor t : outputs) n += t.byteSize();
        return n;
    }

    public long bytes() { return bytes(sources); }

    /** The timed part: chunk-by-chunk System.arraycopy. Returns a destination so the work stays observable. */
    public Object copy() {
        for (int i = 0; i < sources.size(); i++) {
            Tensor s = sources.get(i), d = targets.get(i);
            if (s.chunkCount() != d.chunkCount()) throw new IllegalStateException("chunk layouts differ: " + s + " / " + d);
            for (int c = 0; c < s.chunkCount(); c++) System.arraycopy(s.chunk(c), 0, d.chunk(c), 0, s.chunk(c).length);
        }
        return targets;
    }
}
