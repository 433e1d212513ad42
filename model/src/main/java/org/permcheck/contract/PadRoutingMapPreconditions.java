package org.permcheck.contract;


import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

import static org.permcheck.contract.Preconditions.violation;

/**
 * X39, the precondition of Megatron-Core's {@code pad_routing_map} (docs/spec.md Q7-Q9). The oracle and every backend
 * that refuses inputs outside the contract call the same check ({@link CallPreconditions}).
 */
public final class PadRoutingMapPreconditions {
    private PadRoutingMapPreconditions() {}

    /**
     * X39 of a {@code megatron_pad_routing_map} call; returns {@code pad_multiple}. Only what Megatron's code imposes:
     * {@code (-count) % pad_multiple} needs {@code pad_multiple >= 1} (0 divides by zero; a negative one pads nothing),
     * the transpose needs a 2-D map, and the map is bool, int32 or int64 with entries 0 or 1 (its sum is the count).
     * Any T >= 0 and E >= 0 are accepted (T = 0 returns the empty map).
     */
    public static long check(Invocation inv) {
        long m = Preconditions.requireCount(inv, Attrs.PAD_MULTIPLE, Rule.X39, "megatron_pad_routing_map needs");
        Tensor map = inv.input(Ports.ROUTING_MAP);
        DType d = map.dtype();
        if (d != DType.BOOL && d != DType.I32 && d != DType.I64) throw violation(Rule.X39, "routing_map must be bool, int32 or int64, got " + d);
        if (map.rank() != 2) throw violation(Rule.X39, "routing_map must be [T,E], got " + map.shapeString());
        for (long t = 0; t < map.dim(0); t++) {
            for (long e = 0; e < map.dim(1); e++) {
                long v = map.getLong(t, e);
                if (v != 0 && v != 1) throw violation(Rule.X39, "routing_map[" + t + "," + e + "] = " + v + ", expected 0 or 1");
            }
        }
        return m;
    }
}
