package org.permcheck.tensor.npy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The .npy codec (numpy's format 1.0, 2.0 and 3.0), for the dtypes permcheck moves:
 * {@code <f4 <f2 <u2 |u1 <i4 <i8 |b1 <f8}, little-endian, C order only.
 *
 * <p>Writing produces exactly the bytes {@code numpy.save} produces (same header text, the same
 * spare space after it, 64-byte alignment, version 1.0 unless the header needs 2.0), so files
 * written by Java and by the Python adapter kit hash alike.
 *
 * <p>Reading streams the data straight into the tensor's chunked storage, so tensors above 2^31
 * bytes work. bf16 and fp8 come back as their storage dtype (U16, U8); the caller applies the
 * logical dtype from JSON with {@link Tensor#reinterpret} or {@link #read(Path, DType)}.
 * Every malformed file gives an {@link NpyException} with a one-line message.
 */
public final class Npy {
    private Npy() {}

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    /** numpy leaves room for the growth axis to reach this many digits (numpy/lib/format.py). */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;

    // ------------------------------------------------------------------ descriptors

    /** The storage dtype of a descriptor, or an exception naming why it is not accepted. */
    static DType storageOf(String file, String descr) throws NpyException {
        switch (descr) {
            case "<f4": return DType.F32;
            case "<f2": return DType.F16;
            case "<f8": return DType.F64;
            case "<u2": return DType.U16;
            case "|u1": case "<u1": return DType.U8;
            case "<i4": return DType.I32;
            case "<i8": return DType.I64;
            case "|b1": case "<b1": return DType.BOOL;
            default:
        }
        if (descr.startsWith(">") && descr.length() > 2 && descr.charAt(2) != '1') {
            throw new NpyException(file + ": big-endian dtype '" + descr + "' is not supported (save with '<" + descr.substring(1) + "')");
        }
        throw new NpyException(file + ": unsupported dtype '" + descr + "' (supported: <f4 <f2 <f8 <u2 |u1 <i4 <i8 |b1)");
    }

    // ------------------------------------------------------------------ reading

    /** Reads the header only. */
    public static NpyHeader readHeader(Path path) throws IOException {
        try (InputStream in = open(path)) {
            return readHeader(in, path.toString());
        }
    }

    /** Reads a whole file; bf16 / fp8 come back as U16 / U8. */
    public static Tensor read(Path path) throws IOException {
        try (InputStream in = open(path)) {
            String name = path.toString();
            NpyHeader h = readHeader(in, name);
            long size = Files.size(path);
            long want = h.dataOffset() + h.dataBytes();
            if (size < want) {
                throw new NpyException(name + ": truncated: header promises " + h.dataBytes() + " data bytes for "
                        + h.dtype().npyDescr() + h.shapeString() + ", file has " + (size - h.dataOffset()));
            }
            if (size > want) {
                throw new NpyException(name + ": " + (size - want) + " bytes after the data of " + h.dtype().npyDescr() + h.shapeString());
            }
            return readData(in, h, name);
        }
    }

    /**
     * Reads a file and applies the logical dtype: the file's descriptor must be the one
     * {@code logical} is stored under ('<u2' for bf16, '|u1' for fp8, and so on).
     */
    public static Tensor read(Path path, DType logical) throws IOException {
        Tensor t = read(path);
        return asLogical(t, logical, path.toString());
    }

    /** Applies the logical dtype carried in JSON to a tensor read back in its storage dtype. */
    public static Tensor asLogical(Tensor stored, DType logical, String name) throws NpyException {
        if (stored.dtype() == logical) return stored;
        if (stored.dtype() != logical.storage()) {
            throw new NpyException(name + ": holds " + stored.dtype().npyDescr() + " but " + logical.id()
                    + " is stored as " + logical.storage().npyDescr());
        }
        return stored.reinterpret(logical);
    }

    /** Reads a header from a stream positioned at the start of a .npy file. */
    public static NpyHeader readHeader(InputStream in, String name) throws IOException {
        byte[] magic = new byte[8];
        int got = readUpTo(in, magic);
        for (int k = 0; k < Math.min(got, 6); k++) {
            if (magic[k] != MAGIC[k]) throw new NpyException(name + ": not a .npy file (bad magic)");
        }
        if (got < 8) throw new NpyException(name + ": truncated: " + got + " bytes, shorter than a .npy preamble");
        int major = magic[6] & 0xFF;
        int minor = magic[7] & 0xFF;
        int lenBytes;
        if (major == 1 && minor == 0) lenBytes = 2;
        else if ((major == 2 || major == 3) && minor == 0) lenBytes = 4;
        else throw new NpyException(name + ": unsupported .npy format version " + major + "." + minor + " (1.0, 2.0, 3.0 are)");
        byte[] lb = new byte[lenBytes];
        if (readUpTo(in, lb) < lenBytes) throw new NpyException(name + ": truncated inside the header length");
        long hlen = 0;
        for (int k = lenBytes - 1; k >= 0; k--) hlen = (hlen << 8) | (lb[k] & 0xFF);
        if (hlen > 1 << 20) throw new NpyException(name + ": header length " + hlen + " is implausible (over 1 MiB)");
        byte[] hb = new byte[(int) hlen];
        if (readUpTo(in, hb) < hlen) throw new NpyException(name + ": truncated inside the header dictionary");
        String text = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> d = NpyHeaderDict.parse(name, text);
        if (!d.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
            throw new NpyException(name + ": bad .npy header dictionary: keys must be descr, fortran_order, shape; got " + d.keySet());
        }
        if (!(d.get("descr") instanceof String)) throw new NpyException(name + ": bad .npy header dictionary: descr is not a string (structured dtypes are not supported)");
        if (!(d.get("fortran_order") instanceof Boolean)) throw new NpyException(name + ": bad .npy header dictionary: fortran_order is not True/False");
        if (!(d.get("shape") instanceof long[])) throw new NpyException(name + ": bad .npy header dictionary: shape is not a tuple");
        DType dtype = storageOf(name, (String) d.get("descr"));
        long[] shape = (long[]) d.get("shape");
        if ((Boolean) d.get("fortran_order")) {
            // with at most one axis longer than 1 both orders lay the bytes out alike
            long longAxes = java.util.Arrays.stream(shape).filter(x -> x > 1).count();
            if (longAxes > 1) throw new NpyException(name + ": fortran_order True is not supported (save a C-contiguous array)");
        }
        NpyHeader h = new NpyHeader(major * 10 + minor, dtype, shape, 6 + 2 + lenBytes + hlen);
        try {
            // every size a reader computes from the header must fit a long: the whole file, and one
            // row (a [0, 2^40, 2^40] shape has no elements but its rows overflow)
            Math.addExact(h.dataOffset(), h.dataBytes());
            long row = dtype.size();
            for (int i = 1; i < shape.length; i++) row = Math.multiplyExact(row, shape[i]);
        } catch (ArithmeticException e) {
            throw new NpyException(name + ": shape " + h.shapeString() + " overflows");
        }
        return h;
    }

    /** Streams the data described by {@code h} into a new tensor, chunk by chunk. */
    public static Tensor readData(InputStream in, NpyHeader h, String name) throws IOException {
        Tensor t;
        try {
            t = Tensor.zeros(h.dtype(), h.shape());
        } catch (IllegalArgumentException e) {
            throw new NpyException(name + ": cannot hold shape " + h.shapeString() + ": " + e.getMessage());
        }
        for (int c = 0; c < t.chunkCount(); c++) {
            byte[] chunk = t.chunk(c);
            if (readUpTo(in, chunk) < chunk.length) {
                throw new NpyException(name + ": truncated: data ends before the " + h.dataBytes() + " bytes of "
                        + h.dtype().npyDescr() + h.shapeString());
            }
        }
        return t;
    }

    private static InputStream open(Path path) throws IOException {
        try {
            return new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new NpyException(path + ": no such file");
        }
    }

    private static int readUpTo(InputStream in, byte[] b) throws IOException {
        int n = 0;
        while (n < b.length) {
            int r = in.read(b, n, b.length - n);
            if (r < 0) break;
            n += r;
        }
        return n;
    }

    // ------------------------------------------------------------------ writing

    /** The header numpy.save writes for this dtype and shape (bf16 as '<u2', fp8 as '|u1'). */
    public static byte[] header(DType dtype, long[] shape) {
        StringBuilder sb = new StringBuilder("{'descr': '").append(dtype.npyDescr())
                .append("', 'fortran_order': False, 'shape': (");
        for (int k = 0; k < shape.length; k++) {
            if (k > 0) sb.append(", ");
            sb.append(shape[k]);
        }
        if (shape.length == 1) sb.append(',');
        sb.append("), }");
        if (shape.length > 0) sb.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length())));
        byte[] dict = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        int lenBytes = 2;
        int major = 1;
        long hlen = dict.length + 1;
        long pad = ALIGN - ((6 + 2 + lenBytes + hlen) % ALIGN);
        if (hlen + pad > 0xFFFF) {
            lenBytes = 4;
            major = 2;
            pad = ALIGN - ((6 + 2 + lenBytes + hlen) % ALIGN);
        }
        long total = hlen + pad;
        byte[] out = new byte[(int) (6 + 2 + lenBytes + total)];
        System.arraycopy(MAGIC, 0, out, 0, 6);
        out[6] = (byte) major;
        out[7] = 0;
        for (int k = 0; k < lenBytes; k++) out[8 + k] = (byte) (total >>> (8 * k));
        int o = 8 + lenBytes;
        System.arraycopy(dict, 0, out, o, dict.length);
        o += dict.length;
        for (int k = 0; k < pad; k++) out[o++] = ' ';
        out[o] = '\n';
        return out;
    }

    public static void write(Tensor t, OutputStream out) throws IOException {
        out.write(header(t.dtype(), t.shape()));
        for (int c = 0; c < t.chunkCount(); c++) out.write(t.chunk(c));
    }

    /** Writes {@code t} to {@code path} (replacing it), exactly as numpy.save would. */
    public static void write(Tensor t, Path path) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
            write(t, out);
        }
    }

    /** The whole file as bytes (for small tensors: hashing, tests). */
    public static byte[] toBytes(Tensor t) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try {
            write(t, b);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a byte array stream does not fail
        }
        return b.toByteArray();
    }

    /** Parses a whole file held in memory. */
    public static Tensor fromBytes(byte[] bytes, String name) throws IOException {
        InputStream in = new java.io.ByteArrayInputStream(bytes);
        NpyHeader h = readHeader(in, name);
        long want = h.dataOffset() + h.dataBytes();
        if (bytes.length < want) throw new NpyException(name + ": truncated: header promises " + h.dataBytes() + " data bytes, file has " + (bytes.length - h.dataOffset()));
        if (bytes.length > want) throw new NpyException(name + ": " + (bytes.length - want) + " bytes after the data");
        return readData(in, h, name);
    }
}
