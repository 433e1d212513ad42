package org.permcheck.engine.ep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;
import org.permcheck.oracle.ep.RankChain;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Judges every rank's answer against {@link RankChain} (docs/spec.md A7–A9), per rank, then the
 * ranks as a whole (A7: the buffers together hold every routed row once).
 */
public final class EpJudge {
    private EpJudge() {}

    public static List<Violation> judge(EpCase c, List<Map<String, Tensor>> answers) {
        List<RankChain.RankExpected> want = RankChain.expected(c.inp(), c.routingMap(), c.probs(), c.gradExpertBuffer());
        List<Violation> v = new ArrayList<>();
        long rowsAnswered = 0;
        for (int r = 0; r < want.size(); r++) {
            Map<String, Tensor> got = answers.get(r);
            RankChain.RankExpected w = want.get(r);
            Tensor buf = got.get(EpWire.EXPERT_BUFFER);
            if (buf != null) rowsAnswered += buf.rank() == 2 ? buf.dim(0) : 0;
            compare(v, r, Rule.A7, EpWire.EXPERT_BUFFER, w.expertBuffer(), buf, true);
            compare(v, r, Rule.A7, EpWire.LOCAL_GROUP_SIZES, w.localGroupSizes(), got.get(EpWire.LOCAL_GROUP_SIZES), true);
            compare(v, r, Rule.A8, EpWire.COMBINED, w.combined(), got.get(EpWire.COMBINED), false);
            compare(v, r, Rule.A9, EpWire.GRAD_INP, w.gradInp(), got.get(EpWire.GRAD_INP), false);
        }
        long routed = 0;
        for (long[] row : RankChain.counts(c.routingMap())) for (long n : row) routed += n;
        if (rowsAnswered != routed) {
            v.add(Violation.of(Rule.A7.id(), "as a whole: the ranks' expert buffers hold " + rowsAnswered + " rows, " + routed + " rows were routed"));
        }
        return v;
    }

    /** Bit for bit ({@code bits}) or by value with -0 = +0 (A8, A9: sums, exact on the case's grid). */
    private static void compare(List<Violation> v, int r, Rule rule, String name, Tensor want, Tensor got, boolean bits) {
        String where = "rank " + r + " " + name;
        if (got == null) {
            v.add(Violation.of(rule.id(), where + ": missing"));
            return;
        }
        if (got.dtype() != want.dtype().storage() || !got.sameShape(want.shape())) {
            v.add(Violation.of(rule.id(), where + ": " + got.dtype() + got.shapeString() + ", expected " + want.dtype() + want.shapeString()));
            return;
        }
        long bad = 0;
        String first = null;
        for (long i = 0; i < want.numel(); i++) {
            boolean same = bits || want.dtype() != DType.F32 ? got.bits(i) == want.bits(i) : got.getF32(i) == want.getF32(i);
            if (same) continue;
            if (first == null) {
                long row = want.rank() == 2 ? i / want.dim(1) : i;
                String gv = want.dtype() == DType.F32 ? Float.toString(got.getF32(i)) : Long.toString(got.getLong(i));
                String wv = want.dtype() == DType.F32 ? Float.toString(want.getF32(i)) : Long.toString(want.getLong(i));
                first = "first at element " + i + " (row " + row + "): " + gv + ", expected " + wv;
            }
            bad++;
        }
        if (bad > 0) v.add(Violation.of(rule.id(), where + ": " + bad + " element(s) differ, " + first));
    }
}
