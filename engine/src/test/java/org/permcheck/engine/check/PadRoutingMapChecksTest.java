package org.permcheck.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.engine.fuzz.EdgeCases;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.vectors.HandWrittenVectors;
import org.permcheck.oracle.Oracle;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The check of megatron_pad_routing_map (docs/spec.md Q7-Q9) against hand-made answers on the committed vectors
 * (PaddedRoutingMapTest computes them by hand: the worked example's expert 0 = tokens {0,2,4} plus the pad token 1,
 * expert 1 = {1,4} plus pads 0 and 2, expert 2 empty, expert 3 = {3,4,5} plus pad 0; the too-few-tokens example's
 * expert 0 has every one of its T = 5 cells set): a wrong count cites Q7 (Q9 for the expert that cannot align), the
 * right count on other cells Q8.
 */
class PadRoutingMapChecksTest {

    private static Invocation vector(String id) {
        return HandWrittenVectors.all().stream().filter(x -> x.id().equals("megatron/" + id)).findFirst().orElseThrow().invocation();
    }

    private static List<String> judge(String vector, Consumer<Tensor> answer) {
        Invocation inv = vector(vector);
        Expected e = Oracle.expected(inv);
        Map<String, Tensor> out = new LinkedHashMap<>();
        Tensor map = e.values().get(Ports.PADDED_ROUTING_MAP).copy();
        answer.accept(map);
        out.put(Ports.PADDED_ROUTING_MAP, map);
        List<Violation> v = Checks.run(new CheckContext(inv, e, new Outputs(out), null, null));
        return v.stream().map(Violation::rule).distinct().collect(Collectors.toList());
    }

    @Test
    void theCpuBackendPassesEveryVectorAndEdgeCase() {
        for (String id : List.of("pad-routing-map-worked-example", "pad-routing-map-int64-m2", "pad-routing-map-too-few-tokens")) {
            Invocation inv = vector(id);
            Outputs cpu = new CpuBackend().run(inv);
            assertEquals(List.of(), Checks.run(new CheckContext(inv, Oracle.expected(inv), cpu, cpu, null)), id);
        }
        int cases = 0;
        for (var e : EdgeCases.quick().entrySet()) {
            if (!e.getKey().startsWith("pad-routing-map")) continue;
            Invocation inv = CaseGenerator.generate(e.getKey(), e.getValue(), null, "property").invocation();
            Outputs cpu = new CpuBackend().run(inv);
            assertEquals(List.of(), Checks.run(new CheckContext(inv, Oracle.expected(inv), cpu, cpu, null)), e.getKey());
            cases++;
        }
        assertEquals(7, cases);
    }

    @Test
    void rule_Q7_aWholeBlockOnAnAlignedOrEmptyExpert() {
        // expert 2 is empty (0 is aligned): four pads on it make its count 4, not 0
        assertEquals(List.of("Q7"), judge("pad-routing-map-worked-example", m -> { for (int t = 0; t < 4; t++) m.setLong(t, 2, 1); }));
        // expert 0 left unpadded (count 3, not 4)
        assertEquals(List.of("Q7"), judge("pad-routing-map-worked-example", m -> m.setLong(1, 0, 0)));
    }

    @Test
    void rule_Q8_theRightCountOnOtherCells() {
        // expert 0's pad on token 5 (its highest non-routed token) instead of token 1: the count 4 is right
        assertEquals(List.of("Q8"), judge("pad-routing-map-worked-example", m -> { m.setLong(1, 0, 0); m.setLong(5, 0, 1); }));
        // expert 3's routed token 3 cleared and token 1 set instead: still 4, a routed cell lost
        assertEquals(List.of("Q8"), judge("pad-routing-map-worked-example", m -> { m.setLong(3, 3, 0); m.setLong(1, 3, 1); }));
    }

    @Test
    void rule_Q9_theExpertThatCannotAlignHasEveryCell() {
        // expert 0 of T = 5, m = 8 left as routed (tokens 1, 3: count 2) instead of every cell (count 5)
        assertEquals(List.of("Q9"), judge("pad-routing-map-too-few-tokens", m -> { m.setLong(0, 0, 0); m.setLong(2, 0, 0); m.setLong(4, 0, 0); }));
        // expert 1 (empty, aligned) given cells: Q7, not Q9
        assertEquals(List.of("Q7"), judge("pad-routing-map-too-few-tokens", m -> m.setLong(0, 1, 1)));
    }

    @Test
    void rule_Q7_anInt32AnswerIsTheWrongDtype() {
        // Megatron's fused version returns int32: the contract's output is bool (an adapter casts)
        Invocation inv = vector("pad-routing-map-worked-example");
        Expected e = Oracle.expected(inv);
        Tensor bool = e.values().get(Ports.PADDED_ROUTING_MAP), ints = Tensor.zeros(DType.I32, bool.shape());
        for (long i = 0; i < bool.numel(); i++) ints.setLong(i, bool.getLong(i));
        List<Violation> v = Checks.run(new CheckContext(inv, e, new Outputs(Map.of(Ports.PADDED_ROUTING_MAP, ints)), null, null));
        assertTrue(v.stream().anyMatch(x -> x.rule().equals("Q7") && x.message().contains("dtype")), v.toString());
    }
}
