package org.permcheck.engine.check;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.oracle.Oracle;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.Tensor;

/**
 * Everything a check looks at for one case: the call, the oracle's answer, the backend's answer,
 * and, when the runner made them, a second answer to the same call (determinism) and the answer
 * to a follow-up combine (round trip).
 */
public final class CheckContext {

    /**
     * A follow-up call the runner made with the backend's own outputs, and what came back
     * ({@code result} null when the call failed; {@code failure} then says how).
     */
    public record FollowUp(Invocation call, Outputs result, String failure) {}

    /**
     * One relation (R3, R4; {@link Relations}): its name, the follow-up calls the runner made in order
     * and their answers ({@code results} as long as {@code calls}; {@code failure} non-null, and the
     * answers cut short, when one of them failed); {@code permutation} the experts' (R4 a) or tokens' (R4 b)
     * new ids, index = old id, else null.
     */
    public record Related(String name, java.util.List<Invocation> calls, java.util.List<Outputs> results, String failure, int[] permutation) {
        public Related {
            calls = java.util.List.copyOf(calls);
            results = java.util.List.copyOf(results);
        }
    }

    private final Invocation invocation;
    private final Expected expected;
    private final Outputs actual;
    private final Outputs second;
    private final FollowUp roundTrip;
    private final java.util.List<Related> relations;
    /** Read from the oracle on first use (the case is valid: the oracle already answered it). */
    private GroupLayout layout;
    private RowIdMap.Routes routes;
    private Invocation maskForm;
    private final java.util.List<String> notes = new java.util.ArrayList<>();
    /** The level the backend declared for this op (R1); the op's default until the runner says otherwise. */
    private org.permcheck.contract.Determinism declared;

    public CheckContext(Invocation invocation, Expected expected, Outputs actual, Outputs second, FollowUp roundTrip) {
        this(invocation, expected, actual, second, roundTrip, java.util.List.of());
    }

    /** With the relations the runner made (empty: none); {@code expected} is null for a case whose oracle was not run. */
    public CheckContext(Invocation invocation, Expected expected, Outputs actual, Outputs second, FollowUp roundTrip,
                        java.util.List<Related> relations) {
        this.relations = java.util.List.copyOf(relations);
        this.invocation = invocation;
        this.expected = expected;
        this.actual = actual;
        this.second = second;
        this.roundTrip = roundTrip;
    }

    public Invocation invocation() { return invocation; }

    public Op op() { return invocation.op(); }

    public Expected expected() { return expected; }

    public Outputs actual() { return actual; }

    /** The answer to the same call made a second time, or null when determinism is not checked. */
    public Outputs second() { return second; }

    /** The determinism level the backend declared for this op, which R1 judges {@link #second()} against. */
    public org.permcheck.contract.Determinism declared() {
        return declared != null ? declared : org.permcheck.contract.Determinism.defaultFor(op());
    }

    /** This context with the backend's declared level for the op (the runner reads it from the backend's capabilities). */
    public CheckContext declaring(org.permcheck.contract.Determinism level) {
        this.declared = level;
        return this;
    }

    public FollowUp roundTrip() { return roundTrip; }

    /** The relation of that name, or null. */
    public Related relation(String name) {
        for (Related r : relations) if (r.name().equals(name)) return r;
        return null;
    }

    /** "token_dispatch(inp=bf16[4, 8], ...)": the call as it appears in messages. */
    public String call() { return invocation.describe(); }

    public Tensor expectedValue(String output) { return expected.values().get(output); }

    public Tensor actualValue(String output) { return actual.get(output); }

    /** Both present with the same dtype and shape, so element-wise comparison makes sense. */
    public boolean comparable(String output) {
        Tensor e = expectedValue(output);
        Tensor a = actualValue(output);
        return e != null && a != null && e.dtype() == a.dtype() && e.sameShape(a.shape());
    }

    /** The oracle's block-align view of a moe_align_block_size call (K1-K6: groups, counts, block ids), or null for other ops. */
    public org.permcheck.oracle.align.BlockAlign blockAlign() {
        if (blockAlign == null && op() == Op.BLOCK_ALIGN) blockAlign = Oracle.blockAlign(invocation).orElseThrow();
        return blockAlign;
    }

    private org.permcheck.oracle.align.BlockAlign blockAlign;

    /** The oracle's slab view of a te_ep_dispatch / te_ep_combine call (Y1-Y4: slab starts, counts, aligned rows), or null for other ops. */
    public org.permcheck.oracle.ep.EpSlabs epSlabs() {
        if (epSlabs == null && (op() == Op.TE_EP_DISPATCH || op() == Op.TE_EP_COMBINE)) epSlabs = Oracle.epSlabs(invocation).orElseThrow();
        return epSlabs;
    }

    private org.permcheck.oracle.ep.EpSlabs epSlabs;

    /** The oracle's view of a mcore_inference_permute call (V1-V5: groups, counts, each group's tokens), or null for other ops. */
    public org.permcheck.oracle.inference.InferencePermute inferencePermute() {
        if (inferencePermute == null && op() == Op.MCORE_INFERENCE_PERMUTE) inferencePermute = Oracle.inferencePermute(invocation).orElseThrow();
        return inferencePermute;
    }

    private org.permcheck.oracle.inference.InferencePermute inferencePermute;

    /** The oracle's dispatch layout of this call (row -> token/expert, n(t), zero probs, Σtarget), or null for other ops. */
    public GroupLayout layout() {
        if (layout == null && op() == Op.DISPATCH) layout = Oracle.layout(invocation).orElseThrow();
        return layout;
    }

    /**
     * The call in the mask form (docs/spec.md I1-I4): an index-form dispatch as the routing_map and
     * probs of its assignment table, from the oracle; every other call as it is. Checks that read a
     * dispatch's routing or probabilities read them here, so they judge both forms alike.
     */
    public Invocation maskForm() {
        if (maskForm == null) maskForm = Oracle.maskForm(invocation);
        return maskForm;
    }

    /** True for a token_dispatch given in the index form (topk_ids), where the I rules are the more specific ones. */
    public boolean indexForm() { return op() == Op.DISPATCH && invocation.inputs().containsKey(Ports.TOPK_IDS); }

    /** The valid slots of this combine or gradient call's row_id_map input, as the oracle reads them, or null for other ops. */
    public RowIdMap.Routes routes() {
        if (routes == null) routes = Oracle.routes(invocation).orElse(null);
        return routes;
    }

    /** Adds an informational line (never a failure), e.g. bit-faithful agreement of a reduction. */
    public void note(String line) { notes.add(line); }

    public java.util.List<String> notes() { return java.util.List.copyOf(notes); }
}
