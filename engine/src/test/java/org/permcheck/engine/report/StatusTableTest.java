package org.permcheck.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.permcheck.engine.model.Status;

class StatusTableTest {
    @Test
    void rulesSortNumericallyWithinTheirGroup() {
        StatusTable t = new StatusTable(SampleRuns.mixed());
        // rules in SampleRuns.mixed: D1 D2 D10 C1 C5 N1 -> groups alphabetically, numbers numerically
        assertEquals(List.of("C1", "C5", "D1", "D2", "D10", "N1"), new ArrayList<>(t.perRule().keySet()));
    }

    @Test
    void aFailCountsOnlyAgainstTheRulesItViolates() {
        StatusTable t = new StatusTable(SampleRuns.mixed());
        // case 1 (D2 D10) passed; case 4 (rule D2) violated D2; so D10: 1 PASS, D2: 2 PASS + 1 FAIL (+ the NOT_SUPPORTED vec/fp8)
        assertEquals(1, t.count("D10", Status.PASS));
        assertEquals(2, t.count("D2", Status.PASS));
        assertEquals(1, t.count("D2", Status.FAIL));
        // a FAIL case exercising C9 and D7 that only violates D7: C9 held
        var r = new org.permcheck.engine.model.CaseResult("x", "token_dispatch", List.of("C9", "D7"), List.of(), Status.FAIL,
                List.of(org.permcheck.engine.model.Violation.of("D7", "broken")), null, 1, 1, null, null, null);
        var run = new org.permcheck.engine.model.RunResult(SampleRuns.info(), List.of(r), java.util.Map.of(), false, List.of());
        StatusTable one = new StatusTable(run);
        assertEquals(1, one.count("C9", Status.PASS));
        assertEquals(0, one.count("C9", Status.FAIL));
        assertEquals(1, one.count("D7", Status.FAIL));
    }

    @Test
    void failuresAreEverythingButPassAndNotSupported() {
        StatusTable t = new StatusTable(SampleRuns.mixed());
        assertEquals(3, t.failures().size()); // 2 FAIL + 1 TIMEOUT
        assertEquals(List.of(Status.PASS, Status.FAIL, Status.NOT_SUPPORTED, Status.TIMEOUT), t.shownStatuses());
        assertEquals(1L, t.notSupportedPerFeature().get("probs"));
    }
}
