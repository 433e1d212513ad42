package org.permcheck.zoo;

import java.util.Map;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core's pad_routing_map (docs/spec.md Q7-Q9) written from the spec (per expert column: num_to_pad =
 * (-count) mod m, the first num_to_pad zero cells set), with the pad_routing_map bugs of {@link Bug} planted: the
 * highest-index zeros set instead of the lowest (Q8), {@code m - count % m} without the fused kernel's
 * {@code remainder != 0} guard, so an aligned column (an empty one too) gains a whole block (Q7), and a column with
 * too few zeros to align left unpadded, as the flex dispatcher's guard does for the whole map (Q9, Megatron-LM #6086).
 */
final class PlantedPadRoutingMap {
    private PlantedPadRoutingMap() {}

    static Map<String, Tensor> run(Invocation inv, Bug bug) {
        Tensor map = inv.input(Ports.ROUTING_MAP);
        long m = inv.attr(Attrs.PAD_MULTIPLE);
        int tokens = (int) map.dim(0), experts = (int) map.dim(1);
        Tensor out = Tensor.zeros(DType.BOOL, tokens, experts);
        for (int e = 0; e < experts; e++) {
            long count = 0;
            for (int t = 0; t < tokens; t++) count += map.getLong(t, e);
            long pad = bug == Bug.PAD_MAP_WHOLE_BLOCK_WHEN_ALIGNED ? m - count % m // BUG (Q7): no remainder != 0 guard
                    : Math.floorMod(-count, m);
            if (bug == Bug.PAD_MAP_OVERFLOW_LEFT_UNPADDED && count + pad > tokens) pad = 0; // BUG (Q9): too few zeros, nothing padded
            long zeros = 0;
            for (int i = 0; i < tokens; i++) {
                int t = bug == Bug.PAD_MAP_HIGHEST_ZEROS ? tokens - 1 - i : i; // BUG (Q8): the column walked from its end
                if (map.getLong(t, e) != 0) out.setLong(t, e, 1);
                else if (zeros++ < pad) out.setLong(t, e, 1);
            }
        }
        return Map.of(Ports.PADDED_ROUTING_MAP, out);
    }
}
