package org.permcheck.engine.report;

import java.io.IOException;
import java.nio.file.Path;

import org.permcheck.tensor.Tensor;

/**
 * Writes one tensor to one file. The repro bundle writes through this so that it uses the project's
 * single .npy codec (org.permcheck.tensor.npy) and never a second one of its own.
 */
@FunctionalInterface
public interface TensorFileWriter {
    void write(Tensor tensor, Path file) throws IOException;
}
