package org.permcheck.contract;

/**
 * One named input or output of an {@link Op}.
 *
 * @param name     the tensor's name, the same in Java, in vector manifests and on the wire
 * @param required whether the tensor must be present (optional ones depend on the call)
 * @param kind     how an output is judged
 * @param shape    for an output, the most elements it may hold for a call (null for an input);
 *                 the one declaration every reader of answers bounds its reads with
 */
public record Port(String name, boolean required, Kind kind, OutputShape shape) {

    /** How an output is compared against the oracle. */
    public enum Kind {
        /** Moved data: compared bit for bit on the rows the contract specifies. */
        DATA,
        /** Integer metadata (maps, counts, offsets): compared exactly on specified slots. */
        INDEX,
        /** A floating reduction: compared with a dtype-aware tolerance against the float64 reference. */
        REDUCTION,
        /** An input (not judged). */
        INPUT
    }

    public static Port in(String name) { return new Port(name, true, Kind.INPUT, null); }

    public static Port optIn(String name) { return new Port(name, false, Kind.INPUT, null); }

    public static Port out(String name, Kind kind, OutputShape shape) { return new Port(name, true, kind, shape); }

    public static Port optOut(String name, Kind kind, OutputShape shape) { return new Port(name, false, kind, shape); }
}
