package org.permcheck.engine.model;

/**
 * Which vector set a run judged: how many vectors it lists and a SHA-256 over its index and every
 * listed manifest (the manifests carry the SHA-256 of each tensor file, so the digest covers every
 * byte of the set). The committed set's pin is stored in vectors/PIN; a set that does not match it
 * is refused, and every report records the pin of the set it judged (docs/vectors.md).
 *
 * @param count  vectors listed in the index (negative ones included)
 * @param sha256 hex digest, see {@code VectorSet.pin}
 */
public record VectorSetPin(int count, String sha256) {
    /** The line of vectors/PIN: "{count} {sha256}". */
    public String line() { return count + " " + sha256; }
}
