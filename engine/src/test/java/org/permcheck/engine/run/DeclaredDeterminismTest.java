package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Determinism;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.vectors.HandWrittenVectors;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.Tensor;

/**
 * R1 against the level a backend declares (docs/spec.md R1): the CPU backend's answer, changed on the second
 * call only, through the runner (which reads the level from the backend's capabilities). The first call is the
 * CPU's own, so every other check passes and only R1 can fail. Worked example of moe_align_block_size
 * (BlockAlignChecksTest): groups e0 rows 0-3, e1 rows 4-7 (slots {0, 2, 5, 7}), e2 rows 8-11, e3 rows 12-15.
 */
class DeclaredDeterminismTest {

    /** The CPU backend declaring {@code level} for every op, whose second answer {@code again} changes in place. */
    private static final class SecondCallBackend implements Backend {
        private final CpuBackend cpu = new CpuBackend();
        private final Determinism level;
        private final Consumer<Map<String, Tensor>> again;
        private long calls;

        SecondCallBackend(Determinism level, Consumer<Map<String, Tensor>> again) {
            this.level = level;
            this.again = again;
        }

        @Override
        public BackendInfo info() {
            BackendInfo i = cpu.info();
            return new BackendInfo("cpu-second-call", i.version(), i.device(), i.capabilities().declaring(level, i.capabilities().ops()),
                    i.unavailable(), i.details());
        }

