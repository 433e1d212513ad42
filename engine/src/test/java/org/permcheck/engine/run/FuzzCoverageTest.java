package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.fuzz.CaseGenerator;
import org.permcheck.engine.fuzz.CaseIds;
import org.permcheck.engine.fuzz.SpecSampler;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.fuzz.ClassCounts;
import org.permcheck.engine.fuzz.SizeMix;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.RunVerdict;
import org.permcheck.engine.report.MarkdownSummary;

/**
 * A short fuzz campaign over every size class (bounded so it stays short) reaches every class and
 * every routing-map dtype, says so in its summary, and its case ids rebuild their cases.
 */
class FuzzCoverageTest {

    static final SizeMix MIX = SizeMix.all().withBounds(1100, 70, 2, 4);

    @Test
    void everyClassAndRoutingDtypeIsReachedAndCounted() {
        List<String> log = new ArrayList<>();
        RunOptions o = RunOptions.defaults().withTier("fuzz").withDeterminism(false).withRoundTrip(false).withLog(log::add);
        RunResult r = new Fuzzer(CpuBackend::new, o).run(FuzzOptions.of(20261203L, 240).withSizes(MIX));
        assertEquals(RunVerdict.CONFORMANT, r.verdict(), "the CPU backend handles every class and routing dtype");
        ClassCounts counts = ClassCounts.of(r);
        counts.sizes().forEach((label, c) -> assertTrue(c.ran() > 0 && c.failed() == 0, label + " " + c));
        counts.routing().forEach((label, c) -> assertTrue(c.ran() > 0 && c.failed() == 0, label + " " + c));
        assertEquals(240, counts.sizes().values().stream().mapToLong(ClassCounts.Counts::ran).sum(), "one class per case");
        String md = MarkdownSummary.render(r);
        assertTrue(md.contains("## Size classes and routing dtypes"), md);
        assertTrue(md.contains("| size-large | " + counts.sizes().get("size-large").ran() + " | 0 |"), md);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("fuzz coverage: sizes small ")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("(replay: --seed 20261203 --sizes small,medium,boundary,large --max-tokens 1100")), log.toString());
    }

    /** The mix is in the id: the id alone rebuilds the case the campaign drew (same inputs, same class label). */
    @Test
    void caseIdsOfAMixRebuildTheirCases() {
        for (long i = 0; i < 30; i++) {
            String id = CaseIds.sampled(Fuzzer.prefix(MIX), 4, i);
            assertTrue(id.startsWith("fuzz:small+medium+boundary+large,max-tokens=1100,max-experts=70,max-hidden=2,max-topk=4/seed=4/"), id);
            Case rebuilt = Tier.caseById(id).orElseThrow();
            SpecSampler.Drawn drawn = Fuzzer.drawAt(4, i, MIX);
            Case drawnCase = CaseGenerator.generate("x", drawn, 4L, "fuzz");
            assertEquals(drawnCase.invocation().attrs(), rebuilt.invocation().attrs(), id);
            assertEquals(drawnCase.invocation().inputs().keySet(), rebuilt.invocation().inputs().keySet(), id);
            drawnCase.invocation().inputs().forEach((k, t) -> assertTrue(t.bitEquals(rebuilt.invocation().input(k)), k + " of " + id));
            assertTrue(rebuilt.features().contains(drawn.size().label()), rebuilt.features().toString());
        }
        assertEquals("fuzz", Fuzzer.prefix(FuzzOptions.of(4, 0).sizes()), "the legacy draw keeps the original ids");
        assertTrue(Tier.caseById("fuzz:small+huge/seed=4/1").isEmpty(), "a bad mix names no case");
    }
}
