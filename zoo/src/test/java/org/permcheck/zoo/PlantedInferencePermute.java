package org.permcheck.zoo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.engine.fuzz.SplitMix64;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core's inference permute (docs/spec.md V1-V5) written from the spec in the kernels' passes (count the
 * local pairs of the first valid_tokens rows, exclusive/inclusive sums of the aligned counts, -1 over the used
 * map rows, each pair at the next position of its expert's cursor, ascending pair), with the inference-permute
 * bugs of {@link Bug} planted: the buffer not rounded up to row_alignment (PR #6588, V1), the map's pad rows
 * never set to -1 (PR #4258, V4), every row of topk_ids read past valid_tokens (PR #6457, #7426, V2), offsets
 * of the raw counts (V2), a non-atomic claim that puts a group's second pair on its first's row (V3); and the
 * freedom control that shuffles every group anew on every call with garbage in the unwritten rows, which V3-V5
 * allow and the suite must PASS.
 */
final class PlantedInferencePermute {
    private PlantedInferencePermute() {}

    /** Bits of the rows a torch.empty buffer leaves unwritten (not -1, not 0). */
    private static final long GARBAGE = 0x3C3C3C3C3C3C3C3CL;

    static Map<String, Tensor> run(Invocation inv, Bug bug, long call) {
        Tensor inp = inv.input(Ports.INP), ids = inv.input(Ports.TOPK_IDS), probs = inv.input(Ports.PROBS);
        long tokens = ids.dim(0), k = ids.dim(1);
        long start = inv.attr(Attrs.LOCAL_EXPERT_START);
        int experts = (int) inv.attr(Attrs.NUM_LOCAL_EXPERTS);
        long align = inv.optionalAttr(Attrs.ALIGNMENT).orElse(1L), rowAlign = inv.optionalAttr(Attrs.ROW_ALIGNMENT).orElse(1L);
        long valid = inv.optionalAttr(Attrs.VALID_TOKENS).orElse(tokens);
        if (bug == Bug.INFERENCE_READS_PAST_VALID_TOKENS) valid = tokens; // BUG (#6457, #7426): padding rows routed
        long rows = tokens * Math.min(k, experts) + align * experts;
        if (bug != Bug.INFERENCE_ROW_ALIGNMENT_IGNORED) rows = (rows + rowAlign - 1) / rowAlign * rowAlign; // BUG (#6588) when skipped
        long[] count = new long[experts];
        for (long t = 0; t < valid; t++) {
            for (long j = 0; j < k; j++) {
                long e = ids.getLong(t, j) - start;
                if (e >= 0 && e < experts) count[(int) e]++;
            }
        }
        long[] first = new long[experts], end = new long[experts];
        long sum = 0;
        for (int e = 0; e < experts; e++) {
            first[e] = sum;
            sum += count[e] == 0 ? 0 : (count[e] + align - 1) / align * align;
            end[e] = sum;
        }
        Tensor out = Tensor.zeros(inp.dtype(), rows, inp.dim(1)), permuted = Tensor.zeros(probs.dtype(), rows), map = Tensor.zeros(DType.I32, rows);
        boolean garbage = bug == Bug.INFERENCE_MAP_UNINITIALIZED || bug == Bug.FREE_INFERENCE_GROUP_ORDER;
        if (garbage) {
            out.fill(GARBAGE);
            permuted.fill(GARBAGE);
            map.fill(GARBAGE);
        }
        if (bug != Bug.INFERENCE_MAP_UNINITIALIZED) for (long r = 0; r < sum; r++) map.setLong(r, -1); // BUG (#4258) when skipped
        long[] cursor = first.clone();
        for (long t = 0; t < valid; t++) {
            for (long j = 0; j < k; j++) {
                long e = ids.getLong(t, j) - start;
                if (e < 0 || e >= experts) continue;
                long pos = cursor[(int) e]++;
                if (bug == Bug.INFERENCE_CLAIM_RACE && pos == first[(int) e] + 1) pos--; // BUG: the second pair takes the first's row
                out.copyRowFrom(inp, t, pos);
                permuted.setBits(pos, 0, probs.bits(t, j));
                map.setLong(pos, t);
            }
        }
        if (bug == Bug.FREE_INFERENCE_GROUP_ORDER) shuffleGroups(new Tensor[] {map, out, permuted}, first, count, call);
        Tensor offsets = Tensor.zeros(DType.I32, experts);
        long raw = 0;
        for (int e = 0; e < experts; e++) {
            raw += count[e];
            offsets.setLong(e, bug == Bug.INFERENCE_OFFSETS_UNALIGNED ? raw : end[e]); // BUG: the raw counts' sum
        }
        Map<String, Tensor> o = new LinkedHashMap<>();
        o.put(Ports.OUTPUT, out);
        o.put(Ports.PERMUTED_PROBS, permuted);
        o.put(Ports.PERMUTATION_MAP, map);
        o.put(Ports.INCLUSIVE_OFFSETS, offsets);
        return o;
    }

    /** V6 from the spec: rows [0, valid_tokens) zeroed, every used non-pad row added into its token, r ascending, in f32. */
    static Map<String, Tensor> unpermute(Invocation inv, Bug bug) {
        Tensor inp = inv.input(Ports.INP), probs = inv.input(Ports.PERMUTED_PROBS), map = inv.input(Ports.PERMUTATION_MAP);
        Tensor offsets = inv.input(Ports.INCLUSIVE_OFFSETS);
        long tokens = inv.attr(Attrs.NUM_TOKENS), valid = inv.optionalAttr(Attrs.VALID_TOKENS).orElse(tokens);
        long used = offsets.getLong(offsets.numel() - 1);
        if (bug == Bug.INFERENCE_UNPERMUTE_PAST_N_USED) used = map.numel(); // BUG (#4258): rows past n_used read
        int h = (int) inp.dim(1);
        Tensor out = Tensor.zeros(DType.F32, tokens, h);
        float[] x = new float[h], acc = new float[h];
        for (long r = 0; r < used; r++) {
            long t = map.getLong(r);
            if (t < 0 || t >= valid) continue;
            inp.readRowF32(r, x);
            out.readRowF32(t, acc);
            for (int c = 0; c < h; c++) acc[c] += x[c] * probs.getF32(r);
            out.writeRowF32(t, acc);
        }
        return Map.of(Ports.OUTPUT, out);
    }

    /** FREEDOM (V3): every group's rows (map entry, data, probability together) in a fresh order on every call. */
    private static void shuffleGroups(Tensor[] ts, long[] first, long[] count, long call) {
        SplitMix64 rng = new SplitMix64(0x1f3e5d7cL + call);
        for (int e = 0; e < count.length; e++) {
            for (long i = count[e] - 1; i > 0; i--) {
                long j = rng.below((int) (i + 1));
                for (Tensor t : ts) {
                    Tensor c = t.copy();
                    t.copyRowFrom(c, first[e] + j, first[e] + i);
                    t.copyRowFrom(c, first[e] + i, first[e] + j);
                }
            }
        }
    }
}
