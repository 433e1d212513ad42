package org.permcheck.engine.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Case-id globs as expectations and {@code run --case} read them; each expectation worked out by hand. */
class CasePatternTest {
    @Test
    void anExactIdMatchesOnlyItself() {
        assertTrue(CasePattern.matches("quick/edge/combine-plain", "quick/edge/combine-plain"));
        assertFalse(CasePattern.matches("quick/edge/combine-plain", "quick/edge/combine-plain2"));
        assertFalse(CasePattern.matches("quick/edge/combine", "quick/edge/combine-plain"));
    }

    @Test
    void aStarMatchesAnyRunIncludingSlashesAndNothing() {
        assertTrue(CasePattern.matches("quick/*", "quick/edge/combine-plain"));
        assertTrue(CasePattern.matches("*-f32", "quick/edge/dispatch-uniform-f32"));
        assertTrue(CasePattern.matches("quick/edge/*-f32", "quick/edge/dispatch-uniform-f32"));
        assertTrue(CasePattern.matches("*/edge/*", "full/edge/x"));
        assertTrue(CasePattern.matches("quick/*/17", "quick/seed=20261126/17"));
        assertTrue(CasePattern.matches("a*b*c", "abc"));
        assertTrue(CasePattern.matches("*", ""));
        assertFalse(CasePattern.matches("quick/*/17", "quick/seed=20261126/170"));
        assertFalse(CasePattern.matches("*-f32", "quick/edge/dispatch-uniform-bf16"));
        assertFalse(CasePattern.matches("ab*ba", "aba")); // prefix and suffix may not overlap
        assertFalse(CasePattern.matches("full/*", "quick/edge/x"));
    }
}
