package org.permcheck.spi;

/**
 * Bytes a backend found changed in a guard band around one output (docs/spec.md B2): the output
 * was written outside its bounds. A backend that allocates its outputs with guard bands and
 * compares them after the call reports each changed band here, with the outputs it has, instead of
 * throwing: an exception is a refusal, and a refusal of a precondition probe passes B1.
 *
 * @param output the output port's name ({@link org.permcheck.contract.Ports})
 * @param offset byte offset of the first changed guard byte relative to the output's end: {@code >= 0}
 *               past the end, negative before its start
 * @param bytes  how many guard bytes changed
 */
public record GuardBreach(String output, long offset, long bytes) {
    public GuardBreach {
        if (output == null || output.isEmpty()) throw new IllegalArgumentException("a guard breach names its output");
        if (bytes <= 0) throw new IllegalArgumentException("a guard breach of " + output + " changed " + bytes + " bytes (must be > 0)");
    }

    /** One line: "output: 64 bytes changed 4096 bytes past its end". */
    public String describe() {
        String where = offset >= 0 ? offset + " bytes past its end" : (-offset) + " bytes before its start";
        return output + ": " + bytes + " guard byte" + (bytes == 1 ? "" : "s") + " changed, the first " + where;
    }
}
