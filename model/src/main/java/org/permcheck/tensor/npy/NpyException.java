package org.permcheck.tensor.npy;

import java.io.IOException;

/**
 * A .npy file that is not what it must be (truncated, bad magic, bad header, unsupported dtype,
 * big-endian, Fortran order, wrong size). The message is one line that names the file and the
 * problem, fit to be shown to a user as is.
 */
public class NpyException extends IOException {
    public NpyException(String message) {
        super(message);
    }
}
