package org.permcheck.engine.cpu;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Attrs;
import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Profile;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * token_dispatch the way the GPU does it (TE's three row_id_map passes plus the permute kernel):
 * pass 1 counts routed tokens per (token block, expert) in parallel; an expert-major exclusive
 * scan over those counts gives every block its base row per expert; pass 2 walks each block's
 * tokens in order, assigns rows, writes the token's row_id_map slots and copies the whole input
 * row into each destination (with its block scales, when given: F1-F4), blocks in parallel. Written from docs/sources.md#te-3-1, not from the oracle.
 */
final class CpuDispatch {
    private CpuDispatch() {}

    static Outputs run(Invocation inv) {
        Profile profile = inv.profile();
        Tensor inp = inv.input(Ports.INP);
        Tensor routing = inv.input(Ports.ROUTING_MAP);
        Tensor probs = inv.inputs().get(Ports.PROBS);
        Tensor scale = inv.inputs().get(Ports.SCALE_INV); // F1: [T, B], token-major
        if (inp.rank() != 2 || routing.rank() != 2 || routing.dim(0) != inp.dim(0)) {
            throw new IllegalArgumentException("inp [T,H] and routing_map [T,E] must agree, got " + inp.shapeString() + " and " + routing.shapeString());
        }
        int tokens = (int) routing.dim(0);
        int experts = (int) routing.dim(1);
        long hidden = inp.dim(1);
        long numOut = inv.attr(Attrs.NUM_OUT_TOKENS);
        Long align = inv.optionalAttr(Attrs.ALIGN_SIZE).orElse(null);

        // pass 1: counts per (block, expert)
        int blocks = TokenBlocks.count(tokens);
        long[][] blockCount = new long[blocks][experts];
        TokenBlocks.forEach(blocks, (long) tokens * experts, b -> {
            long[] c = blockCount[b];
            RoutingRow row = new RoutingRow(routing);
            for (int t = TokenBlocks.start(b); t < TokenBlocks.end(b, tokens); t++) {
                row.read(t);
                for (int e = 0; e < experts; e++) if (row.routed(e)) c[e]++;
            }
        });
        // expert-major exclusive scan: base[b][e] = sum of all counts before (e, b) in (e, b) order
        long[][] base = new long[blocks][experts];
        long[] count = new long[experts];
        long used = 0;
        for (int e = 0; e < experts; e++) {
            for (int b = 0; b < blocks; b++) {
                base[b][e] = used;
                used += blockCount[b][e];
                count[e] += blockCount[b][e];
            }
        }
        if (used > numOut) throw new IllegalArgumentException("num_out_tokens " + numOut + " < routed pairs " + used);

        // padding: aligned group sizes, offsets, buffer length
        long[] groupRows = count.clone();
        long[] padOffsets = new long[experts];
        long rows = numOut;
        boolean aligned = true;
        if (align != null) {
            long a = align;
            long padSum = 0;
            long total = 0;
            for (int e = 0; e < experts; e++) {
                groupRows[e] = (count[e] + a - 1) / a * a;
                padOffsets[e] = padSum;
                padSum += groupRows[e] - count[e];
                total += groupRows[e];
                if (groupRows[e] != count[e]) aligned = false;
            }
            rows = profile.bufferLength() == Profile.BufferLength.WORST_CASE ? (numOut + experts * (a - 1)) / a * a : total;
        }

        Tensor output = Tensor.zeros(inp.dtype(), rows, hidden);
        Tensor permutedProbs = probs == null ? null : Tensor.zeros(probs.dtype(), rows);
        // F3: zeroed like the payload buffer, so pad and tail rows hold zero scales (TE #2547)
        Tensor permutedScale = scale == null ? null : Tensor.zeros(scale.dtype(), rows, scale.dim(1));
        Tensor rowIdMap = Tensor.zeros(DType.I32, tokens, 2L * experts + 1);
        long[] pad = align == null ? null : padOffsets;

        // pass 2: rows, map slots and row copies, block by block
        TokenBlocks.forEach(blocks, (long) tokens * hidden * Math.max(1, used / Math.max(1, tokens)), b -> {
            long[] next = base[b].clone();
            long[] dst = new long[experts];
            RoutingRow routed = new RoutingRow(routing);
            MapRow mapRow = new MapRow(rowIdMap);
            for (int t = TokenBlocks.start(b); t < TokenBlocks.end(b, tokens); t++) {
                int n = 0;
                routed.read(t);
                for (int e = 0; e < experts; e++) {
                    if (routed.routed(e)) {
                        dst[e] = next[e]++;
                        n++;
                    } else {
                        dst[e] = -1;
                    }
                }
                int slot = 0;
                for (int e = experts - 1; e >= 0; e--) { // descending expert = descending row
                    if (dst[e] < 0) continue;
                    mapRow.set(slot, (int) dst[e]);
                    mapRow.set(experts + slot, e);
                    slot++;
                    long row = dst[e] + (pad == null ? 0 : pad[e]);
                    boolean zeroProb = false;
                    if (probs != null) {
                        long pb = probs.bits(t, e);
                        permutedProbs.setBits(row, 0, pb);
                        zeroProb = FloatFormats.toF32(probs.dtype(), pb) == 0f; // +0.0 and -0.0: a +0.0 row
                    }
                    if (!zeroProb) output.copyRowFrom(inp, t, row);
                    if (permutedScale != null) permutedScale.copyRowFrom(scale, t, row); // F2, F4: before and beside the prob test
                }
                for (int j = n; j < experts; j++) mapRow.set(j, -1);
                for (int j = experts + n; j < 2 * experts; j++) mapRow.set(j, -1);
                mapRow.set(2 * experts, n);
                mapRow.write(t);
            }
        });

        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(Ports.OUTPUT, output);
        if (permutedProbs != null) out.put(Ports.PERMUTED_PROBS, permutedProbs);
        out.put(Ports.ROW_ID_MAP, rowIdMap);
        if (permutedScale != null) out.put(Ports.PERMUTED_SCALE_INV, permutedScale);
        if (align != null && (profile.padOffsetsWhenAligned() || !aligned)) out.put(Ports.PAD_OFFSETS, Tensor.ofInts(profile.countsDtype(), Tensor.shape(experts), padOffsets));
        out.put(Ports.TOKENS_PER_EXPERT, Tensor.ofInts(profile.countsDtype(), Tensor.shape(experts), groupRows));
        return new Outputs(out);
    }
}
