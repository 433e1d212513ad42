package org.permcheck.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The chunked raw-bit tensor: bit-exact storage, rows never straddling a chunk, >2^31-byte layouts. */
class TensorTest {

    /** A [10,3] f32 tensor with a 64-byte chunk limit: 12-byte rows, 5 rows per chunk, 2 chunks. */
    private static Tensor smallChunks() {
        Tensor t = Tensor.zerosChunked(64, DType.F32, 10, 3);
        for (long r = 0; r < 10; r++) for (long c = 0; c < 3; c++) t.setF32(r, c, r * 10 + c);
        return t;
    }

    @Test
    void rowsNeverStraddleAChunkBoundary() {
        Tensor t = smallChunks();
        assertEquals(5, t.rowsPerChunk());
        assertEquals(2, t.chunkCount());
        assertEquals(60, t.chunk(0).length);
        assertEquals(60, t.chunk(1).length);
        // rows 4 and 5 sit on either side of the boundary
        assertEquals(42f, t.getF32(4, 2));
        assertEquals(50f, t.getF32(5, 0));
        assertEquals(51f, t.getF32(5 * 3 + 1)); // flat index across the boundary
    }

    @Test
    void rowCopiesAcrossChunksAreBitExact() {
        Tensor t = smallChunks();
        t.setBits(0, 1, 0x80000000L);        // -0.0
        t.setBits(0, 2, 0x7FA12345L);        // signalling NaN with a payload
        Tensor dst = Tensor.zerosChunked(64, DType.F32, 10, 3);
        for (long r = 0; r < 10; r++) dst.copyRowFrom(t, r, 9 - r); // reverse: every row changes chunk side
        assertEquals(0x80000000L, dst.bits(9, 1));
        assertEquals(0x7FA12345L, dst.bits(9, 2));
        assertEquals(52f, dst.getF32(4, 2));
        assertTrue(dst.rowEquals(0, t, 9));
        assertFalse(dst.rowEquals(0, t, 8));
    }

    @Test
    void bitEqualsComparesContentAcrossDifferentChunkLayouts() {
        Tensor small = smallChunks();
        Tensor big = Tensor.zeros(DType.F32, 10, 3);
        for (long r = 0; r < 10; r++) big.copyRowFrom(small, r, r);
        assertEquals(1, big.chunkCount());
        assertTrue(big.bitEquals(small));
        assertTrue(small.bitEquals(big));
        big.setBits(7, 1, 0x80000000L); // 0.0 vs -0.0 differ in bits
        small.setF32(7, 1, 0f);
        big.setF32(7, 1, -0f);
        assertFalse(big.bitEquals(small));
    }

    @Test
    void copyReinterpretAndReshapeKeepBitsAcrossChunks() {
        Tensor t = smallChunks();
        Tensor c = t.copy();
        assertTrue(c.bitEquals(t));
        assertEquals(2, c.chunkCount());
        c.setF32(6, 0, -1f);
        assertEquals(60f, t.getF32(6, 0), "copy is deep");
        Tensor asInt = t.reinterpret(DType.I32);
        assertEquals(Float.floatToRawIntBits(51f), asInt.getLong(5, 1));
        Tensor flat = t.reshape(30);
        for (long i = 0; i < 30; i++) assertEquals(t.bits(i), flat.bits(i));
        Tensor back = flat.reshape(10, 3);
        assertTrue(back.bitEquals(t));
    }

    @Test
    void rowWiderThanTheChunkLimitGetsAChunkOfItsOwn() {
        Tensor t = Tensor.zerosChunked(8, DType.F32, 4, 3);
        assertEquals(1, t.rowsPerChunk());
        assertEquals(4, t.chunkCount());
        t.setF32(3, 2, 7f);
        assertEquals(7f, t.getF32(3, 2));
    }

    @Test
    void largeLayoutOver2GiBIsChunkedWithoutAllocatingIt() {
        // the layout arithmetic for a 2^31+ byte tensor: check it with rows-per-chunk at the real limit
        Tensor probe = Tensor.zeros(DType.BF16, 1, 7168);
        assertEquals(Tensor.MAX_CHUNK_BYTES / (7168 * 2), probe.rowsPerChunk());
        assertTrue(probe.rowsPerChunk() * 7168L * 2 <= Tensor.MAX_CHUNK_BYTES);
    }

    @Test
    void integerViewsSignExtendAndFloatViewsRound() {
        Tensor i = Tensor.i32(Tensor.shape(3), -1, 2147483647, -2147483648);
        assertEquals(-1, i.getLong(0));
        assertEquals(Integer.MIN_VALUE, i.getLong(2));
        Tensor b = Tensor.zeros(DType.BF16, 2);
        b.setF32(0, Float.intBitsToFloat(0x3F818000)); // tie, rounds to the even 0x3F82
        assertEquals(0x3F82, b.bits(0));
        Tensor h = Tensor.zeros(DType.F16, 1);
        h.setF32(0, 65520f);
        assertEquals(0x7C00, h.bits(0));
        assertThrows(IllegalStateException.class, () -> b.getLong(0));
    }

    @Test
    void zeroWidthRowsAndEmptyTensorsWork() {
        Tensor a = Tensor.zeros(DType.F32, 3, 0);
        Tensor b = Tensor.zeros(DType.F32, 3, 0);
        b.copyRowFrom(a, 0, 2);
        b.zeroRow(1);
        assertTrue(a.bitEquals(b));
        assertTrue(a.rowEquals(0, b, 1));
        Tensor empty = Tensor.zeros(DType.BF16, 0, 4);
        assertEquals(0, empty.numel());
        assertArrayEquals(new long[] {0, 4}, empty.shape());
    }

    @Test
    void filledAndFillWriteEveryElement() {
        Tensor t = Tensor.filled(DType.F16, 0x7E00, 3, 2);
        for (long i = 0; i < 6; i++) assertEquals(0x7E00, t.bits(i));
        t.fill(0);
        for (long i = 0; i < 6; i++) assertEquals(0, t.bits(i));
    }

    @Test
    void wholeRowDecodeAndEncodeAgreeWithElementAccessAcrossChunks() {
        for (DType d : new DType[] {DType.F32, DType.BF16, DType.F16, DType.F8E4M3, DType.F8E5M2}) {
            Tensor t = Tensor.zerosChunked(16, d, 9, 5);
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(d.ordinal());
            for (long i = 0; i < t.numel(); i++) t.setBits(i, rnd.nextLong() & ((1L << (8 * d.size())) - 1));
            float[] row = new float[5];
            for (long r = 0; r < 9; r++) {
                t.readRowF32(r, row);
                for (int c = 0; c < 5; c++) {
                    assertEquals(Float.floatToRawIntBits(t.getF32(r, c)), Float.floatToRawIntBits(row[c]), d + " [" + r + "," + c + "]");
                }
            }
        }
        Tensor h = Tensor.zerosChunked(8, DType.F16, 3, 2);
        h.writeRowF32(2, new float[] {65520f, 0x1p-25f}); // overflow and a tie to zero, both rounded
        assertEquals(0x7C00, h.bits(2, 0));
        assertEquals(0x0000, h.bits(2, 1));
        Tensor f = Tensor.zerosChunked(16, DType.F64, 3, 2);
        f.writeRowF64(1, new double[] {-0.0, 0.1});
        assertEquals(0x8000000000000000L, f.bits(1, 0));
        assertEquals(0.1, f.getF64(1, 1));
        assertThrows(IllegalStateException.class, () -> h.writeRowF64(0, new double[2]));
    }
}
