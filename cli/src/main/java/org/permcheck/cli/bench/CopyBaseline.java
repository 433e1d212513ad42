package org.permcheck.cli.bench;

import java.util.Collection;

import org.permcheck.tensor.Tensor;

/**
 * The yardstick every CPU ratio is stated against: a plain copy of the same output bytes
 * (allocate + System.arraycopy, chunk by chunk, as Tensor.copy does), measured in the same run. A
 * permutation cannot beat a copy of its output, so "ratio 3" means "three copies' worth of time".
 */
public final class CopyBaseline {
    public static final String NAME = "alloc + System.arraycopy of the output bytes";

    private CopyBaseline() {}

    public static long bytes(Collection<Tensor> outputs) {
        long n = 0;
        for (Tensor t : outputs) n += t.byteSize();
        return n;
    }

    /** Copies every tensor; returns the copies so the work stays observable. */
    public static Object copyAll(Collection<Tensor> outputs) {
        Tensor[] copies = new Tensor[outputs.size()];
        int i = 0;
        for (Tensor t : outputs) copies[i++] = t.copy();
        return copies;
    }
}
