package org.permcheck.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Failures group by op, status, first rule and first mismatch's output; each group counts its
 * cases and lists the bundles kept. SampleRuns.mixed(), by hand: a D2 FAIL with a mismatch in
 * "output" (bundled), an N1 FAIL without a position (bundled), a combine TIMEOUT (no bundle).
 */
class FailureSignatureTest {
    @Test
    void groupsOfTheMixedSampleRun() {
        List<SignatureTable.Group> g = SignatureTable.of(SampleRuns.mixed());
        assertEquals(List.of("token_combine TIMEOUT", "token_dispatch FAIL [D2] output", "token_dispatch FAIL [N1] -"),
                g.stream().map(x -> x.signature().label()).toList());
        assertEquals(List.of(1L, 1L, 1L), g.stream().map(SignatureTable.Group::cases).toList());
        assertEquals(List.of(0, 1, 1), g.stream().map(x -> x.bundles().size()).toList());
        assertEquals("prop/combine/seed=42/9", g.get(0).firstCase());
    }

    @Test
    void theBudgetAdmitsAFewPerSignatureAndNoMore() {
        BundleBudget b = new BundleBudget(2);
        var fail = SampleRuns.mixed().results().get(3); // the D2 FAIL
        var timeout = SampleRuns.mixed().results().get(6);
        assertEquals(List.of(true, true, false, false), List.of(b.admit(fail), b.admit(fail), b.admit(fail), b.admit(fail)));
        assertEquals(true, b.admit(timeout), "another signature has its own budget");
        assertEquals(false, new BundleBudget(0).admit(fail));
    }
}
