package org.permcheck.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every id form written by CaseIds reads back to its parts; anything else is no generated id. */
class CaseIdsTest {
    @Test
    void eachFormRoundTrips() {
        CaseIds.Parsed e = CaseIds.parse(CaseIds.edge("quick", "dispatch-plain")).orElseThrow();
        assertEquals("quick", e.tier());
        assertEquals("dispatch-plain", e.edge());
        CaseIds.Parsed s = CaseIds.parse(CaseIds.sampled("fuzz", -42, 17)).orElseThrow();
        assertEquals("fuzz", s.prefix());
        assertEquals(-42, s.seed());
        assertEquals(17, s.index());
        assertEquals("fuzz/seed=-42/17", CaseIds.sampled("fuzz", -42, 17)); // the format reports and expectations match on
        CaseSpec spec = SpecSampler.sample(SplitMix64.nth(7, 3), SizeClass.SMALL);
        assertEquals(spec.toString(), CaseIds.parse(CaseIds.spec(spec)).orElseThrow().spec().toString());
    }

    @Test
    void otherIdsAreNotGenerated() {
        for (String id : new String[] {"vec/dispatch/worked-example", "quick/seed=x/1", "quick/seed=1/2/3", "spec:not a spec", "a/edge"}) {
            assertTrue(CaseIds.parse(id).isEmpty(), id);
        }
    }
}
