package org.permcheck.oracle.padperm;

/**
 * W2 and W3 of docs/spec.md: each local expert's group size padded to the alignment (an empty expert still gets
 * A rows, torchtitan PR #1166) and the groups' end offsets, the inclusive prefix sum of the padded sizes. Group e
 * occupies output rows {@code [end(e) - size(e), end(e))}: its {@code total(e)} rows first, then its pad (W4).
 */
public final class PaddedGroups {
    private final long[] sizes;
    private final long[] ends;

    private PaddedGroups(long[] sizes) {
        this.sizes = sizes;
        this.ends = new long[sizes.length];
        long s = 0;
        for (int e = 0; e < sizes.length; e++) {
            s += sizes[e];
            ends[e] = s; // W3: inclusive, the end of group e
        }
    }

    /** W2: {@code size(e) = align_up(max(total(e), A), A)}. */
    public static PaddedGroups of(RankChunks chunks, long alignment) {
        long[] sizes = new long[chunks.localExperts()];
        for (int e = 0; e < sizes.length; e++) sizes[e] = paddedSize(chunks.total(e), alignment);
        return new PaddedGroups(sizes);
    }

    /** W2: the clamp first (an empty expert gets A rows), then the round-up to a multiple of A. */
    static long paddedSize(long total, long alignment) {
        long clamped = Math.max(total, alignment);
        return (clamped + alignment - 1) / alignment * alignment;
    }

    public int groups() { return sizes.length; }

    /** W2: the padded size of group e. */
    public long size(int e) { return sizes[e]; }

    /** W3: the end offset of group e (exclusive end row, the inclusive cumsum). */
    public long end(int e) { return ends[e]; }

    /** W3: the first row of group e, {@code end(e) - size(e)}. */
    public long start(int e) { return ends[e] - sizes[e]; }

    /** W5: the rows every group takes together; the tail starts here. */
    public long used() { return ends.length == 0 ? 0 : ends[ends.length - 1]; }
}
