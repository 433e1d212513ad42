package org.permcheck.zoo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * torchao's padded permute and torchtitan's unpermute (docs/spec.md W1-W6) written from the spec, with the bugs of
 * {@link Bug} planted: no clamp of an empty expert to A rows (before torchtitan PR #1166, W2), the positions past
 * the last group left unwritten (W5), start offsets returned for end offsets (W3), the rows laid out in input
 * (rank-major) order inside the padded groups (W1), and an unpermute that gathers through permuted_indices
 * instead of scattering (the wrong-direction permutation of torchtitan #1237, W6).
 */
final class PlantedPadPermute {
    private PlantedPadPermute() {}

    static Map<String, Tensor> permute(Invocation inv, Bug bug) {
        Tensor inp = inv.input(Ports.INP), c = inv.input(Ports.NUM_TOKENS_PER_EXPERT);
        int ranks = (int) inv.attr(Attrs.EP_DEGREE), local = (int) inv.attr(Attrs.NUM_LOCAL_EXPERTS);
        long a = inv.attr(Attrs.ALIGNMENT), tokens = inp.dim(0);
        long[] counts = new long[(int) c.numel()], starts = new long[counts.length];
        for (int i = 0, s = 0; i < counts.length; i++) {
            counts[i] = c.getLong(i);
            starts[i] = s;
            s += counts[i];
        }
        long[] sizes = new long[local], ends = new long[local];
        for (int e = 0, end = 0; e < local; e++) {
            long total = 0;
            for (int r = 0; r < ranks; r++) total += counts[r * local + e];
            long clamped = bug == Bug.PADDED_EMPTY_EXPERT_NOT_CLAMPED ? total : Math.max(total, a); // BUG (W2): no clamp
            sizes[e] = (clamped + a - 1) / a * a;
            end += sizes[e];
            ends[e] = end;
        }
        long x = tokens + local * a, maxLen = (x + a - 1) / a * a;
        Tensor idx = Tensor.filled(DType.I32, 0xffffffffL, maxLen);
        long next = 0; // the rank-major bug's next input row
        for (int e = 0; e < local; e++) {
            long w = ends[e] - sizes[e];
            for (int r = 0; r < ranks; r++) {
                for (long i = 0; i < counts[r * local + e]; i++) {
                    idx.setLong(w++, bug == Bug.PADDED_RANK_MAJOR_ORDER ? next++ : starts[r * local + e] + i); // BUG (W1)
                }
            }
        }
        long used = local == 0 ? 0 : ends[local - 1];
        if (bug == Bug.PADDED_TAIL_UNWRITTEN) {
            for (long p = used; p < maxLen; p++) idx.setLong(p, tokens > 0 ? 0 : 0x7fffffff); // BUG (W5): stale entries past the groups
        }
        Tensor out = Tensor.zeros(inp.dtype(), maxLen, inp.dim(1));
        for (long p = 0; p < maxLen; p++) {
            long src = idx.getLong(p);
            if (src >= 0 && src < tokens) out.copyRowFrom(inp, src, p);
            else if (src >= tokens) out.setLong(p, 0, 0x55); // a stale row
        }
        Tensor sz = Tensor.zeros(DType.I32, local), off = Tensor.zeros(DType.I32, local);
        for (int e = 0; e < local; e++) {
            sz.setLong(e, sizes[e]);
            off.setLong(e, bug == Bug.PADDED_EXCLUSIVE_OFFSETS ? ends[e] - sizes[e] : ends[e]); // BUG (W3): start offsets
        }
        Map<String, Tensor> o = new LinkedHashMap<>();
        o.put(Ports.OUTPUT, out);
        o.put(Ports.PERMUTED_INDICES, idx);
        o.put(Ports.NUM_TOKENS_PER_EXPERT_PADDED, sz);
        o.put(Ports.GROUP_OFFSETS, off);
        return o;
    }

    static Map<String, Tensor> unpermute(Invocation inv, Bug bug) {
        Tensor y = inv.input(Ports.INP), idx = inv.input(Ports.PERMUTED_INDICES);
        long tokens = inv.attr(Attrs.NUM_TOKENS);
        Tensor out = Tensor.zeros(y.dtype(), tokens, y.dim(1));
        if (bug == Bug.PADDED_UNPERMUTE_GATHERS) { // BUG (W6): out[i] = y[idx[i]], the permutation applied again
            for (long i = 0; i < tokens; i++) {
                long p = idx.getLong(i);
                if (p >= 0 && p < y.dim(0)) out.copyRowFrom(y, p, i);
            }
        } else {
            for (long p = 0; p < idx.numel(); p++) {
                long i = idx.getLong(p);
                if (i >= 0) out.copyRowFrom(y, p, i);
            }
        }
        return Map.of(Ports.OUTPUT, out);
    }
}
