package org.permcheck.tensor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense, row-major tensor of raw little-endian element bits.
 *
 * <p>Storage is a list of byte-array chunks, each holding a whole number of rows (a row is
 * everything below the first axis), so tensors larger than 2^31 bytes work and a row never
 * straddles two chunks. Elements are addressed either by (row, column-within-row) or by a flat
 * row-major index. A 0-d tensor has one row of one element; a 1-d tensor has rows of one element.
 *
 * <p>Values are read and written as raw bits; floating conversions live in {@link FloatFormats}.
 */
public final class Tensor {
    /** Largest chunk; the actual chunk holds a whole number of rows. */
    static final long MAX_CHUNK_BYTES = 1L << 30;

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final DType dtype;
    private final long[] shape;
    private final long rows;
    private final long rowElems;
    private final int rowBytes;
    private final long maxChunkBytes;
    private final long rowsPerChunk;
    private final byte[][] chunks;

    private Tensor(DType dtype, long[] shape) { this(dtype, shape, MAX_CHUNK_BYTES); }

    /** {@code maxChunkBytes} is a parameter only so tests can cross chunk boundaries with small tensors. */
    private Tensor(DType dtype, long[] shape, long maxChunkBytes) {
        if (maxChunkBytes <= 0) throw new IllegalArgumentException("chunk size must be positive");
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
        }
        this.dtype = dtype;
        this.shape = shape.clone();
        this.rows = shape.length == 0 ? 1 : shape[0];
        long re = 1;
        for (int i = 1; i < shape.length; i++) re = Math.multiplyExact(re, shape[i]);
        this.rowElems = re;
        long rb = Math.multiplyExact(re, (long) dtype.size());
        if (rb > MAX_CHUNK_BYTES) throw new IllegalArgumentException("a row of " + rb + " bytes is too large");
        this.rowBytes = (int) rb;
        this.maxChunkBytes = maxChunkBytes;
        // a row never straddles two chunks: a row wider than the chunk limit gets a chunk of its own
        this.rowsPerChunk = rowBytes == 0 ? Long.MAX_VALUE : Math.max(1, maxChunkBytes / rowBytes);
        long nChunks = rows == 0 || rowBytes == 0 ? 0 : (rows + rowsPerChunk - 1) / rowsPerChunk;
        this.chunks = new byte[(int) nChunks][];
        for (int c = 0; c < nChunks; c++) {
            long r = Math.min(rowsPerChunk, rows - c * rowsPerChunk);
            chunks[c] = new byte[(int) (r * rowBytes)];
        }
    }

    /** A new tensor whose every bit is zero (0, +0.0, false). */
    public static Tensor zeros(DType dtype, long... shape) {
        return new Tensor(dtype, shape);
    }

    /** Like {@link #zeros} with a smaller chunk limit, so tests can cross chunk boundaries cheaply. */
    static Tensor zerosChunked(long maxChunkBytes, DType dtype, long... shape) {
        return new Tensor(dtype, shape, maxChunkBytes);
    }

    /** Rows held by one storage chunk (the last chunk may hold fewer). */
    long rowsPerChunk() { return rowsPerChunk; }

    /** A new tensor with every element set to the given raw bits. */
    public static Tensor filled(DType dtype, long bits, long... shape) {
        Tensor t = new Tensor(dtype, shape);
        t.fill(bits);
        return t;
    }

    public DType dtype() { return dtype; }

    public long[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    public long dim(int axis) { return shape[axis]; }

    /** Size of the first axis (1 for a 0-d tensor). */
    public long rows() { return rows; }

    /** Number of elements in one row (product of the shape after the first axis). */
    public long rowElems() { return rowElems; }

    public int rowBytes() { return rowBytes; }

    public long numel() { return rows * rowElems; }

    public long byteSize() { return rows * rowBytes; }

    public boolean sameShape(long... other) { return Arrays.equals(shape, other); }

    public String shapeString() { return Arrays.toString(shape); }

    // ------------------------------------------------------------------ raw element bits

    private byte[] chunkOf(long row) { return chunks[(int) (row / rowsPerChunk)]; }

    private int offsetOf(long row, long col) {
        return (int) ((row % rowsPerChunk) * rowBytes + col * dtype.size());
    }

    /** Raw bits of element (row, col), zero-extended. */
    public long bits(long row, long col) {
        byte[] c = chunkOf(row);
        int o = offsetOf(row, col);
        switch (dtype.size()) {
            case 1: return c[o] & 0xFFL;
            case 2: return ((short) I16.get(c, o)) & 0xFFFFL;
            case 4: return ((int) I32.get(c, o)) & 0xFFFFFFFFL;
            default: return (long) I64.get(c, o);
        }
    }

    public void setBits(long row, long col, long bits) {
        byte[] c = chunkOf(row);
        int o = offsetOf(row, col);
        switch (dtype.size()) {
            case 1: c[o] = (byte) bits; break;
            case 2: I16.set(c, o, (short) bits); break;
            case 4: I32.set(c, o, (int) bits); break;
            default: I64.set(c, o, bits);
        }
    }

    /** Raw bits of the element at a flat row-major index. */
    public long bits(long flat) { return bits(flat / rowElems, flat % rowElems); }

    public void setBits(long flat, long bits) { setBits(flat / rowElems, flat % rowElems, bits); }

    // ------------------------------------------------------------------ typed views

    /** Integer value (sign-extended for i32/i64; bool and unsigned types as 0..2^n-1). */
    public long getLong(long row, long col) {
        long b = bits(row, col);
        switch (dtype) {
            case I32: return (int) b;
            case I64: return b;
            case U8: case U16: case BOOL: return b;
            default: throw new IllegalStateException("getLong on a " + dtype + " tensor");
        }
    }

    public long getLong(long flat) { return getLong(flat / rowElems, flat % rowElems); }

    public void setLong(long row, long col, long v) {
        if (!dtype.isInt() && dtype != DType.BOOL) throw new IllegalStateException("setLong on a " + dtype + " tensor");
        setBits(row, col, v);
    }

    public void setLong(long flat, long v) { setLong(flat / rowElems, flat % rowElems, v); }

    /** Floating value widened to f32 (exact for every dtype but f64). */
    public float getF32(long row, long col) { return FloatFormats.toF32(dtype, bits(row, col)); }

    public float getF32(long flat) { return getF32(flat / rowElems, flat % rowElems); }

    /** Floating value widened to f64 (exact). */
    public double getF64(long row, long col) { return FloatFormats.toF64(dtype, bits(row, col)); }

    public double getF64(long flat) { return getF64(flat / rowElems, flat % rowElems); }

    /** Stores an f32 value rounded (to nearest even) into this tensor's dtype. */
    public void setF32(long row, long col, float v) { setBits(row, col, FloatFormats.fromF32(dtype, v)); }

    public void setF32(long flat, float v) { setF32(flat / rowElems, flat % rowElems, v); }

    // ------------------------------------------------------------------ whole rows

    /** Bit-exact copy of one row of {@code src} (same dtype and row size) into row {@code dstRow}. */
    public void copyRowFrom(Tensor src, long srcRow, long dstRow) {
        if (src.dtype != dtype || src.rowBytes != rowBytes) {
            throw new IllegalArgumentException("row copy between " + src.dtype + src.shapeString() + " and " + dtype + shapeString());
        }
        if (rowBytes == 0) return;
        System.arraycopy(src.chunkOf(srcRow), src.offsetOf(srcRow, 0), chunkOf(dstRow), offsetOf(dstRow, 0), rowBytes);
    }

    /** Decodes a whole row of a floating tensor to f32 (exact but for f64), locating the chunk once. */
    public void readRowF32(long row, float[] dst) {
        if (rowElems == 0) return;
        byte[] c = chunkOf(row);
        int o = offsetOf(row, 0);
        int n = (int) rowElems;
        switch (dtype) {
            case F32: for (int i = 0; i < n; i++) dst[i] = Float.intBitsToFloat((int) I32.get(c, o + 4 * i)); break;
            case BF16: for (int i = 0; i < n; i++) dst[i] = FloatFormats.bf16ToF32((short) I16.get(c, o + 2 * i)); break;
            case F16: for (int i = 0; i < n; i++) dst[i] = FloatFormats.f16ToF32(((short) I16.get(c, o + 2 * i)) & 0xFFFF); break;
            default: for (int i = 0; i < n; i++) dst[i] = getF32(row, i);
        }
    }

    /** Rounds a whole row of f32 values into this tensor's dtype (round to nearest even). */
    public void writeRowF32(long row, float[] src) {
        for (int i = 0; i < rowElems; i++) setF32(row, i, src[i]);
    }

    /** Stores a whole row of f64 values (an F64 tensor only). */
    public void writeRowF64(long row, double[] src) {
        if (dtype != DType.F64) throw new IllegalStateException("writeRowF64 on a " + dtype + " tensor");
        if (rowElems == 0) return;
        byte[] c = chunkOf(row);
        int o = offsetOf(row, 0);
        for (int i = 0; i < rowElems; i++) I64.set(c, o + 8 * i, Double.doubleToRawLongBits(src[i]));
    }

    /** Sets every byte of a row to zero. */
    public void zeroRow(long row) {
        if (rowBytes == 0) return;
        int o = offsetOf(row, 0);
        Arrays.fill(chunkOf(row), o, o + rowBytes, (byte) 0);
    }

    /** True when the two rows hold the same bytes. */
    public boolean rowEquals(long row, Tensor other, long otherRow) {
        if (other.rowBytes != rowBytes) return false;
        if (rowBytes == 0) return true;
        return Arrays.equals(
                chunkOf(row), offsetOf(row, 0), offsetOf(row, 0) + rowBytes,
                other.chunkOf(otherRow), other.offsetOf(otherRow, 0), other.offsetOf(otherRow, 0) + rowBytes);
    }

    /** Reads {@code len} raw bytes of one row into {@code dst} (for codecs and device uploads). */
    public void readRowBytes(long row, byte[] dst, int dstOff) {
        System.arraycopy(chunkOf(row), offsetOf(row, 0), dst, dstOff, rowBytes);
    }

    public void writeRowBytes(long row, byte[] src, int srcOff) {
        System.arraycopy(src, srcOff, chunkOf(row), offsetOf(row, 0), rowBytes);
    }

    /** The storage chunks, each a whole number of rows, in row order. For codecs and device copies. */
    public int chunkCount() { return chunks.length; }

    public byte[] chunk(int i) { return chunks[i]; }

    public void fill(long bits) {
        if (bits == 0) {
            for (byte[] c : chunks) Arrays.fill(c, (byte) 0);
            return;
        }
        for (long r = 0; r < rows; r++) {
            for (long c = 0; c < rowElems; c++) setBits(r, c, bits);
        }
    }

    // ------------------------------------------------------------------ whole tensors

    /** A deep copy. */
    public Tensor copy() {
        Tensor t = new Tensor(dtype, shape, maxChunkBytes);
        for (int i = 0; i < chunks.length; i++) System.arraycopy(chunks[i], 0, t.chunks[i], 0, chunks[i].length);
        return t;
    }

    /** The same bytes under another dtype of equal width (bf16 read back as u16, and so on). */
    public Tensor reinterpret(DType as) {
        if (as.size() != dtype.size()) throw new IllegalArgumentException("cannot reinterpret " + dtype + " as " + as);
        Tensor t = new Tensor(as, shape, maxChunkBytes);
        for (int i = 0; i < chunks.length; i++) System.arraycopy(chunks[i], 0, t.chunks[i], 0, chunks[i].length);
        return t;
    }

    /** The same bytes under another shape with the same number of elements. */
    public Tensor reshape(long... newShape) {
        Tensor t = new Tensor(dtype, newShape);
        if (t.numel() != numel()) throw new IllegalArgumentException("cannot reshape " + shapeString() + " to " + Arrays.toString(newShape));
        for (long i = 0; i < numel(); i++) t.setBits(i, bits(i));
        return t;
    }

    /** Same dtype, same shape and the same bytes everywhere. */
    public boolean bitEquals(Tensor o) {
        if (o.dtype != dtype || !Arrays.equals(o.shape, shape)) return false;
        if (o.rowsPerChunk != rowsPerChunk) {
            // different chunk layouts (another chunk limit): compare row by row
            for (long r = 0; r < rows; r++) if (!rowEquals(r, o, r)) return false;
            return true;
        }
        for (int i = 0; i < chunks.length; i++) {
            if (!Arrays.equals(chunks[i], o.chunks[i])) return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ small constructors for tests and vectors

    public static Tensor ofInts(DType dtype, long[] shape, long... values) {
        Tensor t = zeros(dtype, shape);
        if (values.length != t.numel()) throw new IllegalArgumentException(values.length + " values for shape " + Arrays.toString(shape));
        for (int i = 0; i < values.length; i++) t.setBits(i, values[i]);
        return t;
    }

    public static Tensor i32(long[] shape, long... values) { return ofInts(DType.I32, shape, values); }

    public static Tensor ofFloats(DType dtype, long[] shape, float... values) {
        Tensor t = zeros(dtype, shape);
        if (values.length != t.numel()) throw new IllegalArgumentException(values.length + " values for shape " + Arrays.toString(shape));
        for (int i = 0; i < values.length; i++) t.setF32(i, values[i]);
        return t;
    }

    public static long[] shape(long... dims) { return dims; }

    @Override
    public String toString() { return "Tensor(" + dtype + shapeString() + ")"; }
}
