package org.permcheck.contract;

import java.util.Optional;

/**
 * Every rule id of docs/spec.md (the bold {@code **D1**} paragraphs), the run-level rules R1-R4 the
 * engine judges across calls among them (docs/checks.md; spec.md's "Run-level rules" section).
 * Checks, vectors, reports and the oracle cite these ids; {@code RuleTest} keeps this list and the
 * spec equal both ways, so a renumbering of the spec is a change here and nowhere else.
 *
 * <p>The id on the wire and in JSON is {@link #id()} (the constant's name).
 */
public enum Rule {
    D1("expert-major order"),
    D2("row copy"),
    D3("zero probability zeroes the row"),
    D4(Ports.PERMUTED_PROBS),
    D5("unpadded buffer"),
    P1("targets and pad offsets"),
    P2("padded layout"),
    P3("buffer length"),
    P4("pad_offsets output"),
    N1("tokens_per_expert always returned"),
    M1("row_id_map shape and dtype"),
    M2("row_id_map destination columns"),
    M3("row_id_map expert columns"),
    M4("row_id_map count column"),
    M5("row_id_map unspecified slots"),
    C1("combine weighted sum"),
    C2("multiply-add contraction, bit-faithful mode"),
    C3("tokens routed nowhere combine to exactly +0.0"),
    C4("combine reads valid slots only"),
    C5("REDUCTION tolerance"),
    C6("reduction dtypes"),
    G1("dispatch backward grad_inp"),
    G2("dispatch backward grad_probs"),
    G3("combine backward grad_inp"),
    G4("combine backward grad_merging_probs"),
    S1("chunk-sort map"),
    S2("chunk sort forward"),
    S3("chunk sort backward"),
    S4("chunk sort inverse"),
    A1("ragged all-to-all forward params"),
    A2("ragged all-to-all reverse params"),
    A3("local_permute_after_a2a"),
    A4("local_unpermute_before_a2a"),
    A5("ragged all-to-all, simulated; not an op"),
    A6("EP invariant (expert-parallel)"),
    /** Expert parallelism on real ranks (docs/protocol.md 6, the ep tier). */
    A7("expert buffer across ranks"),
    A8("round trip across ranks"),
    A9("backward across ranks"),
    X38("rank inputs"),
    I1("index-form assignment table"),
    I2("index-form slot order"),
    I3("topk_weights by slot"),
    I4("-1 slots route nowhere"),
    X1("ports and shapes"),
    X2("routing values"),
    X3(Attrs.NUM_OUT_TOKENS),
    X4(Attrs.ALIGN_SIZE),
    X5("dtypes"),
    X6("row_id_map input"),
    X7("chunk sort inputs"),
    X8("expert-parallel inputs"),
    X9("index-form inputs"),
    X10("index-form ids"),
    Q1("Megatron sorted_indices"),
    Q2("Megatron row copy"),
    Q3("Megatron drop_and_pad capacity layout"),
    Q4("Megatron drop policy"),
    Q5("Megatron unpermute weighted scatter-add"),
    Q6("Megatron unpermute tokens no row names"),
    X15("Megatron num_out_tokens"),
    X16("Megatron capacity"),
    X17("Megatron drop policy inputs"),
    X18("Megatron unpermute inputs"),
    /** Megatron-Core's pad_routing_map (megatron_pad_routing_map), a view of the one assignment table. */
    Q7("Megatron pad_routing_map aligned counts"),
    Q8("Megatron pad_routing_map padded cells"),
    Q9("Megatron pad_routing_map too few tokens to align"),
    X39("Megatron pad_routing_map inputs"),
    /** vLLM / SGLang moe_align_block_size; the order inside a group is unspecified (K2). */
    K1("buffer lengths and sentinel"),
    K2("each group the multiset of its expert's slots"),
    K3("group offsets and padding to the block"),
    K4(Ports.EXPERT_IDS),
    K5(Ports.NUM_TOKENS_POST_PADDED),
    K6("expert_map"),
    X11("block_size"),
    X12("block align ids"),
    X13("expert_map input"),
    /** TransformerEngine's index-map permute (te_index_permute); there is no E. */
    T1("index map sort order"),
    T2("index map row_id_map"),
    T3("index map row copy"),
    T4("index map capacity dropping"),
    T5("index map unpermute"),
    X14("index map num_out_tokens"),
    X24("index map indices"),
    X25("index map row width"),
    X26("index map unpermute inputs"),
    /** torchao's padded permute after the all-to-all (torchao_permute_and_pad / torchao_unpermute, torchtitan's TorchAOTokenDispatcher). */
    W1("padded permute order"),
    W2("padded group sizes"),
    W3("padded group offsets"),
    W4("group pad rows"),
    W5("tail past the last group"),
    W6("padded unpermute"),
    X27("padded permute attributes"),
    X28("padded permute counts"),
    X29("padded unpermute inputs"),
    /** DeepEP's get_dispatch_layout (deepep_dispatch_layout), a view of the one assignment table. */
    L1("layout tokens per rank"),
    L2("layout token in rank"),
    L3("layout tokens per expert"),
    X33("layout ranks and experts"),
    X34("layout topk_idx"),
    /** TransformerEngine's expert-parallel ep_dispatch / ep_combine (te_ep_dispatch, te_ep_combine), world view; slab order unspecified. */
    Y1("EP receive slabs"),
    Y2("EP slab padding"),
    Y3("EP receive counts"),
    Y4("EP combine"),
    X35("EP group"),
    X36("EP routing inputs"),
    X37("EP receive capacity"),
    /** Megatron-Core's inference permute (mcore_inference_permute); the order inside a group is unspecified (V3). */
    V1("inference buffer lengths"),
    V2("inference counts and offsets"),
    V3("each group the multiset of its expert's tokens"),
    V4("inference pad rows"),
    V5("inference row copy"),
    X30("inference attributes"),
    X31("inference permute ids"),
    V6("inference unpermute"),
    X32("inference probs and unpermute inputs"),
    /** MaxText's argsort permute (profile maxtext). */
    J1("buffer of T·K slots"),
    J2("group_sizes by bincount"),
    J3(Ports.SORTED_SELECTED_EXPERTS),
    J4("roll_to_expert_id"),
    X19("argsort profile inputs"),
    X20("every slot routed"),
    X21("roll range"),
    /** Quantized payloads: block scales travel with their rows (token_dispatch with scale_inv). */
    F1("scale tensor shape and dtype"),
    F2("scales moved bit for bit"),
    F3("pad, tail and unspecified scale rows"),
    F4("scales of zero-probability rows"),
    X22("quantized inputs"),
    X23("ops that refuse quantized inputs"),
    B1("probe refused or bounded"),
    B2("no byte outside an output"),
    B3("declared drop policy"),
    /** Run level: the same call twice gives the same bits on every specified DATA and INDEX element. */
    R1("determinism"),
    /** Run level: combine(dispatch(x)) with weights 1/n(t) gives x back within C5. */
    R2("round trip"),
    /** Run level: each forward/backward pair is a pair of transposes, ⟨J t, c⟩ = ⟨t, Jᵀ c⟩, exactly, on integer payloads. */
    R3("adjoint identity"),
    /** Run level: relabelling experts, permuting tokens or splitting the batch moves the outputs as D1 says, bit for bit. */
    R4("relabel and split relations");

