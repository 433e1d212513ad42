package org.permcheck.engine.fuzz;

import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The dispatch layout of a generated routing map, as the generator needs it to build the inputs of
 * combine and the backward passes (docs/generator.md, "Derived inputs"): counts, destinations,
 * padding, buffer rows, and a TE-style row_id_map whose unspecified slots hold what TE leaves
 * there, so a backend that reads them is caught.
 */
final class RoutingLayout {
    final int tokens;
    final int experts;
    final long[] count;
    final long[] target;
    final long[] padOffsets;
    final long used;
    final long numOut;
    final long bufferRows;
    final boolean padded;
    final boolean alreadyAligned;
    private final Tensor routing;
    private final long[] offset;

    RoutingLayout(Tensor routing, int align, int extra, Profile profile) {
        this.routing = routing;
        this.tokens = (int) routing.dim(0);
        this.experts = (int) routing.dim(1);
        count = new long[experts];
        for (int t = 0; t < tokens; t++) for (int e = 0; e < experts; e++) if (routing.bits(t, e) != 0) count[e]++;
        offset = new long[experts];
        long u = 0;
        for (int e = 0; e < experts; e++) {
            offset[e] = u;
            u += count[e];
        }
        used = u;
        numOut = Math.max(1, used + extra);
        padded = align > 0;
        target = new long[experts];
        padOffsets = new long[experts];
        long padSum = 0;
        long targetSum = 0;
        boolean aligned = true;
        for (int e = 0; e < experts; e++) {
            target[e] = padded ? (count[e] + align - 1) / align * align : count[e];
            padOffsets[e] = padSum;
            padSum += target[e] - count[e];
            targetSum += target[e];
            if (target[e] != count[e]) aligned = false;
        }
        alreadyAligned = aligned;
        if (!padded) bufferRows = numOut;
        else if (profile.bufferLength() == Profile.BufferLength.WORST_CASE) bufferRows = (numOut + (long) experts * (align - 1)) / align * align;
        else bufferRows = targetSum;
    }

    boolean routed(int t, int e) { return routing.bits(t, e) != 0; }

    /** dst(t,e) = offset[e] + #{t' < t routed to e}, unpadded. */
    long dst(int t, int e) {
        long rank = 0;
        for (int s = 0; s < t; s++) if (routing.bits(s, e) != 0) rank++;
        return offset[e] + rank;
    }

    /**
     * int32[T, 2E+1]: column 2E = n(t); columns [0,n) = dst of the routed experts in descending
     * expert order; [E,E+n) = those experts; [n,E): column j holds dst(t,j) if routed else -1 (TE's
     * pass-2 leftover); [E+n, 2E) = -1.
     */
    Tensor rowIdMap() {
        Tensor m = Tensor.zeros(DType.I32, tokens, 2L * experts + 1);
        long[] rank = new long[experts];
        for (int t = 0; t < tokens; t++) {
            int n = 0;
            long[] dst = new long[experts];
            for (int e = 0; e < experts; e++) {
                dst[e] = routed(t, e) ? offset[e] + rank[e]++ : -1;
                if (dst[e] >= 0) n++;
            }
            int i = 0;
            for (int e = experts - 1; e >= 0; e--) {
                if (dst[e] < 0) continue;
                m.setLong(t, i, dst[e]);
                m.setLong(t, experts + i, e);
                i++;
            }
            for (int j = n; j < experts; j++) m.setLong(t, j, dst[j]);
            for (int j = experts + n; j < 2 * experts; j++) m.setLong(t, j, -1);
            m.setLong(t, 2L * experts, n);
        }
        return m;
    }

    /** pad_offsets as a backend would have returned it, or null when the profile leaves it out. */
    Tensor padOffsetsInput(Profile profile) {
        if (!padded) return null;
        if (!profile.padOffsetsWhenAligned() && alreadyAligned) return null;
        Tensor p = Tensor.zeros(profile.countsDtype(), experts);
        for (int e = 0; e < experts; e++) p.setLong(e, padOffsets[e]);
        return p;
    }
}
