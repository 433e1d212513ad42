package org.permcheck.oracle.ep;

import java.util.ArrayList;
import java.util.List;

import org.permcheck.oracle.dispatch.Dispatch;
import org.permcheck.oracle.layout.AssignmentTable;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * A6: expert parallelism end to end, in plain Java (not an op). S ranks each dispatch their local
 * tokens (unpadded, D1), learn every rank's counts (the all-gathered {@code tokens_per_expert}),
 * exchange rows with a simulated ragged all-to-all (A1, A5) into receive buffers with
 * {@code slack} extra rows filled with {@code fillBits}, and sort them locally (A3). The
 * invariant: each rank's expert groups equal one global dispatch of all tokens in rank order.
 */
public final class ExpertParallelSimulation {
    private ExpertParallelSimulation() {}

    /** One rank's view after the local permute. */
    public record RankResult(Tensor expertBuffer, long[] localGroupSizes, LocalPermute.State state) {}

    public static List<RankResult> run(List<Tensor> inputs, List<Tensor> routingMaps, long slack, long fillBits) {
        int ns = inputs.size();
        List<Tensor> dispatched = new ArrayList<>();
        int ne = (int) routingMaps.get(0).dim(1);
        long[][] m = new long[ns][];
        for (int r = 0; r < ns; r++) {
            AssignmentTable table = AssignmentTable.of(routingMaps.get(r));
            GroupLayout layout = GroupLayout.unpadded(table, table.used());
            dispatched.add(Dispatch.permute(inputs.get(r), null, table, layout));
            m[r] = table.counts();
        }
        DType countsDtype = DType.I32;
        List<RaggedAllToAllParams> params = new ArrayList<>();
        List<Tensor> outputs = new ArrayList<>();
        long h = inputs.get(0).dim(1);
        for (int r = 0; r < ns; r++) {
            RaggedAllToAllParams p = RaggedAllToAllParams.forward(new ShardCounts(m, r, ns, countsDtype));
            params.add(p);
            long rows = 0;
            for (long v : p.recvSizes()) rows += v;
            outputs.add(Tensor.filled(inputs.get(0).dtype(), fillBits, rows + slack, h));
        }
        List<Tensor> received = RaggedAllToAll.exchange(dispatched, outputs, params);
        List<RankResult> results = new ArrayList<>();
        for (int r = 0; r < ns; r++) {
            LocalPermute.Result lp = LocalPermute.afterA2a(received.get(r), new ShardCounts(m, r, ns, countsDtype));
            results.add(new RankResult(lp.output(), lp.state().localGroupSizes(), lp.state()));
        }
        return results;
    }
}
