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
 * The checks of TE's index-map permute (docs/spec.md T1-T4) against hand-made wrong answers on the committed
 * vectors (TeIndexPermuteTest computes their expectations by hand): each wrong answer cites the rule that says
 * what it broke, the CPU backend's own answer none.
 */
class TeIndexChecksTest {

    private static List<String> judge(String vector, BiConsumer<Invocation, Map<String, Tensor>> mutation) {
        Invocation inv = HandWrittenVectors.all().stream().filter(x -> x.id().equals("te-index/" + vector)).findFirst().orElseThrow().invocation();
        Expected e = Oracle.expected(inv);
        Map<String, Tensor> out = new LinkedHashMap<>(new CpuBackend().run(inv).tensors());
        out.replaceAll((k, v) -> v.copy());
        mutation.accept(inv, out);
        List<Violation> v = Checks.run(new CheckContext(inv, e, new Outputs(out), null, null));
        return v.stream().map(Violation::rule).distinct().sorted().collect(Collectors.toList());
    }

    private static void put(Tensor t, long... values) {
        for (int i = 0; i < values.length; i++) t.setLong(i, values[i]);
    }

    @Test
    void theCpuBackendPassesEveryIndexMapVector() {
        for (String id : List.of("worked-example", "capacity-drop", "drop-real-ids", "k1-large-ids", "rows-past-slots",
                "unpermute-probs", "unpermute-dtype-accumulation")) {
            assertEquals(List.of(), judge(id, (inv, out) -> {}), id);
        }
    }

    @Test
    void rowsPastTheSlotsAreNotCompared() {
        // T3: rows 8, 9 of num_out_tokens 10 > T*K = 8 are unspecified
        assertEquals(List.of(), judge("rows-past-slots", (inv, out) -> out.get(Ports.OUTPUT).setF32(9, 0, 123f)));
    }

    @Test
    void minusOneSortedFirstBreaksT1AndT3() {
        // pre-#2907 signed keys: -1 slots (j = 1, 6) at positions 0, 1, then id 0 (j = 2, 7), id 2 (j = 0, 3, 4, 5)
        assertEquals(List.of("T1", "T3"), judge("worked-example", (inv, out) -> {
            put(out.get(Ports.ROW_ID_MAP), 4, 2, 6, 1, 0, 5, 7, 3);
            Tensor o = out.get(Ports.OUTPUT), x = inv.input(Ports.INP);
            long[] token = {0, 3, 1, 3, 0, 1, 2, 2};
            for (int p = 0; p < 8; p++) o.copyRowFrom(x, token[p], p);
        }));
    }

    @Test
    void aTokenMajorMapBreaksT2() {
        // the right positions laid out t*K+k: [2,6, 0,3, 4,5, 7,1]
        assertEquals(List.of("T2"), judge("worked-example", (inv, out) -> put(out.get(Ports.ROW_ID_MAP), 2, 6, 0, 3, 4, 5, 7, 1)));
    }

    @Test
    void droppingOtherSlotsBreaksT4() {
        // dropping from the front: keep positions 2..7 renumbered 0..5, drop j = 2, 7 (id 0)
        assertEquals(List.of("T3", "T4"), judge("capacity-drop", (inv, out) -> {
            put(out.get(Ports.ROW_ID_MAP), 0, -1, 2, 5, 4, 1, 3, -1);
            Tensor o = out.get(Ports.OUTPUT), x = inv.input(Ports.INP);
            long[] token = {0, 1, 2, 2, 0, 3};
            for (int p = 0; p < 6; p++) o.copyRowFrom(x, token[p], p);
        }));
        // a wrong row alone is T3
        assertEquals(List.of("T3"), judge("capacity-drop", (inv, out) -> out.get(Ports.OUTPUT).copyRowFrom(inv.input(Ports.INP), 0, 0)));
    }

    @Test
    void unpermuteIsJudgedInTheDtypeBand() {
        // T5: 256 (TE's bf16 sum) and 258 (the float64 sum) are both inside the band; 300 is not
        assertEquals(List.of(), judge("unpermute-dtype-accumulation", (inv, out) -> out.get(Ports.OUTPUT).setF32(0, 0, 258f)));
        assertEquals(List.of("T5"), judge("unpermute-dtype-accumulation", (inv, out) -> out.get(Ports.OUTPUT).setF32(0, 0, 300f)));
        // a dropped slot read as the last row: token 1 becomes 3*1 (k=0 read as row 2) + 3*.75 = 5.25
        assertEquals(List.of("T5"), judge("unpermute-probs", (inv, out) -> out.get(Ports.OUTPUT).setF32(1, 0, 5.25f)));
    }
}
