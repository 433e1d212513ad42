package org.permcheck.zoo;

import org.permcheck.contract.Ports;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * token_dispatch as the Triton kernels do it: pass 1 counts per expert, a cumsum gives the
 * expert offsets, pass 2 places each (token, expert) at offset + rank and writes row_id_map; the
 * permute kernel then moves whole rows. Planted bugs are marked {@code // BUG}.
 */
final class PlantedDispatch {
    private PlantedDispatch() {}

    /** 32 blocks of 1024 tokens: where the grid-capped mutants stop (T = 32768, the largest T the oracle is run on). */
    static final int BEYOND_BUDGET_TOKENS = 32 * 1024;

    static Map<String, Tensor> run(Invocation inv, Bug bug, long call) {
        Tensor inp = inv.input("inp");
        Tensor routing = inv.input("routing_map");
        Tensor probs = inv.inputs().get("probs");
        Profile profile = inv.profile();
        int tokens = (int) routing.dim(0);
        int experts = (int) routing.dim(1);
        long numOut = inv.attr("num_out_tokens");
        Long align = inv.attrs().get("align_size");
        boolean padded = align != null;

        // pass 1: counts (D1, N1)
        boolean[][] r = new boolean[tokens][experts];
        long[] count = new long[experts];
        int[] n = new int[tokens];
        for (int t = 0; t < tokens; t++) {
            for (int e = 0; e < experts; e++) {
                r[t][e] = routing.bits(t, e) != 0;
                if (r[t][e]) { count[e]++; n[t]++; }
            }
        }
        long unrouted = 0;
        for (int t = 0; t < tokens; t++) if (n[t] == 0) unrouted++;
        long used = 0;
        for (long c : count) used += c;
        long[] load = bug == Bug.EXPERT_ID_MOD_1024 ? binnedMod1024(count) : count;              // BUG: 1024 bins

        // cumsum and pass 2: dst(t,e) = offset[e] + rank(t,e)
        long[] offset = new long[experts];
        long base = bug == Bug.UNROUTED_SORTED_FIRST ? unrouted : 0; // BUG: key -1 rows sort first
        for (int e = 0; e < experts; e++) {
            offset[e] = base;
            base += load[e];
        }
        long[][] dst = new long[tokens][experts];
        for (int e = 0; e < experts; e++) {
            long rank = 0;
            for (int t = 0; t < tokens; t++) if (r[t][e]) dst[t][e] = offset[e] + rank++;
        }
        int lastBig = -1;
        int firstBig = -1;
        for (int e = 0; e < experts; e++) {
            if (count[e] >= 2) {
                lastBig = e;
                if (firstBig < 0) firstBig = e;
            }
        }
        if (bug == Bug.DESCENDING_IN_EXPERT && lastBig >= 0) { // BUG: one expert in descending token order
            for (int t = 0; t < tokens; t++) {
                if (r[t][lastBig]) dst[t][lastBig] = offset[lastBig] + (offset[lastBig] + count[lastBig] - 1 - dst[t][lastBig]);
            }
        }
        if (bug == Bug.NONDETERMINISTIC_ORDER && firstBig >= 0 && call % 2 == 1) { // BUG: racy slot claim
            int a = -1;
            for (int t = 0; t < tokens; t++) {
                if (!r[t][firstBig]) continue;
                if (a < 0) { a = t; continue; }
                long tmp = dst[a][firstBig];
                dst[a][firstBig] = dst[t][firstBig];
                dst[t][firstBig] = tmp;
                break;
            }
        }

        // padding (P1): targets, pad lengths, pad offsets
        long a = padded ? align : 1;
        long[] target = new long[experts];
        long[] padOffsets = new long[experts];
        long sumTarget = 0;
        long running = 0;
        for (int e = 0; e < experts; e++) {
            target[e] = (load[e] + a - 1) / a * a;
            if (bug == Bug.EMPTY_EXPERT_PADDED && count[e] == 0) target[e] = a;               // BUG
            if (bug == Bug.UNALIGNED_WHEN_TARGET_EXCEEDS_T && target[e] > tokens) target[e] = count[e]; // BUG
            long padLen = target[e] - load[e];
            if (bug == Bug.PAD_OFFSETS_INCLUSIVE) running += padLen;                           // BUG
            padOffsets[e] = running;
            if (bug != Bug.PAD_OFFSETS_INCLUSIVE) running += padLen;
            sumTarget += target[e];
        }

        // buffer length (D5, P3)
        long rows;
        if (!padded) {
            rows = bug == Bug.NUM_OUT_IGNORED ? used : numOut;                                  // BUG
        } else if (profile.bufferLength() == Profile.BufferLength.EXACT || bug == Bug.BUFFER_EXACT_IN_TE_JAX) {
            rows = sumTarget;                                                                   // BUG (te-jax)
        } else if (bug == Bug.WORST_CASE_CEIL) {
            rows = (numOut + experts * (a - 1) + a - 1) / a * a;                                // BUG
        } else {
            rows = (numOut + experts * (a - 1)) / a * a;
        }

        DType dt = inp.dtype();
        long hidden = inp.dim(1);
        Tensor out = Tensor.zeros(dt, rows, hidden);
        Tensor permutedProbs = null;
        DType ppType = probs == null ? null : (bug == Bug.PERMUTED_PROBS_WIDENED ? DType.F32 : probs.dtype());
        if (probs != null) permutedProbs = Tensor.zeros(ppType, rows);

        // the permute kernel: whole-row bit copies (D2), zero rows for zero probabilities (D3)
        // BUG (tail blocks): a grid of at most 32 blocks of 1024 tokens never reaches the tokens past 2^15
        int launched = bug == Bug.DISPATCH_TAIL_BLOCKS_UNLAUNCHED ? Math.min(tokens, BEYOND_BUDGET_TOKENS) : tokens;
        for (int t = 0; t < launched; t++) {
            int src = bug == Bug.DISPATCH_TOKEN_ID_UINT16 ? t & 0xFFFF : t;                      // BUG: uint16 token id
            for (int e = 0; e < experts; e++) {
                if (!r[t][e]) continue;
                long row = dst[t][e] + (padded ? padOffsets[e] : 0);
                if (row < 0 || row >= rows) continue; // an unchecked kernel would write out of bounds; we drop it
                boolean zero = probs != null && isZeroProb(probs, t, e, dt, bug);
                if (bug == Bug.ROW_STRIDE_ROUNDED_TO_8 && hidden % 8 != 0) stridedRow(inp, t, out, row, zero); // BUG
                else if (zero) out.zeroRow(row);
                else moveRow(inp, src, out, row, bug);
                if (probs != null) {
                    if (ppType == probs.dtype()) permutedProbs.setBits(row, 0, probs.bits(t, e));
                    else permutedProbs.setF32(row, 0, probs.getF32(t, e));
                }
            }
        }
        if (!padded && bug == Bug.FREE_UNUSED_ROWS) {                                          // freedom: rows past N_used (D5)
            for (long row = used; row < rows; row++) {
                for (long h = 0; h < hidden; h++) out.setBits(row, h, nanBits(dt));
                if (permutedProbs != null) permutedProbs.setBits(row, 0, nanBits(ppType));
            }
        }
        if (padded) plantPaddingGarbage(out, permutedProbs, dst, r, count, target, padOffsets, sumTarget, rows, bug);

        // row_id_map (M1-M5): slots [0,n) destinations in descending expert order, [E,E+n) experts, 2E = n
        DType mapType = bug == Bug.ROW_ID_MAP_INT64 ? DType.I64 : DType.I32;                   // BUG when int64
        Tensor map = Tensor.filled(mapType, mapType == DType.I64 ? -1L : 0xFFFFFFFFL, tokens, 2L * experts + 1);
        if (bug == Bug.FREE_MAP_SLOTS) {                                                        // freedom: leftovers (M5)
            for (int t = 0; t < tokens; t++) {
                for (int c = 0; c < 2 * experts; c++) map.setLong(t, c, c < experts ? used - 1 - c : (t * 7 + c) % (experts + 3));
            }
        }
        for (int t = 0; t < tokens; t++) {
            int i = 0;
            for (int k = 0; k < experts; k++) {
                int e = bug == Bug.ROW_ID_MAP_ASCENDING ? k : experts - 1 - k;                 // BUG when ascending
                if (!r[t][e]) continue;
                long d = dst[t][e] + (bug == Bug.ROW_ID_MAP_PADDED_DST && padded ? padOffsets[e] : 0); // BUG
                map.setLong(t, i, d);
                map.setLong(t, experts + i, e);
                i++;
            }
            long slots = n[t];
            if (bug == Bug.COUNT_COLUMN_SKIPS_ZERO_PROBS && probs != null) {                      // BUG: prob-0 entries not counted
                for (int e = 0; e < experts; e++) if (r[t][e] && isZeroProb(probs, t, e, dt, Bug.NONE)) slots--;
            }
            map.setLong(t, 2L * experts, slots);
        }

        Map<String, Tensor> res = new LinkedHashMap<>();
        res.put("output", out);
        Tensor scale = inv.inputs().get(Ports.SCALE_INV);
        if (scale != null) res.put(Ports.PERMUTED_SCALE_INV, scales(scale, probs, r, dst, padded ? padOffsets : null, rows, dt, bug));
        if (permutedProbs != null) res.put("permuted_probs", permutedProbs);
        res.put("row_id_map", map);
        DType counts = bug == Bug.TPE_INT64 ? DType.I64 : profile.countsDtype();              // BUG
        if (padded) {
            boolean allAligned = true;
            for (int e = 0; e < experts; e++) if (target[e] != count[e]) allAligned = false;
            boolean give = profile.padOffsetsWhenAligned() ? !(bug == Bug.PAD_OFFSETS_ABSENT_WHEN_ALIGNED && allAligned) : !allAligned;
            if (give) res.put("pad_offsets", longs(profile.countsDtype(), padOffsets));
        }
        if (!(padded && bug == Bug.TPE_MISSING_WHEN_PADDED)) {                                 // BUG when missing
            long[] tpe = padded && bug != Bug.COUNTS_UNPADDED ? target.clone() : load.clone();
            if (padded && bug == Bug.SPARE_ROWS_IN_LAST_EXPERT) {                               // BUG: spare rows to the last expert
                long rest = rows;
                for (int e = 0; e < experts - 1; e++) {
                    tpe[e] = count[e];
                    rest -= count[e];
                }
                tpe[experts - 1] = rest;
            }
            if (bug == Bug.PADDING_TOKENS_AS_LOAD && unrouted > 0) {                            // BUG: padding tokens as expert 0's load
                tpe[0] = padded ? (count[0] + unrouted + a - 1) / a * a : count[0] + unrouted;
            }
            res.put("tokens_per_expert", longs(counts, tpe));
        }
        return res;
    }

    /** Expert e's count read from bin e mod 1024 of a 1024-bin histogram (SGLang #21610): equal to count when E <= 1024. */
    private static long[] binnedMod1024(long[] count) {
        long[] bin = new long[Math.min(count.length, 1024)];
        for (int e = 0; e < count.length; e++) bin[e % 1024] += count[e];
        long[] load = new long[count.length];
        for (int e = 0; e < count.length; e++) load[e] = bin[e % 1024];
        return load;
    }

    /**
     * Row {@code row} written as if the buffer's row stride were H rounded up to 8 elements (16-byte
     * rows, Paddle #79756) while it is H: element h lands at flat index row * stride + h of the H-wide
     * buffer; what falls past the buffer is dropped.
     */
    private static void stridedRow(Tensor inp, int t, Tensor out, long row, boolean zero) {
        long hidden = inp.dim(1);
        long stride = (hidden + 7) / 8 * 8;
        for (long h = 0; h < hidden; h++) {
            long flat = row * stride + h;
            if (flat / hidden < out.dim(0)) out.setBits(flat / hidden, flat % hidden, zero ? 0L : inp.bits(t, h));
        }
    }

    /** D3: +0.0 and -0.0 both zero the row. */
    private static boolean isZeroProb(Tensor probs, int t, int e, DType payload, Bug bug) {
        long bits = probs.bits(t, e);
        long signBit = 1L << (probs.dtype().size() * 8 - 1);
        boolean zero = (bits & ~signBit) == 0;
        if (bug == Bug.NEG_ZERO_PROB_COPIED) return bits == 0;                                  // BUG: bit compare
        if (bug == Bug.PROB_ZERO_COPIED && (payload == DType.F8E4M3 || payload == DType.F8E5M2)) return false; // BUG
        return zero;
    }

    private static void moveRow(Tensor inp, int t, Tensor out, long row, Bug bug) {
        DType dt = inp.dtype();
        boolean arithmetic = (bug == Bug.NAN_PAYLOAD_CANONICALIZED || bug == Bug.NEG_ZERO_PAYLOAD_FLUSHED)
                && (dt == DType.F32 || dt == DType.BF16 || dt == DType.F16);
        if (!arithmetic) {
            out.copyRowFrom(inp, t, row);
            return;
        }
        for (long h = 0; h < inp.dim(1); h++) {
            float v = inp.getF32(t, h);
            float w = bug == Bug.NAN_PAYLOAD_CANONICALIZED ? v * 1.0f : v + 0.0f;               // BUG
            out.setBits(row, h, Float.isNaN(v) || bug == Bug.NEG_ZERO_PAYLOAD_FLUSHED ? FloatFormats.fromF32(dt, w) : inp.bits(t, h));
        }
    }

    private static void plantPaddingGarbage(Tensor out, Tensor pp, long[][] dst, boolean[][] r, long[] count, long[] target,
                                            long[] padOffsets, long sumTarget, long rows, Bug bug) {
        if (bug == Bug.PAD_ROWS_NOT_ZEROED || bug == Bug.PERMUTED_PROBS_PAD_GARBAGE) {
            long start = 0;
            for (int e = 0; e < count.length; e++) {
                long last = start + count[e] - 1; // the expert's last token row
                for (long row = start + count[e]; row < start + target[e] && row < rows; row++) {
                    if (count[e] == 0) break;
                    if (bug == Bug.PAD_ROWS_NOT_ZEROED) out.copyRowFrom(out, last, row);        // BUG
                    else if (pp != null) pp.setBits(row, 0, pp.bits(last, 0));                  // BUG
                }
                start += target[e];
            }
        }
        if (bug == Bug.TAIL_NOT_ZEROED) {                                                       // BUG: uninitialized tail
            long nan = nanBits(out.dtype());
            for (long row = sumTarget; row < rows; row++) for (long h = 0; h < out.dim(1); h++) out.setBits(row, h, nan);
        }
    }

    static long nanBits(DType dt) {
        switch (dt) {
            case F32: return 0x7FC00000L;
            case BF16: return 0x7FC0L;
            case F16: return 0x7E00L;
            case F8E4M3: return 0x7FL;
            case F8E5M2: return 0x7EL;
            default: return 0;
        }
    }

    static Tensor longs(DType dt, long[] v) {
        Tensor t = Tensor.zeros(dt, v.length);
        for (int i = 0; i < v.length; i++) t.setLong(i, v[i]);
        return t;
    }

    /**
     * TE's PERMUTE_SCALE: {@code permuted_scale[dst, :B] = scale[t, :]} for every routed (t,e), before the probability
     * test (F2, F4), into a buffer zeroed like the payload's (F3). Planted bugs marked {@code // BUG}.
     */
    static Tensor scales(Tensor scale, Tensor probs, boolean[][] r, long[][] dst, long[] padOffsets, long rows, DType dt, Bug bug) {
        int tokens = (int) scale.dim(0), blocks = (int) scale.dim(1);
        Tensor ps = Tensor.zeros(scale.dtype(), rows, blocks);
        long garbage = scale.dtype() == DType.F32 ? 0x7FC0DEADL : 0xA5L;
        if (bug == Bug.SCALE_PAD_ROWS_GARBAGE && padOffsets != null) ps.fill(garbage);        // BUG: torch.empty (TE #2547)
        if (bug == Bug.SCALES_UNPERMUTED) {                                                     // BUG: scales in token order
            for (long row = 0; row < Math.min(rows, tokens); row++) ps.copyRowFrom(scale, row, row);
            return ps;
        }
        int stride = bug == Bug.SCALE_ROW_STRIDE ? (blocks + 3) / 4 * 4 : blocks;              // BUG: padded row stride
        for (int t = 0; t < tokens; t++) {
            for (int e = 0; e < r[t].length; e++) {
                if (!r[t][e]) continue;
                long row = dst[t][e] + (padOffsets == null ? 0 : padOffsets[e]);
                if (row < 0 || row >= rows) continue;
                if (bug == Bug.ZERO_PROB_SCALE_ZEROED && probs != null && isZeroProb(probs, t, e, dt, Bug.NONE)) {
                    for (int j = 0; j < blocks; j++) ps.setBits(row, j, 0);                     // BUG: zeroed with the payload
                    continue;
                }
                for (int j = 0; j < blocks; j++) {
                    long flat = row * stride + j;
                    if (flat >= rows * blocks) continue;
                    long src = bug == Bug.SCALES_TRANSPOSED ? (long) j * tokens + t : (long) t * blocks + j; // BUG: [B, T] read
                    ps.setBits(flat, scale.bits(src));
                }
            }
        }
        return ps;
    }
}
