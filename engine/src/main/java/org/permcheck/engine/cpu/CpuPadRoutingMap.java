package org.permcheck.engine.cpu;

import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core's pad_routing_map (docs/spec.md Q7-Q9) shaped like its unfused code: the map read transposed, a
 * column per expert, {@code num_to_pad = (-count) mod m}, a running count of the column's zeros, and every cell whose
 * running count is at most num_to_pad set to 1 (a routed cell is 1 already; with too few zeros every one is set, Q9).
 */
final class CpuPadRoutingMap {
    private CpuPadRoutingMap() {}

    static Outputs run(Invocation inv) {
        Tensor map = inv.input(Ports.ROUTING_MAP);
        long m = inv.attr(Attrs.PAD_MULTIPLE);
        int tokens = (int) map.dim(0), experts = (int) map.dim(1);
        Tensor out = Tensor.zeros(DType.BOOL, tokens, experts);
        for (int e = 0; e < experts; e++) {
            long ones = 0;
            for (int t = 0; t < tokens; t++) ones += map.getLong(t, e);
            long numToPad = Math.floorMod(-ones, m);
            long zeroRank = 0; // torch.cumsum(is_zero) along the column
            for (int t = 0; t < tokens; t++) {
                boolean zero = map.getLong(t, e) == 0;
                if (zero) zeroRank++;
                out.setLong(t, e, !zero || zeroRank <= numToPad ? 1 : 0);
            }
        }
        return new Outputs(Map.of(Ports.PADDED_ROUTING_MAP, out));
    }
}
