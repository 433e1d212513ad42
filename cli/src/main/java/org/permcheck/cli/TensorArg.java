package org.permcheck.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;
import org.permcheck.tensor.npy.Npy;

/**
 * One {@code --in name=file.npy[:dtype]} argument. The dtype is needed where .npy cannot say it
 * (bf16 is stored as '<u2', fp8 as '|u1'); without it the file's own dtype is used.
 */
record TensorArg(String name, Path file, DType dtype) {

    static TensorArg parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new UsageError("bad --in '" + text + "' (expected name=file.npy or name=file.npy:dtype)");
        }
        String name = text.substring(0, eq), rest = text.substring(eq + 1);
        DType dtype = null;
        int colon = rest.lastIndexOf(':');
        if (colon > 0) {
            try {
                dtype = DType.byId(rest.substring(colon + 1));
                rest = rest.substring(0, colon);
            } catch (IllegalArgumentException e) {
                if (!rest.endsWith(".npy")) throw new UsageError("bad --in '" + text + "': " + e.getMessage());
                // a ':' inside the file name, no dtype: keep the whole as the path
            }
        }
        return new TensorArg(name, Path.of(rest), dtype);
    }

    Tensor read() throws IOException {
        if (!Files.isRegularFile(file)) throw new UsageError("--in " + name + ": no such file: " + file);
        return dtype == null ? Npy.read(file) : Npy.read(file, dtype);
    }
}
