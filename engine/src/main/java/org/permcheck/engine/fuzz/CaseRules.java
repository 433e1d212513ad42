package org.permcheck.engine.fuzz;

import java.util.ArrayList;
import java.util.List;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Preconditions;
import org.permcheck.contract.Rule;
import org.permcheck.oracle.Oracle;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.oracle.megatron.PaddedRoutingMap;

/**
 * The rules a call exercises (docs/spec.md, docs/checks.md): what a test name and the coverage
 * report cite. Whether the call is padded, holds a zero probability (D3), a token routed nowhere
 * (C3) or an expert with too few tokens to align (Q9) is read from the oracle's layout view, routes
 * and padded routing map, not worked out again here.
 */
public final class CaseRules {
    private CaseRules() {}

    /** The rule ids, as cases and reports carry them. */
    public static List<String> of(Invocation inv) {
        return rules(inv).stream().map(Rule::id).toList();
    }

    public static List<Rule> rules(Invocation inv) {
        List<Rule> r = new ArrayList<>();
        switch (inv.op()) {
            case DISPATCH: {
                GroupLayout layout = Oracle.layout(inv).orElseThrow();
                Invocation mask = Oracle.maskForm(inv); // I1: an index-form call read as its routing map and probs
                r.addAll(List.of(Rule.D1, Rule.D2));
                if (mask.inputs().containsKey(Ports.PROBS)) {
                    if (layout.anyZeroProb(mask.input(Ports.PROBS))) r.add(Rule.D3);
                    r.add(Rule.D4);
                }
                if (inv.inputs().containsKey(Ports.TOPK_IDS)) {
                    r.addAll(List.of(Rule.I1, Rule.I2));
                    if (inv.inputs().containsKey(Ports.TOPK_WEIGHTS)) r.add(Rule.I3);
                    if (Preconditions.routedSlots(inv.input(Ports.TOPK_IDS)) < inv.input(Ports.TOPK_IDS).numel()) r.add(Rule.I4);
                    if (inv.profile().argsortOutputs()) {
                        r.addAll(List.of(Rule.J1, Rule.J2, Rule.J3)); // maxtext's argsort permute
                        if (inv.optionalAttr(Attrs.ROLL_TO_EXPERT_ID).orElse(0L) > 0) r.add(Rule.J4);
                    }
                }
                if (layout.padded()) {
                    r.addAll(List.of(Rule.P1, Rule.P2, Rule.P3, Rule.P4));
                } else {
                    r.add(Rule.D5);
                }
                r.addAll(List.of(Rule.N1, Rule.M1, Rule.M2, Rule.M3, Rule.M4));
                if (inv.inputs().containsKey(Ports.SCALE_INV)) {
                    r.addAll(List.of(Rule.F1, Rule.F2)); // block scales move with their rows
                    if (layout.padded() || layout.bufferRows() > layout.table().used()) r.add(Rule.F3);
                    if (mask.inputs().containsKey(Ports.PROBS) && layout.anyZeroProb(mask.input(Ports.PROBS))) r.add(Rule.F4);
                }
                if (CaseGenerator.reducible(inv.input(Ports.INP).dtype())) r.add(Rule.R2);
                break;
            }
            case COMBINE:
                r.add(Rule.C1);
                if (hasTokenRoutedNowhere(inv)) r.add(Rule.C3);
                r.addAll(List.of(Rule.C4, Rule.C5));
                break;
            case DISPATCH_BACKWARD:
                r.add(Rule.G1);
                if (inv.inputs().containsKey(Ports.GRAD_PERMUTED_PROBS)) r.add(Rule.G2);
                r.add(Rule.C5);
                break;
            case COMBINE_BACKWARD:
                r.add(Rule.G3);
                if (inv.inputs().containsKey(Ports.MERGING_PROBS)) {
                    r.addAll(List.of(Rule.G4, Rule.C5));
                }
                break;
            case SORT_CHUNKS:
                r.addAll(List.of(Rule.S1, Rule.S2));
                break;
            case SORT_CHUNKS_BACKWARD: r.add(Rule.S3); break;
            case RAGGED_A2A_PARAMS: r.add(Rule.A1); break;
            case REVERSE_RAGGED_A2A_PARAMS: r.add(Rule.A2); break;
            case LOCAL_PERMUTE_AFTER_A2A: r.add(Rule.A3); break;
            case LOCAL_UNPERMUTE_BEFORE_A2A: r.add(Rule.A4); break;
            case MEGATRON_PERMUTE:
                r.addAll(List.of(Rule.Q1, Rule.Q2));
                if (inv.optionalAttr(Attrs.DROP_AND_PAD).orElse(0L) == 1) {
                    r.addAll(List.of(Rule.Q3, Rule.Q4));
                }
                break;
            case BLOCK_ALIGN:
                // K1-K5 always; K6 with an expert_map (the order inside a group is not judged, K2)
                r.addAll(List.of(Rule.K1, Rule.K2, Rule.K3, Rule.K4, Rule.K5));
                if (inv.inputs().containsKey(Ports.EXPERT_MAP)) r.add(Rule.K6);
                break;
            case TE_INDEX_PERMUTE:
                // T1-T3 always; T4 when num_out_tokens keeps fewer than the T*K slots
                r.addAll(List.of(Rule.T1, Rule.T2, Rule.T3));
                if (indexMapDrops(inv)) r.add(Rule.T4);
                break;
            case TORCHAO_PERMUTE_AND_PAD:
                // W1-W5 always: every call has groups, their sizes and offsets, pads (or none) and the tail up to max_len
                r.addAll(List.of(Rule.W1, Rule.W2, Rule.W3, Rule.W4, Rule.W5));
                break;
            case TORCHAO_UNPERMUTE:
                r.add(Rule.W6);
                break;
            case DEEPEP_DISPATCH_LAYOUT:
                // L1-L3: every output always
                r.addAll(List.of(Rule.L1, Rule.L2, Rule.L3));
                break;
            case TE_EP_DISPATCH:
                // Y1, Y3 always (slabs judged as multisets); Y2 when some slab has pad rows
                r.add(Rule.Y1);
                if (inv.optionalAttr(Attrs.ALIGNMENT).orElse(0L) > 1) r.add(Rule.Y2);
                r.add(Rule.Y3);
                break;
            case TE_EP_COMBINE:
                r.addAll(List.of(Rule.Y4, Rule.C5));
                break;
            case MCORE_INFERENCE_UNPERMUTE:
                r.addAll(List.of(Rule.V6, Rule.C5));
                break;
            case MCORE_INFERENCE_PERMUTE:
                // V1-V5 always (the order inside a group is not judged, V3)
                r.addAll(List.of(Rule.V1, Rule.V2, Rule.V3, Rule.V4, Rule.V5));
                break;
            case MEGATRON_PAD_ROUTING_MAP:
                // Q7, Q8 always; Q9 when some expert has too few tokens to align (align_up(count, m) > T)
                r.addAll(List.of(Rule.Q7, Rule.Q8));
                if (padTooFewTokens(inv)) r.add(Rule.Q9);
                break;
            case TE_INDEX_UNPERMUTE:
                r.addAll(List.of(Rule.T5, Rule.C5));
                break;
            case MEGATRON_UNPERMUTE:
                r.add(Rule.Q5);
                if (hasTokenRoutedNowhere(inv)) r.add(Rule.Q6);
                r.add(Rule.C5);
                break;
            default: break;
        }
        r.add(Rule.R1);
        return r;
    }

    /** Q9: some expert's align_up(count, pad_multiple) is above T (the oracle's view of the padded map). */
    private static boolean padTooFewTokens(Invocation inv) {
        PaddedRoutingMap padded = PaddedRoutingMap.of(inv);
        for (int e = 0; e < padded.numExperts(); e++) if (padded.tooFewTokens(e)) return true;
        return false;
    }

    /** T4: a te_index_permute whose num_out_tokens (not 0) is below the T*K slots. */
    private static boolean indexMapDrops(Invocation inv) {
        long n = inv.optionalAttr(Attrs.NUM_OUT_TOKENS).orElse(0L);
        return n > 0 && n < inv.input(Ports.INDICES).numel();
    }

    /** C3 applies: the row_id_map input (M4's count column, read by the oracle) routes some token nowhere. */
    private static boolean hasTokenRoutedNowhere(Invocation inv) {
        RowIdMap.Routes routes = Oracle.routes(inv).orElseThrow();
        for (int t = 0; t < routes.numTokens(); t++) if (routes.count(t) == 0) return true;
        return false;
    }
}
