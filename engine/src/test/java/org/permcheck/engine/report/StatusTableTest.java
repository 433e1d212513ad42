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
    void failuresAreEverythingButPassAndNotSupported() {
        StatusTable t = new StatusTable(SampleRuns.mixed());
        assertEquals(3, t.failures().size()); // 2 FAIL + 1 TIMEOUT
        assertEquals(List.of(Status.PASS, Status.FAIL, Status.NOT_SUPPORTED, Status.TIMEOUT), t.shownStatuses());
        assertEquals(1L, t.notSupportedPerFeature().get("probs"));
    }
}