    private final String title;

    Rule(String title) { this.title = title; }

    /** The id as docs/spec.md writes it ("D3"): what a Violation, a manifest and a report carry. */
    public String id() { return name(); }

    /**
     * A few words on what the rule is about: the spec's parenthesis after the bold id, with context
     * words where the spec's section heading supplies them ("row_id_map" before M1's "shape and
     * dtype"). Reports print it beside the id; {@code RuleTest} holds each title to its paragraph.
     */
    public String title() { return title; }

    /** R1-R4: judged across calls by the engine (follow-up calls of a case), not against one call's oracle answer. */
    public boolean runLevel() { return name().charAt(0) == 'R'; }

    /**
     * R3, R4: judged from the backend's own answers and the case's inputs only, never the oracle's
     * (what lets a case beyond the oracle's budget be judged; docs/checks.md, "Relations").
     */
    public boolean oracleFree() { return this == R3 || this == R4; }

    /** X1-X39: an input outside the contract (the oracle throws; a backend's answer is not judged). */
    public boolean precondition() { return name().charAt(0) == 'X'; }

    /** B1-B3: how a backend treats inputs outside the contract (the robustness tier) and its output bounds. */
    public boolean robustness() { return name().charAt(0) == 'B'; }

    /** The rule of an id ("D3"), or empty for an id the spec does not define. */
    public static Optional<Rule> byId(String id) {
        for (Rule r : values()) if (r.name().equals(id)) return Optional.of(r);
        return Optional.empty();
    }

    @Override
    public String toString() { return name(); }
}
