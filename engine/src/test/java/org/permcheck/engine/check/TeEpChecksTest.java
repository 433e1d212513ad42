package org.permcheck.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Determinism;
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
 * The checks of TE's world-view ep_dispatch / ep_combine (docs/spec.md Y1-Y4) against hand-made answers on the committed
 * te-ep vectors (TeEpTest computes the worked example by hand: rank 0 rows 0-2 expert 0's slab {g0,g1,g2}, row 3 its
 * pad, rows 4-5 expert 1's {g1,g3}; rank 1 row 6 expert 2's {g2}, row 7 pad, rows 8-9 expert 3's {g0,g3}, rows 10-11
 * past the total). A slab in another order passes (Y1 leaves it free), an entry moved to another slab, a changed
 * weight, a nonzero pad row or a wrong count cite the rule it breaks.
 */
class TeEpChecksTest {

    private static Invocation vector(String id) {
        return HandWrittenVectors.all().stream().filter(x -> x.id().equals("te-ep/" + id)).findFirst().orElseThrow().invocation();
    }

    private static Map<String, Tensor> cpu(Invocation inv) {
        Map<String, Tensor> out = new LinkedHashMap<>(new CpuBackend().run(inv).tensors());
        out.replaceAll((k, v) -> v.copy());
        return out;
    }

    private static List<String> judge(String id, Consumer<Map<String, Tensor>> mutation) {
        Invocation inv = vector(id);
        Map<String, Tensor> out = cpu(inv);
        mutation.accept(out);
        List<Violation> v = Checks.run(new CheckContext(inv, Oracle.expected(inv), new Outputs(out), null, null));
        return v.stream().map(Violation::rule).distinct().sorted().collect(Collectors.toList());
    }

    /** Rows a and b of recv_tokens and recv_topk_weights exchanged. */
    private static Consumer<Map<String, Tensor>> swap(long a, long b) {
        return out -> {
            Tensor t = out.get(Ports.RECV_TOKENS), w = out.get(Ports.RECV_TOPK_WEIGHTS);
            Tensor row = Tensor.zeros(t.dtype(), 1, t.dim(1));
            row.copyRowFrom(t, a, 0);
            t.copyRowFrom(t, b, a);
            t.copyRowFrom(row, 0, b);
            long wa = w.bits(a, 0);
            w.setBits(a, 0, w.bits(b, 0));
            w.setBits(b, 0, wa);
        };
    }

    @Test
    void theCpuBackendPassesEveryEpVectorInItsOwnSlabOrder() {
        for (String id : List.of("worked-example", "empty-expert", "combine-worked-example")) assertEquals(List.of(), judge(id, out -> {}), id);
        // the CPU fills slabs in arrival order, last rank first: expert 0's slab is g2, g0, g1, not the oracle's g0, g1, g2
        Invocation inv = vector("worked-example");
        assertEquals(false, cpu(inv).get(Ports.RECV_TOKENS).rowEquals(0, Oracle.expected(inv).values().get(Ports.RECV_TOKENS), 0));
    }

    @Test
    void aSlabInAnotherOrderPassesAndRowsPastTheTotalAreNotJudged() {
        assertEquals(List.of(), judge("worked-example", swap(0, 2))); // inside expert 0's slab
        assertEquals(List.of(), judge("worked-example", out -> out.get(Ports.RECV_TOKENS).setF32(10, 0, 7f))); // past rank 1's total
    }

    @Test
    void anEntryInAnotherSlabOrAnotherWeightBreaksY1() {
        assertEquals(List.of("Y1"), judge("worked-example", swap(0, 4))); // expert 0's slab and expert 1's exchange an entry
        assertEquals(List.of("Y1"), judge("worked-example", out -> out.get(Ports.RECV_TOPK_WEIGHTS).setF32(8, 0, 0.5f)));
    }

    @Test
    void aNonzeroPadRowBreaksY2AndAWrongCountY3() {
        assertEquals(List.of("Y2"), judge("worked-example", out -> out.get(Ports.RECV_TOKENS).setF32(3, 1, 1f)));
        assertEquals(List.of("Y2"), judge("worked-example", out -> out.get(Ports.RECV_TOPK_WEIGHTS).setF32(7, 0, 1f)));
        assertEquals(List.of("Y3"), judge("worked-example", out -> out.get(Ports.RECV_TOKENS_PER_EXPERT).setLong(2, 2)));
    }

    @Test
    void aWeightedCombineBreaksY4() {
        assertEquals(List.of("Y4"), judge("combine-worked-example", out -> out.get(Ports.RESULT).setF32(0, 0, out.get(Ports.RESULT).getF32(0, 0) / 2)));
    }

    @Test
    void r1UnderMultisetComparesSlabsAsMultisets() {
        Invocation inv = vector("worked-example");
        Expected e = Oracle.expected(inv);
        Map<String, Tensor> first = cpu(inv), second = cpu(inv);
        swap(0, 1).accept(second); // expert 0's slab in another order on the second call
        for (Determinism level : List.of(Determinism.MULTISET, Determinism.GROUP_ORDER)) {
            List<Violation> v = new java.util.ArrayList<>();
            new DeterminismCheck().check(new CheckContext(inv, e, new Outputs(first), new Outputs(second), null).declaring(level), v);
            assertEquals(level == Determinism.MULTISET ? 0 : 1, v.size(), level + ": " + v);
        }
        Map<String, Tensor> moved = cpu(inv);
        swap(0, 4).accept(moved); // an entry in another slab: R1 fails under multiset too
        List<Violation> v = new java.util.ArrayList<>();
        new DeterminismCheck().check(new CheckContext(inv, e, new Outputs(first), new Outputs(moved), null).declaring(Determinism.MULTISET), v);
        assertEquals(List.of("R1"), v.stream().map(Violation::rule).toList());
        assertEquals(Determinism.MULTISET, Determinism.defaultFor(org.permcheck.contract.Op.TE_EP_DISPATCH));
    }
}
