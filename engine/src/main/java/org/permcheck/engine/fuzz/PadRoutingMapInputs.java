package org.permcheck.engine.fuzz;

import java.util.Map;
import java.util.Set;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.Tensor;

/**
 * Inputs of Megatron-Core's {@code megatron_pad_routing_map} (docs/spec.md Q7-Q9) from a {@link CaseSpec}, whose fields
 * mean here: {@code routing} and {@code topK} the routing map (the case's distribution, as every op's), {@code
 * routingDtype} its dtype (bool, Megatron's dispatchers; int32 or int64), {@code align} the pad_multiple m (at least 1,
 * X39). {@code hidden}, {@code dtype} and {@code values} are unused (no payload).
 */
final class PadRoutingMapInputs {
    private PadRoutingMapInputs() {}

    /** Why the spec cannot make a valid pad_routing_map case, or null. */
    static String problem(CaseSpec s) {
        if (s.experts() < 1 || s.tokens() < 0 || s.topK() < 0) return "pad_routing_map cases need E >= 1, T >= 0, k >= 0";
        if (s.align() < 1) return "pad_multiple (align) must be >= 1 (X39)";
        return null;
    }

    static void put(CaseSpec s, SplitMix64 rng, Map<String, Tensor> in, Map<String, Long> attrs, Set<String> f) {
        Tensor routing = CaseGenerator.asDtype(s.routing().generate(rng, s.tokens(), s.experts(), s.topK()), s.routingDtype());
        in.put(Ports.ROUTING_MAP, routing);
        long m = s.align();
        attrs.put(Attrs.PAD_MULTIPLE, m);
        f.add("pad-routing-map");
        if (m == 1) f.add("pad-multiple-one");
        for (long e = 0; e < s.experts(); e++) {
            long count = 0;
            for (long t = 0; t < s.tokens(); t++) count += routing.getLong(t, e);
            long aligned = (count + m - 1) / m * m;
            if (count == 0) f.add("pad-empty-expert");
            else if (count % m == 0 && m > 1) f.add("pad-already-aligned");
            if (aligned > s.tokens()) f.add("pad-too-few-tokens");
        }
    }
}
