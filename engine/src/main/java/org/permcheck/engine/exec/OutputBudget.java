package org.permcheck.engine.exec;

import java.util.Map;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.tensor.Tensor;

/**
 * The largest output file the engine reads for one case (docs/protocol.md section 5). Every correct
 * answer fits with room to spare; a runaway file is refused before it is allocated.
 */
final class OutputBudget {
    private OutputBudget() {}

    static final long FLOOR = 64 * 1024;

    static long bytesFor(Invocation inv, Map<String, Long> inputFileBytes) {
        long in = 0;
        for (long b : inputFileBytes.values()) in += b;
        long budget = FLOOR + 2 * in;
        if (inv.op() == Op.DISPATCH) {
            Tensor inp = inv.inputs().get("inp");
            Tensor map = inv.inputs().get("routing_map");
            if (inp != null && map != null && map.rank() == 2) {
                long e = map.dim(1);
                long a = inv.optionalAttr("align_size").orElse(1L);
                long rows = inv.optionalAttr("num_out_tokens").orElse(0L) + e * Math.max(0, a - 1);
                budget += 2 * Math.max(0, rows) * inp.rowBytes();
            }
        }
        return budget;
    }
}
