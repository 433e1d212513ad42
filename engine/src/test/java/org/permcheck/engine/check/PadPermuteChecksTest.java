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
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.engine.fuzz.EdgeCases;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.vectors.HandWrittenVectors;
import org.permcheck.oracle.Oracle;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.Tensor;

/**
 * The checks of torchao's padded permute and torchtitan's unpermute (docs/spec.md W1-W6) against hand-made wrong
 * answers on the committed vectors (PadPermuteTest computes their expectations by hand): each wrong answer cites
 * the rule of the region it broke, the CPU backend's own answer none.
 */
class PadPermuteChecksTest {

    private static List<String> judge(Invocation inv, BiConsumer<Invocation, Map<String, Tensor>> mutation) {
        Expected e = Oracle.expected(inv);
        Map<String, Tensor> out = new LinkedHashMap<>(new CpuBackend().run(inv).tensors());
        out.replaceAll((k, v) -> v.copy());
        mutation.accept(inv, out);
        List<Violation> v = Checks.run(new CheckContext(inv, e, new Outputs(out), null, null));
        return v.stream().map(Violation::rule).distinct().sorted().collect(Collectors.toList());
    }

    private static List<String> judge(String vector, BiConsumer<Invocation, Map<String, Tensor>> mutation) {
        return judge(HandWrittenVectors.all().stream().filter(x -> x.id().equals("padded-permute/" + vector)).findFirst().orElseThrow().invocation(), mutation);
    }

    private static void put(Tensor t, long... values) {
        for (int i = 0; i < values.length; i++) t.setLong(i, values[i]);
    }

    @Test
    void theCpuBackendPassesEveryPaddedPermuteVectorAndEdgeCase() {
        for (String id : List.of("worked-example", "empty-expert", "one-rank-align-1", "unpermute-worked-example")) {
            assertEquals(List.of(), judge(id, (inv, out) -> {}), id);
        }
        EdgeCases.quick().forEach((name, spec) -> {
            if (spec.op() != Op.TORCHAO_PERMUTE_AND_PAD && spec.op() != Op.TORCHAO_UNPERMUTE) return;
            assertEquals(List.of(), judge(CaseGenerator.generate(name, spec, null, "property").invocation(), (inv, out) -> {}), name);
        });
    }

    @Test
    void anUnclampedEmptyExpertBreaksW2W3AndShiftsTheGroups() {
        // pre-#1166: expert 1 (empty) gets 0 rows: sizes [2,0,4], offsets [2,2,6]; expert 2's rows move to 2..4
        assertEquals(List.of("W1", "W2", "W3", "W4"), judge("empty-expert", (inv, out) -> {
            put(out.get(Ports.NUM_TOKENS_PER_EXPERT_PADDED), 2, 0, 4);
            put(out.get(Ports.GROUP_OFFSETS), 2, 2, 6);
            put(out.get(Ports.PERMUTED_INDICES), 0, -1, 1, 2, 3, -1, -1, -1, -1, -1);
            Tensor o = out.get(Ports.OUTPUT), x = inv.input(Ports.INP);
            for (int p = 0; p < 10; p++) for (int c = 0; c < o.rowElems(); c++) o.setF32(p, c, 0f);
            o.copyRowFrom(x, 0, 0);
            for (int p = 2; p < 5; p++) o.copyRowFrom(x, p - 1, p);
        }));
    }

    @Test
    void exclusiveOffsetsBreakW3Only() {
        assertEquals(List.of("W3"), judge("worked-example", (inv, out) -> put(out.get(Ports.GROUP_OFFSETS), 0, 4)));
    }

    @Test
    void rankMajorOrderBreaksW1() {
        // counts [2,0 | 1,3]: rank-major within nothing changed but expert 1's rows read 3,4,5 -> 5,4,3 would be W1; here
        // the chunks are kept rank-major: group 0 = rows of (r0,e0), then (r0,e1)... = 0,1,2 then 3,4,5 split as the input
        assertEquals(List.of("W1"), judge("worked-example", (inv, out) -> {
            put(out.get(Ports.PERMUTED_INDICES), 0, 1, 3, -1, 2, 4, 5, -1);
            Tensor o = out.get(Ports.OUTPUT), x = inv.input(Ports.INP);
            long[] src = {0, 1, 3, -1, 2, 4, 5};
            for (int p = 0; p < src.length; p++) if (src[p] >= 0) o.copyRowFrom(x, src[p], p);
        }));
    }

    @Test
    void garbageInTheTailBreaksW5AndAPadRowW4() {
        assertEquals(List.of("W5"), judge("worked-example", (inv, out) -> {
            out.get(Ports.PERMUTED_INDICES).setLong(12, 0);
            out.get(Ports.OUTPUT).setF32(12, 0, 7f);
        }));
        assertEquals(List.of("W4"), judge("worked-example", (inv, out) -> out.get(Ports.OUTPUT).setF32(3, 1, 7f)));
    }

    @Test
    void aWrongUnpermutedRowBreaksW6() {
        assertEquals(List.of("W6"), judge("unpermute-worked-example", (inv, out) -> out.get(Ports.OUTPUT).copyRowFrom(inv.input(Ports.INP), 3, 3)));
    }
}
