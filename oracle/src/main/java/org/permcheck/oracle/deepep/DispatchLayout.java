package org.permcheck.oracle.deepep;

import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.DeepEpLayoutPreconditions;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.oracle.layout.IndexForm;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * DeepEP's {@code get_dispatch_layout} (docs/spec.md L1-L3) as a view of the one assignment table: {@code topk_idx}
 * read as its routing map ({@link IndexForm#routingMap}, I1: a -1 slot routes nowhere), the E experts split into R
 * ranks of {@code E_l = E/R} consecutive experts, rank {@code r} owning {@code [r*E_l, (r+1)*E_l)}. Every output is
 * a count over the table's cells; nothing is re-derived from the slots.
 */
public final class DispatchLayout {
    private final AssignmentTable table;
    private final int ranks;
    private final int localExperts;

    private DispatchLayout(AssignmentTable table, int ranks, int localExperts) {
        this.table = table;
        this.ranks = ranks;
        this.localExperts = localExperts;
    }

    /** The view of a {@code deepep_dispatch_layout} call (X33, X34 checked). */
    public static DispatchLayout of(Invocation inv) {
        long local = DeepEpLayoutPreconditions.check(inv); // X33, X34
        int experts = (int) inv.attr(Attrs.NUM_EXPERTS);
        AssignmentTable table = AssignmentTable.of(IndexForm.routingMap(inv.input(Ports.TOPK_IDX), experts)); // I1, I4
        return new DispatchLayout(table, (int) inv.attr(Attrs.NUM_RANKS), (int) local);
    }

    /** The rank owning expert e: {@code e / E_l}. */
    public int rankOf(int e) { return e / localExperts; }

    /** L2: token t is sent to rank r iff the table routes it to some expert of r. */
    public boolean inRank(int t, int r) {
        for (int e = r * localExperts; e < (r + 1) * localExperts; e++) if (table.routed(t, e)) return true;
        return false;
    }

    /** L1: the tokens sent to rank r, each once however many of r's experts it selects. */
    public long tokensPerRank(int r) {
        long n = 0;
        for (int t = 0; t < table.numTokens(); t++) if (inRank(t, r)) n++;
        return n;
    }

    /** L3: the assignments of expert e, the table's column count. */
    public long tokensPerExpert(int e) { return table.count(e); }

    /** L1-L3: int32 num_tokens_per_rank[R], int32 num_tokens_per_expert[E], bool is_token_in_rank[T,R]; all specified. */
    public Expected expected() {
        Tensor perRank = Tensor.zeros(DType.I32, ranks);
        for (int r = 0; r < ranks; r++) perRank.setLong(r, tokensPerRank(r));
        Tensor perExpert = Tensor.zeros(DType.I32, table.numExperts());
        for (int e = 0; e < table.numExperts(); e++) perExpert.setLong(e, tokensPerExpert(e));
        Tensor mask = Tensor.zeros(DType.BOOL, table.numTokens(), ranks);
        for (int t = 0; t < table.numTokens(); t++) for (int r = 0; r < ranks; r++) if (inRank(t, r)) mask.setLong(t, r, 1);
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put(Ports.NUM_TOKENS_PER_RANK, perRank);
        values.put(Ports.NUM_TOKENS_PER_EXPERT, perExpert);
        values.put(Ports.IS_TOKEN_IN_RANK, mask);
        return new Expected(values, Map.of(), Map.of());
    }
}
