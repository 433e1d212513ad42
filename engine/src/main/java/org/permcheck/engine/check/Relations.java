package org.permcheck.engine.check;

/**
 * The names of the oracle-free relations (R3, R4; docs/checks.md, "Relations") and the detail a case
 * judged by them alone carries. A relation is a short chain of follow-up calls the runner makes with
 * integer payloads or moved inputs ({@code engine.run.RelationCalls}); the checks relate the
 * answers to each other and to the case's own answer, never to the oracle's.
 */
public final class Relations {
    private Relations() {}

    /** R3: forward then backward, ⟨J t, c⟩ = ⟨t, Jᵀ c⟩. */
    public static final String ADJOINT = "adjoint";
    /** R4 (a): the routing map's expert columns permuted. */
    public static final String RELABEL = "relabel-experts";
    /** R4 (b): the tokens (rows of inp, routing_map, probs) permuted. */
    public static final String SHUFFLE = "shuffle-tokens";
    /** R4 (c): the batch dispatched as two halves. */
    public static final String SPLIT = "split-batch";

    /** The first words of such a case's detail (the report says how it was judged, never a silent PASS). */
    public static final String ORACLE_NOT_RUN = "judged by R3/R4 only, oracle not run";
}
