package org.permcheck.tensor;

import java.util.Locale;

/**
 * Element types a tensor can hold. Floating types are stored as their raw bit patterns, so a copy
 * is always bit-exact (NaN payloads and -0.0 survive); arithmetic goes through {@link FloatFormats}.
 *
 * <p>{@code npyDescr} is the descriptor written to .npy files. numpy has no bf16 or fp8 types, so
 * those travel as unsigned integers of the same width ({@code <u2}, {@code |u1}); the logical dtype
 * always travels beside the file (vector manifest, protocol message). See docs/vectors.md.
 */
public enum DType {
    F64("f64", 8, "<f8", Kind.FLOAT),
    F32("f32", 4, "<f4", Kind.FLOAT),
    F16("f16", 2, "<f2", Kind.FLOAT),
    BF16("bf16", 2, "<u2", Kind.FLOAT),
    F8E4M3("f8e4m3", 1, "|u1", Kind.FLOAT),
    F8E5M2("f8e5m2", 1, "|u1", Kind.FLOAT),
    I64("i64", 8, "<i8", Kind.INT),
    I32("i32", 4, "<i4", Kind.INT),
    /** Storage-only: how a bf16 tensor reads back from .npy before its logical dtype is applied. */
    U16("u16", 2, "<u2", Kind.INT),
    /** Storage-only: how an fp8 tensor reads back from .npy before its logical dtype is applied. */
    U8("u8", 1, "|u1", Kind.INT),
    BOOL("bool", 1, "|b1", Kind.BOOL);

    public enum Kind { FLOAT, INT, BOOL }

    private final String id;
    private final int size;
    private final String npyDescr;
    private final Kind kind;

    DType(String id, int size, String npyDescr, Kind kind) {
        this.id = id;
        this.size = size;
        this.npyDescr = npyDescr;
        this.kind = kind;
    }

    /** Short stable name used in JSON, reports and the protocol ("bf16", "i32", ...). */
    public String id() { return id; }

    public int size() { return size; }

    public String npyDescr() { return npyDescr; }

    public Kind kind() { return kind; }

    public boolean isFloat() { return kind == Kind.FLOAT; }

    public boolean isInt() { return kind == Kind.INT; }

    /** The .npy descriptor this dtype is stored under, read back as its storage dtype. */
    public DType storage() {
        switch (this) {
            case BF16: return U16;
            case F8E4M3: case F8E5M2: return U8;
            default: return this;
        }
    }

    public static DType byId(String id) {
        String k = id.toLowerCase(Locale.ROOT);
        for (DType d : values()) {
            if (d.id.equals(k)) return d;
        }
        // common aliases used by numpy / torch / jax users
        switch (k) {
            case "float32": return F32;
            case "float64": return F64;
            case "float16": case "half": return F16;
            case "bfloat16": return BF16;
            case "float8_e4m3fn": case "e4m3": return F8E4M3;
            case "float8_e5m2": case "e5m2": return F8E5M2;
            case "int32": return I32;
            case "int64": return I64;
            case "uint8": return U8;
            case "uint16": return U16;
            default: throw new IllegalArgumentException("unknown dtype '" + id + "'");
        }
    }

    @Override
    public String toString() { return id; }
}
