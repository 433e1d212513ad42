package org.permcheck.engine.check;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Preconditions;
import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Mismatch;
import org.permcheck.engine.model.Violation;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.Tensor;

/**
 * R4 (docs/spec.md, docs/checks.md "Relations"): a dispatch whose experts were relabelled, whose tokens
 * were shuffled or whose batch was split moves the case's own answer as D1 says, bit for bit. Every
 * routed pair (t, e) of the case, with rank r among expert e's tokens, has a place in the derived
 * answer (t', e', r'); its output row, permuted prob and row_id_map slot (relative to the group's
 * start) must be the same there. Group starts come from each answer's own tokens_per_expert (N1) for
 * the buffer and from the inputs' counts for row_id_map's unpadded destinations (M2); counts must
 * move too (permuted, unchanged, added). Nothing here reads the oracle.
 */
public final class RelabelCheck implements Check {
    @Override
    public Set<Rule> rules() { return Set.of(Rule.R4); }

    @Override
    public void check(CheckContext ctx, List<Violation> out) {
        if (ctx.op() != Op.DISPATCH) return;
        for (String name : new String[] {Relations.RELABEL, Relations.SHUFFLE, Relations.SPLIT}) {
            CheckContext.Related r = ctx.relation(name);
            if (r != null) check(ctx.invocation(), ctx.actual(), r, out);
        }
    }

    static String describe(Invocation inv, CheckContext.Related r) {
        return "R4 " + r.name() + ": " + inv.describe() + " against " + r.calls().stream().map(Invocation::describe).collect(Collectors.joining(" and "));
    }

    private static void check(Invocation inv, Outputs whole, CheckContext.Related r, List<Violation> out) {
        String call = describe(inv, r);
        if (r.failure() != null) {
            out.add(Violation.of(Rule.R4.id(), call + ": " + r.failure()));
            return;
        }
        Tensor routing = inv.input(Ports.ROUTING_MAP);
        int tokens = (int) routing.dim(0), experts = (int) routing.dim(1);
        int parts = r.calls().size();
        // the answers: index 0 the case's own, 1.. the derived ones
        Outputs[] ans = new Outputs[parts + 1];
        Invocation[] calls = new Invocation[parts + 1];
        ans[0] = whole;
        calls[0] = inv;
        for (int k = 0; k < parts; k++) { ans[k + 1] = r.results().get(k); calls[k + 1] = r.calls().get(k); }
        long[][] tpe = new long[parts + 1][];
        long[][] count = new long[parts + 1][];
        for (int k = 0; k <= parts; k++) {
            Tensor c = ans[k].get(Ports.TOKENS_PER_EXPERT);
            Tensor m = ans[k].get(Ports.ROW_ID_MAP), y = ans[k].get(Ports.OUTPUT);
            String who = k == 0 ? "the case's answer" : "the answer to call " + k;
            if (c == null || !c.sameShape(experts) || !c.dtype().isInt() || m == null || !m.dtype().isInt() || y == null || y.rank() != 2) {
                out.add(Violation.of(Rule.R4.id(), call + ": " + who + " lacks a usable output, tokens_per_expert or row_id_map"));
                return;
            }
            tpe[k] = Preconditions.longs(c);
            count[k] = columnSums(calls[k].input(Ports.ROUTING_MAP));
        }
        int[] perm = r.permutation();
        // counts move predictably: permuted by the relabel, unchanged by a shuffle, added by a split
        for (int e = 0; e < experts; e++) {
            long want = tpe[0][e], got;
            int at = e;
            if (r.name().equals(Relations.RELABEL)) { at = perm[e]; got = tpe[1][at]; }
            else if (r.name().equals(Relations.SPLIT)) got = tpe[1][e] + tpe[2][e]; // unpadded only: counts add
            else got = tpe[1][e];
            if (want != got) {
                out.add(new Violation(Rule.R4.id(), call + ": tokens_per_expert does not move with the relation",
                        new Mismatch(Ports.TOKENS_PER_EXPERT, -1, at, -1, at, Long.toString(want) + " (expert " + e + " of the case's answer)", Long.toString(got)), 0));
                return;
            }
        }
        long[][] startOut = new long[parts + 1][], startMap = new long[parts + 1][];
        for (int k = 0; k <= parts; k++) { startOut[k] = exclusive(tpe[k]); startMap[k] = exclusive(count[k]); }
        int half = parts == 2 ? (int) calls[1].input(Ports.ROUTING_MAP).dim(0) : 0;
        // the routed pairs in token order (CSR): base[t] is token t's first pair
        int[] base = new int[tokens + 1];
        for (int t = 0; t < tokens; t++) {
            int n = 0;
            for (int e = 0; e < experts; e++) if (routing.getLong(t, e) != 0) n++;
            base[t + 1] = base[t] + n;
        }
        int[] newRank = null;
        if (r.name().equals(Relations.SHUFFLE)) {
            // rank of (t, e) among expert e's tokens in the shuffled order: scan the new token ids ascending
            int[] inverse = new int[tokens];
            for (int t = 0; t < tokens; t++) inverse[perm[t]] = t;
            newRank = new int[base[tokens]];
            long[] run = new long[experts];
            for (int u = 0; u < tokens; u++) {
                int t = inverse[u], j = base[t];
                for (int e = 0; e < experts; e++) if (routing.getLong(t, e) != 0) newRank[j++] = (int) run[e]++;
            }
        }
        long[] running = new long[experts];
        Mismatch first = null;
        long bad = 0, pairs = 0;
        for (int t = 0; t < tokens; t++) {
            int j = base[t];
            for (int e = 0; e < experts; e++) {
                if (routing.getLong(t, e) == 0) continue;
                long rank = running[e]++;
                int pairIndex = j++;
                pairs++;
                int k = 1, t2 = t, e2 = e;
                long rank2 = rank;
                switch (r.name()) {
                    case Relations.RELABEL: e2 = perm[e]; break;
                    case Relations.SHUFFLE: t2 = perm[t]; rank2 = newRank[pairIndex]; break;
                    default: if (t >= half) { k = 2; t2 = t - half; rank2 = rank - count[1][e]; }
                }
                Mismatch m = pair(ans[0], t, e, startOut[0][e] + rank, startMap[0][e], ans[k], t2, e2, startOut[k][e2] + rank2, startMap[k][e2], rank2 - rank, experts);
                if (m != null) {
                    if (first == null) first = m;
                    bad++;
                }
            }
        }
        if (first != null) {
            out.add(new Violation(Rule.R4.id(), call + ": the answers do not move as D1 says (" + bad + " of " + pairs + " routed pairs; the expected value is the case's own answer)",
                    first, bad - 1));
        }
    }

