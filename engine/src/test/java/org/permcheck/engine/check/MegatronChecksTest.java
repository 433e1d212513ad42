package org.permcheck.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.vectors.HandWrittenVectors;
import org.permcheck.oracle.Oracle;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.Tensor;

/**
 * The checks of Megatron's permute / unpermute (docs/spec.md Q1-Q6) against hand-made wrong answers on the
 * committed vectors (MegatronPermuteTest computes their expectations by hand): each wrong answer cites the
 * rule that says what it broke, the CPU backend's own answer none.
 */
class MegatronChecksTest {

    private static List<String> judge(String vector, BiConsumer<Invocation, Map<String, Tensor>> mutation) {
        Invocation inv = HandWrittenVectors.all().stream().filter(x -> x.id().equals("megatron/" + vector)).findFirst().orElseThrow().invocation();
        Expected e = Oracle.expected(inv);
        Map<String, Tensor> out = new LinkedHashMap<>(new CpuBackend().run(inv).tensors());
        out.replaceAll((k, v) -> v.copy());
        mutation.accept(inv, out);
        List<Violation> v = Checks.run(new CheckContext(inv, e, new Outputs(out), null, null));
        return v.stream().map(Violation::rule).distinct().collect(Collectors.toList());
    }

    @Test
    void theCpuBackendPassesEveryMegatronVector() {
        for (String id : List.of("permute-dropless", "permute-extra-rows", "permute-drop-and-pad-position", "permute-drop-and-pad-probs",
                "unpermute-dropless", "unpermute-drop-and-pad", "unpermute-no-probs")) {
            assertEquals(List.of(), judge(id, (inv, out) -> {}), id);
        }
    }

    @Test
    void rowsPastTheRoutedPairsAreNotCompared() {
        // Q1: rows 7, 8 of a 9-row dropless buffer are unspecified
        assertEquals(List.of(), judge("permute-extra-rows", (inv, out) -> out.get(Ports.SORTED_INDICES).setLong(8, 3)));
    }

    @Test
    void aWrongTokenOfADroplessRowBreaksQ1AndAZeroedRowQ2() {
        assertEquals(List.of("Q1"), judge("permute-dropless", (inv, out) -> out.get(Ports.SORTED_INDICES).setLong(0, 2)));
        assertEquals(List.of("Q2"), judge("permute-dropless", (inv, out) -> {
            Tensor o = out.get(Ports.OUTPUT);
            for (long c = 0; c < o.dim(1); c++) o.setBits(0, c, 0);
        }));
    }

    @Test
    void capacityLayoutAndDropPolicyAreToldApart() {
        // position vector rows [t0 t2 | t1 t0 | t0 t1]: e1's padding row moved in front of its routed token (Q3)
        assertEquals(List.of("Q3"), judge("permute-drop-and-pad-position", (inv, out) -> {
            out.get(Ports.SORTED_INDICES).setLong(2, 0);
            out.get(Ports.SORTED_INDICES).setLong(3, 1);
        }));
        // probs vector rows [t0 t2 | t1 t0 | t1 t3]: e2 keeping t0 (.5) instead of t3 (.875) is the position policy (Q4)
        assertEquals(List.of("Q4"), judge("permute-drop-and-pad-probs", (inv, out) -> out.get(Ports.SORTED_INDICES).setLong(5, 0)));
    }

    @Test
    void aDroppedTokenMustBeExactlyPositiveZero() {
        // t3 is dropped from every expert: -0.0 is within any tolerance of 0, and wrong (Q6)
        assertEquals(List.of("Q6"), judge("unpermute-drop-and-pad", (inv, out) -> out.get(Ports.OUTPUT).setBits(3, 0, 0x80000000L)));
        assertEquals(List.of("Q5"), judge("unpermute-dropless", (inv, out) -> out.get(Ports.OUTPUT).setF32(0, 0, 1.5f)));
    }
}
