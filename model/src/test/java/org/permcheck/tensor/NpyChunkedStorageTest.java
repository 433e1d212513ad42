package org.permcheck.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.permcheck.tensor.npy.Npy;

/**
 * The .npy writer walks a tensor's storage chunk by chunk: a tensor split into many small chunks
 * (as a >2^31-byte one is split into 1 GiB chunks) writes exactly the bytes of the same tensor in
 * one chunk, and reads back equal.
 */
class NpyChunkedStorageTest {
    @Test
    void aManyChunkTensorWritesTheSameFileAsASingleChunkOne() throws IOException {
        Tensor chunked = Tensor.zerosChunked(96, DType.BF16, 37, 20); // 40-byte rows, 2 rows per chunk
        Tensor flat = Tensor.zeros(DType.BF16, 37, 20);
        for (long i = 0; i < flat.numel(); i++) {
            long bits = (i * 0x9E37L + 7) & 0xFFFF;
            chunked.setBits(i, bits);
            flat.setBits(i, bits);
        }
        assertTrue(chunked.chunkCount() > 10, "many chunks: " + chunked.chunkCount());
        byte[] a = Npy.toBytes(chunked);
        assertArrayEquals(Npy.toBytes(flat), a);
        assertTrue(Npy.fromBytes(a, "chunked.npy").reinterpret(DType.BF16).bitEquals(chunked));
    }
}
