package org.permcheck.tensor.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

class NpyTest {
    @TempDir Path dir;

    /** Header text copied from numpy 2.4's np.save output for np.zeros((3, 4), np.float32). */
    @Test
    void headerIsByteForByteWhatNumpyWrites() {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }";
        byte[] h = Npy.header(DType.F32, new long[] {3, 4});
        assertEquals(128, h.length, "numpy aligns to 64 bytes; this header takes 128 (file of 176 bytes with 48 data bytes)");
        assertEquals('v', h[8], "header length 118 little-endian");
        assertEquals(0, h[9]);
        String text = new String(h, 10, h.length - 10, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith(dict));
        assertEquals(dict + " ".repeat(118 - 1 - dict.length()) + "\n", text);
    }

    /** 1-d and 0-d shapes are written as Python tuples: (5,) and (). Sizes from numpy: 138 and 136 bytes. */
    @Test
    void oneAndZeroDimensionalShapesUsePythonTupleSyntax() {
        byte[] one = Npy.toBytes(Tensor.zeros(DType.BF16, 5));
        assertEquals(138, one.length);
        assertTrue(new String(one, StandardCharsets.ISO_8859_1).contains("'descr': '<u2', 'fortran_order': False, 'shape': (5,), }"));
        byte[] zero = Npy.toBytes(Tensor.zeros(DType.I64));
        assertEquals(136, zero.length);
        assertTrue(new String(zero, StandardCharsets.ISO_8859_1).contains("'shape': (), }"));
    }

    @Test
    void everyDtypeRoundTripsBitExactly() throws IOException {
        for (DType d : DType.values()) {
            Tensor t = Tensor.zeros(d, 3, 5);
            for (long i = 0; i < t.numel(); i++) t.setBits(i, (0x9E3779B97F4A7C15L * (i + 1)) >>> (64 - 8 * d.size()));
            if (d == DType.BOOL) for (long i = 0; i < t.numel(); i++) t.setBits(i, i & 1);
            Path p = dir.resolve(d.id() + ".npy");
            Npy.write(t, p);
            Tensor back = Npy.read(p, d);
            assertTrue(back.bitEquals(t), "round trip of " + d);
            assertEquals(d.storage(), Npy.read(p).dtype(), "read without a logical dtype gives the storage dtype");
        }
    }

    @Test
    void negativeZeroAndNanPayloadsSurvive() throws IOException {
        Tensor t = Tensor.zeros(DType.F32, 3);
        t.setBits(0, 0x80000000L);
        t.setBits(1, 0x7FC01234L);
        t.setBits(2, 0xFF800001L);
        Tensor back = Npy.fromBytes(Npy.toBytes(t), "x.npy");
        assertTrue(back.bitEquals(t));
    }

    @Test
    void emptyTensorsRoundTrip() throws IOException {
        Tensor t = Tensor.zeros(DType.F16, 0, 7);
        byte[] b = Npy.toBytes(t);
        assertEquals(128, b.length, "numpy writes 128 bytes for np.zeros((0, 7), np.float16)");
        assertArrayEquals(new long[] {0, 7}, Npy.fromBytes(b, "e.npy").shape());
    }

    @Test
    void logicalDtypeMustMatchTheStorageDescriptor() throws IOException {
        Path p = dir.resolve("f.npy");
        Npy.write(Tensor.zeros(DType.F32, 2), p);
        NpyException e = assertThrows(NpyException.class, () -> Npy.read(p, DType.BF16));
        assertTrue(e.getMessage().contains("bf16 is stored as <u2"), e.getMessage());
    }

    @Test
    void readsVersion2And3Headers() throws IOException {
        for (int major : new int[] {2, 3}) {
            byte[] data = {1, 0, 0, 0, 2, 0, 0, 0};
            byte[] f = handMade(major, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", data);
            Tensor t = Npy.fromBytes(f, "v" + major + ".npy");
            assertEquals(1, t.getLong(0));
            assertEquals(2, t.getLong(1));
        }
    }

    @Test
    void acceptsDoubleQuotesAndNoTrailingComma() throws IOException {
        byte[] f = handMade(1, "{\"shape\": (1, 1), \"fortran_order\": False, \"descr\": \"|u1\"}", new byte[] {7});
        assertEquals(7, Npy.fromBytes(f, "q.npy").getLong(0));
    }

    @Test
    void writesVersion2WhenTheHeaderDoesNotFitVersion1() throws IOException {
        long[] shape = new long[25000];
        Arrays.fill(shape, 1);
        byte[] h = Npy.header(DType.U8, shape);
        assertEquals(2, h[6]);
        assertEquals(0, h.length % 64);
        Tensor t = Npy.fromBytes(Npy.toBytes(Tensor.zeros(DType.U8, shape)), "big-header.npy");
        assertEquals(25000, t.rank());
    }

    // ---------------------------------------------------------------- the bad-input corpus

    @Test
    void truncatedData() {
        byte[] f = Npy.toBytes(Tensor.zeros(DType.F32, 4, 4));
        assertMessage(Arrays.copyOf(f, f.length - 3), "truncated");
    }

    @Test
    void truncatedHeader() {
        byte[] f = Npy.toBytes(Tensor.zeros(DType.F32, 4, 4));
        assertMessage(Arrays.copyOf(f, 40), "truncated inside the header dictionary");
        assertMessage(Arrays.copyOf(f, 5), "truncated");
        assertMessage(new byte[0], "truncated");
    }

    @Test
    void trailingBytes() {
        byte[] f = Npy.toBytes(Tensor.zeros(DType.F32, 2));
        assertMessage(Arrays.copyOf(f, f.length + 4), "4 bytes after the data");
    }

    @Test
    void badMagic() {
        byte[] f = Npy.toBytes(Tensor.zeros(DType.F32, 2));
        f[1] = 'X';
        assertMessage(f, "bad magic");
        assertMessage("{\"not\": \"npy\"}".getBytes(StandardCharsets.UTF_8), "bad magic");
    }

    @Test
    void unknownVersion() {
        byte[] f = Npy.toBytes(Tensor.zeros(DType.F32, 2));
        f[6] = 4;
        assertMessage(f, "unsupported .npy format version 4.0");
    }

    @Test
    void badHeaderDictionaries() {
        assertMessage(handMade(1, "{'descr': '<f4', 'fortran_order': False}", new byte[0]), "keys must be descr, fortran_order, shape");
        assertMessage(handMade(1, "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,)}", new byte[4]), "expected a string, True, False or a tuple");
        assertMessage(handMade(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", new byte[4]), "non-negative integer");
        assertMessage(handMade(1, "['descr', '<f4']", new byte[4]), "expected '{'");
        assertMessage(handMade(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", new byte[4]), "bad .npy header dictionary");
        assertMessage(handMade(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} extra", new byte[4]), "unexpected text after");
    }

    @Test
    void unsupportedAndBigEndianDtypes() {
        assertMessage(handMade(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}", new byte[8]), "unsupported dtype '<c8'");
        assertMessage(handMade(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,)}", new byte[4]), "big-endian dtype '>f4'");
        assertMessage(handMade(1, "{'descr': '<u4', 'fortran_order': False, 'shape': (1,)}", new byte[4]), "unsupported dtype '<u4'");
    }

    @Test
    void fortranOrder() {
        assertMessage(handMade(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2)}", new byte[16]), "fortran_order True is not supported");
    }

    @Test
    void fortranOrderOfAVectorIsTheSameLayoutAndAccepted() throws IOException {
        assertEquals(3, Npy.fromBytes(handMade(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3,)}", new byte[12]), "v.npy").numel());
    }

    @Test
    void shapesWhoseSizesOverflowAreOneLine() {
        // no elements, but a row of 2^40 * 2^40 bytes: was "internal error: ArithmeticException" (issue 9)
        assertMessage(handMade(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1099511627776, 1099511627776)}", new byte[0]), "overflows");
        // header offset plus data bytes past a long
        assertMessage(handMade(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1152921504606846975,)}", new byte[0]), "overflows");
    }

    @Test
    void shapeSizeMismatch() {
        assertMessage(handMade(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,)}", new byte[16]), "truncated");
    }

    @Test
    void missingFileIsOneLine() {
        NpyException e = assertThrows(NpyException.class, () -> Npy.read(dir.resolve("nope.npy")));
        assertTrue(e.getMessage().endsWith("nope.npy: no such file"));
    }

    /** A tensor above 2^31 bytes: written and read back through several storage chunks. Slow (about 4 GB of I/O). */
    @Test
    @EnabledIfSystemProperty(named = "permcheck.big", matches = "true")
    void tensorsAboveTwoGigabytes() throws IOException {
        long rows = (1L << 31) / 4096 + 3;
        Tensor t = Tensor.zeros(DType.U8, rows, 4096);
        t.setBits(rows - 1, 4095, 0xAB);
        t.setBits(rows / 2, 17, 0x5C);
        Path p = dir.resolve("big.npy");
        Npy.write(t, p);
        Tensor back = Npy.read(p);
        assertTrue(back.chunkCount() > 1);
        assertEquals(0xAB, back.bits(rows - 1, 4095));
        assertEquals(0x5C, back.bits(rows / 2, 17));
    }

    // ----------------------------------------------------------------

    private static void assertMessage(byte[] file, String fragment) {
        NpyException e = assertThrows(NpyException.class, () -> Npy.fromBytes(file, "case.npy"));
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
        assertTrue(e.getMessage().startsWith("case.npy: "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    /** A .npy file with a hand-written header dictionary, padded like numpy pads it. */
    private static byte[] handMade(int major, String dict, byte[] data) {
        int lenBytes = major == 1 ? 2 : 4;
        byte[] d = dict.getBytes(StandardCharsets.ISO_8859_1);
        int hlen = d.length + 1;
        int pad = 64 - ((8 + lenBytes + hlen) % 64);
        int total = hlen + pad;
        byte[] out = new byte[8 + lenBytes + total + data.length];
        System.arraycopy(Npy.MAGIC, 0, out, 0, 6);
        out[6] = (byte) major;
        for (int k = 0; k < lenBytes; k++) out[8 + k] = (byte) (total >>> (8 * k));
        System.arraycopy(d, 0, out, 8 + lenBytes, d.length);
        Arrays.fill(out, 8 + lenBytes + d.length, 8 + lenBytes + total - 1, (byte) ' ');
        out[8 + lenBytes + total - 1] = '\n';
        System.arraycopy(data, 0, out, 8 + lenBytes + total, data.length);
        return out;
    }
}