    /** Compares one routed pair's row, permuted prob and row_id_map slot in the two answers; null when they agree. */
    private static Mismatch pair(Outputs a, int t, int e, long rowA, long mapStartA, Outputs b, int t2, int e2, long rowB, long mapStartB, long moved, int experts) {
        Tensor ya = a.get(Ports.OUTPUT), yb = b.get(Ports.OUTPUT);
        if (rowA < 0 || rowA >= ya.dim(0) || rowB < 0 || rowB >= yb.dim(0) || ya.dtype() != yb.dtype() || ya.dim(1) != yb.dim(1)) {
            return new Mismatch(Ports.OUTPUT, t, e, rowA, -1, "row " + rowA + " of " + ya.dtype() + ya.shapeString(), "row " + rowB + " of " + yb.dtype() + yb.shapeString() + " (outside or unlike)");
        }
        if (!ya.rowEquals(rowA, yb, rowB)) {
            long h = 0;
            while (h < ya.dim(1) - 1 && ya.bits(rowA, h) == yb.bits(rowB, h)) h++;
            return new Mismatch(Ports.OUTPUT, t, e, rowA, h, ValueText.of(ya.dtype(), ya.bits(rowA, h)),
                    ValueText.of(yb.dtype(), yb.bits(rowB, h)) + " (row " + rowB + " of the derived answer, token " + t2 + ", expert " + e2 + ")");
        }
        Tensor pa = a.get(Ports.PERMUTED_PROBS), pb = b.get(Ports.PERMUTED_PROBS);
        if (pa != null && pb != null && rowA < pa.numel() && rowB < pb.numel() && pa.bits(rowA, 0) != pb.bits(rowB, 0)) {
            return new Mismatch(Ports.PERMUTED_PROBS, t, e, rowA, -1, ValueText.of(pa.dtype(), pa.bits(rowA, 0)),
                    ValueText.of(pb.dtype(), pb.bits(rowB, 0)) + " (row " + rowB + " of the derived answer)");
        }
        Tensor ma = a.get(Ports.ROW_ID_MAP), mb = b.get(Ports.ROW_ID_MAP);
        long na = ma.getLong(t, 2L * experts), nb = mb.getLong(t2, 2L * experts);
        if (na != nb) return new Mismatch(Ports.ROW_ID_MAP, t, -1, t, 2L * experts, Long.toString(na), nb + " (token " + t2 + " of the derived answer)");
        long da = slot(ma, t, e, na, experts), db = slot(mb, t2, e2, nb, experts);
        // the slot's rank in its group moves by exactly what the relation moves the token's rank (0 but for a shuffle or a second half)
        long ra = da == Long.MIN_VALUE ? da : da - mapStartA + moved, rb = db == Long.MIN_VALUE ? db : db - mapStartB;
        if (ra != rb) {
            return new Mismatch(Ports.ROW_ID_MAP, t, e, t, -1, "rank " + (ra == Long.MIN_VALUE ? "none" : Long.toString(ra)) + " in expert " + e + "'s group",
                    "rank " + (rb == Long.MIN_VALUE ? "none" : Long.toString(rb)) + " in expert " + e2 + "'s group (token " + t2 + " of the derived answer)");
        }
        return null;
    }

    /** The destination of token t's slot for expert e (M2, M3), or Long.MIN_VALUE when no valid slot names e. */
    private static long slot(Tensor map, int t, int e, long n, int experts) {
        if (n < 0 || n > experts) return Long.MIN_VALUE;
        for (int i = 0; i < n; i++) if (map.getLong(t, experts + i) == e) return map.getLong(t, i);
        return Long.MIN_VALUE;
    }

    private static long[] columnSums(Tensor routing) {
        long[] c = new long[(int) routing.dim(1)];
        for (long t = 0; t < routing.dim(0); t++) for (int e = 0; e < c.length; e++) c[e] += routing.getLong(t, e);
        return c;
    }

    private static long[] exclusive(long[] v) {
        long[] s = new long[v.length];
        for (int i = 1; i < v.length; i++) s[i] = s[i - 1] + v[i - 1];
        return s;
    }
}
