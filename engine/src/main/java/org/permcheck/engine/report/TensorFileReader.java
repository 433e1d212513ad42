package org.permcheck.engine.report;

import java.io.IOException;
import java.nio.file.Path;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/** Reads one tensor file back under its logical dtype (the counterpart of {@link TensorFileWriter}). */
@FunctionalInterface
public interface TensorFileReader {
    Tensor read(Path file, DType logical) throws IOException;
}
