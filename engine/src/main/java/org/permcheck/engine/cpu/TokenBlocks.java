package org.permcheck.engine.cpu;

import java.util.stream.IntStream;

/**
 * How the CPU backend splits work the way a GPU kernel grid does: tokens in fixed-size blocks,
 * each block processed by one task. Small problems run on the caller's thread (a fork costs more
 * than a few thousand row copies); large ones on the common fork-join pool.
 */
final class TokenBlocks {
    /** Tokens per block, like TE's BLOCK_SIZE = 1024 of the row_id_map passes. */
    static final int BLOCK = 1024;
    /** Below this many elements moved, one thread is faster than any pool. */
    static final long PARALLEL_THRESHOLD = 1L << 16;

    private TokenBlocks() {}

    static int count(int tokens) { return (tokens + BLOCK - 1) / BLOCK; }

    static int start(int block) { return block * BLOCK; }

    static int end(int block, int tokens) { return Math.min(tokens, (block + 1) * BLOCK); }

    interface BlockTask {
        void run(int block);
    }

    /** Runs task(b) for every block b, in parallel when {@code work} (elements touched) is large. */
    static void forEach(int blocks, long work, BlockTask task) {
        if (blocks <= 1 || work < PARALLEL_THRESHOLD) {
            for (int b = 0; b < blocks; b++) task.run(b);
        } else {
            IntStream.range(0, blocks).parallel().forEach(task::run);
        }
    }
}
