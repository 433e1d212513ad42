package org.permcheck.engine.codec;

/**
 * How a call's JSON points at its .npy files: the one thing in which the protocol request, a
 * vector manifest and a repro bundle differ. Every reference is an object {@code {KEY, "dtype",
 * "shape"}} with the dtype's logical id (bf16 is stored as '&lt;u2', fp8 as '|u1').
 */
public enum TensorRefs {
    /** docs/protocol.md 3.2: {@code "path"}, absolute, so the backend opens it whatever its working directory. */
    PATH,
    /** Repro bundles and {@code permcheck expect}: {@code "file"}, relative to the JSON's directory. */
    FILE,
    /** docs/vectors.md section 4: {@code "file"} plus the file's {@code "sha256"}, checked before the file is read. */
    PINNED;

    /** The reference's key for the file. */
    String key() { return this == PATH ? "path" : "file"; }
}