        @Override
        public Outputs run(Invocation inv) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            cpu.run(inv).tensors().forEach((k, v) -> out.put(k, v.copy()));
            if (calls++ == 1) again.accept(out); // the determinism call; the round trip's combine (call 2) is left alone
            return new Outputs(out);
        }
    }

    private static CaseResult judge(String vector, Determinism level, Consumer<Map<String, Tensor>> again) {
        Invocation inv = HandWrittenVectors.all().stream().filter(x -> x.id().equals(vector)).findFirst().orElseThrow().invocation();
        try (Runner r = new Runner(() -> new SecondCallBackend(level, again), RunOptions.defaults())) {
            return r.judge(new Case(vector, inv, List.of("R1"), Set.of(), null, "vector")).result();
        }
    }

    private static void assertR1Fails(CaseResult r, String fragment) {
        assertEquals(Status.FAIL, r.status(), String.valueOf(r.violations()));
        assertEquals(List.of("R1"), r.violations().stream().map(Violation::rule).distinct().toList());
        String text = r.violations().get(0).render();
        assertTrue(text.contains(fragment), text + " should contain " + fragment);
    }

    /** Combine's first output element one ulp off on the second call: its last bit flipped. */
    private static void lastBitOfTheSum(Map<String, Tensor> out) {
        Tensor sum = out.get(Ports.OUTPUT);
        sum.setBits(0, 0, sum.bits(0, 0) ^ 1);
    }

    @Test
    void bitExactPromisesTheSumsToo() {
        CaseResult r = judge("combine/worked-example", Determinism.BIT_EXACT, DeclaredDeterminismTest::lastBitOfTheSum);
        assertR1Fails(r, "declared bit_exact: two runs of the same call differ");
        var first = r.violations().get(0).first();
        assertEquals(Ports.OUTPUT, first.output());
        assertEquals(0, first.row());
        assertEquals(0, r.violations().get(0).more(), "one element flipped, one mismatch");
        assertTrue(first.expected().startsWith("first run ") && first.actual().startsWith("second run "), r.violations().get(0).render());
    }

    @Test
    void groupOrderLeavesTheSumsToC5() {
        CaseResult r = judge("combine/worked-example", Determinism.GROUP_ORDER, DeclaredDeterminismTest::lastBitOfTheSum);
        assertEquals(Status.PASS, r.status(), String.valueOf(r.violations()));
    }

    /** Expert 1's group (rows 4-7) in reverse order on the second call: the same slots, another order. */
    private static void reverseExpertOne(Map<String, Tensor> out) {
        Tensor s = out.get(Ports.SORTED_TOKEN_IDS);
        long[] g = {s.getLong(4), s.getLong(5), s.getLong(6), s.getLong(7)};
        for (int i = 0; i < 4; i++) s.setLong(4 + i, g[3 - i]);
    }

    @Test
    void multisetLetsAGroupComeBackInAnotherOrder() {
        CaseResult r = judge("align/worked-example", Determinism.MULTISET, DeclaredDeterminismTest::reverseExpertOne);
        assertEquals(Status.PASS, r.status(), String.valueOf(r.violations()));
    }

    @Test
    void bitExactAndGroupOrderComparePositionsOfTheSameGroup() {
        assertR1Fails(judge("align/worked-example", Determinism.BIT_EXACT, DeclaredDeterminismTest::reverseExpertOne),
                "declared bit_exact: two runs of the same call differ");
        CaseResult r = judge("align/worked-example", Determinism.GROUP_ORDER, DeclaredDeterminismTest::reverseExpertOne);
        assertR1Fails(r, "declared group_order: two runs of the same call differ");
        assertTrue(r.violations().get(0).render().contains("sorted_token_ids"), r.violations().get(0).render());
    }

    /** Row 0 (a slot of expert 0) and row 4 (a slot of expert 1) swapped on the second call: each group holds another slot. */
    @Test
    void multisetStillFailsWhenAGroupsContentsDiffer() {
        CaseResult r = judge("align/worked-example", Determinism.MULTISET, out -> {
            Tensor s = out.get(Ports.SORTED_TOKEN_IDS);
            long a = s.getLong(0), b = s.getLong(4);
            s.setLong(0, b);
            s.setLong(4, a);
        });
        assertR1Fails(r, "declared multiset: two runs of the same call differ");
        assertEquals(1, r.violations().size());
        assertEquals(1, r.violations().get(0).more(), "expert 0's and expert 1's groups both changed: the first cited, one more");
        assertTrue(r.violations().get(0).render().contains("expert 0's group (rows 0..4)"), r.violations().get(0).render());
    }

    /** Rows 0 and 1 of dispatch's output swapped on the second call, row_id_map left as it was: it no longer points at them. */
    private static void swapFirstTwoRows(Map<String, Tensor> out) {
        Tensor o = out.get(Ports.OUTPUT);
        Tensor copy = o.copy();
        for (long c = 0; c < o.rowElems(); c++) {
            o.setBits(0, c, copy.bits(1, c));
            o.setBits(1, c, copy.bits(0, c));
        }
    }

    @Test
    void aDispatchWhoseRowIdMapNoLongerPointsAtItsRowsFailsUnderEveryLevel() {
        for (Determinism level : Determinism.values()) {
            CaseResult r = judge("dispatch/worked-example", level, DeclaredDeterminismTest::swapFirstTwoRows);
            assertR1Fails(r, "declared " + level.wireName() + ":");
        }
        String multiset = judge("dispatch/worked-example", Determinism.MULTISET, DeclaredDeterminismTest::swapFirstTwoRows).violations().get(0).render();
        assertTrue(multiset.contains("holds other values") || multiset.contains("is none of them"), multiset);
    }

    /**
     * Every expert's rows of dispatch's output (and permuted_probs) reversed on the second call, with row_id_map
     * rewritten to point at each slot's new row: the same dispatch in another order inside every group.
     */
    private static Consumer<Map<String, Tensor>> reverseEveryGroup(Invocation inv) {
        org.permcheck.oracle.layout.GroupLayout layout = org.permcheck.oracle.Oracle.layout(inv).orElseThrow();
        return out -> {
            int experts = layout.table().numExperts();
            for (String name : List.of(Ports.OUTPUT, Ports.PERMUTED_PROBS)) {
                Tensor o = out.get(name);
                if (o == null) continue;
                Tensor copy = o.copy();
                for (int e = 0; e < experts; e++) {
                    long g = layout.groupStart(e), n = layout.count(e);
                    for (long i = 0; i < n; i++) {
                        for (long c = 0; c < o.rowElems(); c++) o.setBits(g + i, c, copy.bits(g + n - 1 - i, c));
                    }
                }
            }
            Tensor map = out.get(Ports.ROW_ID_MAP);
            for (int t = 0; t < map.dim(0); t++) {
                for (int i = 0; i < map.getLong(t, 2L * experts); i++) {
                    int e = (int) map.getLong(t, experts + i);
                    long g = layout.groupStart(e), n = layout.count(e), row = map.getLong(t, i) + layout.padOffset(e);
                    map.setLong(t, i, g + (g + n - 1 - row) - layout.padOffset(e));
                }
            }
        };
    }

    @Test
    void multisetLetsADispatchHandOutEachGroupInAnotherOrder() {
        for (String vector : List.of("dispatch/worked-example", "dispatch/worked-example-padded")) {
            Invocation inv = HandWrittenVectors.all().stream().filter(x -> x.id().equals(vector)).findFirst().orElseThrow().invocation();
            CaseResult r = judge(vector, Determinism.MULTISET, reverseEveryGroup(inv));
            assertEquals(Status.PASS, r.status(), vector + ": " + r.violations());
            assertR1Fails(judge(vector, Determinism.GROUP_ORDER, reverseEveryGroup(inv)), "declared group_order:");
            assertR1Fails(judge(vector, Determinism.BIT_EXACT, reverseEveryGroup(inv)), "declared bit_exact:");
        }
    }

    /** The reports show what was promised: the run info's backend entry and one line of summary.md. */
    @Test
    void theReportsSayWhichLevelWasDeclared() {
        Invocation inv = HandWrittenVectors.all().stream().filter(x -> x.id().equals("align/worked-example")).findFirst().orElseThrow().invocation();
        org.permcheck.engine.model.RunResult run;
        try (Runner r = new Runner(CpuBackend::new, RunOptions.defaults())) {
            run = r.run(List.of(new Case("align/worked-example", inv, List.of("K2"), Set.of(), null, "vector")));
        }
        assertEquals("bit_exact for every op", run.info().backend().get(org.permcheck.engine.model.RunInfo.DETERMINISM));
        assertTrue(org.permcheck.engine.report.MarkdownSummary.render(run).contains("\n- determinism declared (R1): bit_exact for every op\n"));
        assertEquals("bit_exact for every op",
                org.permcheck.engine.report.JsonReport.toTree(run).findValue("backend").path("determinism").asText(), "report.json's backend info");
        // a backend that declares nothing: the defaults, grouped by level, strongest first
        org.permcheck.spi.Capabilities all = org.permcheck.spi.Capabilities.everything();
        org.permcheck.spi.Capabilities two = new org.permcheck.spi.Capabilities(
                Set.of(org.permcheck.contract.Op.BLOCK_ALIGN, org.permcheck.contract.Op.DISPATCH), all.dtypes(), all.profiles(), all.features());
        assertEquals("group_order: token_dispatch; multiset: moe_align_block_size", two.determinismLine());
        assertEquals("bit_exact: token_dispatch; multiset: moe_align_block_size",
                two.declaring(Determinism.BIT_EXACT, Set.of(org.permcheck.contract.Op.DISPATCH)).determinismLine());
    }
}
