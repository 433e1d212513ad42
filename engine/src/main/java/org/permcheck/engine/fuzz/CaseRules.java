package org.permcheck.engine.fuzz;

import java.util.ArrayList;
import java.util.List;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Preconditions;
import org.permcheck.contract.Rule;
import org.permcheck.oracle.Oracle;
import org.permcheck.oracle.layout.GroupLayout;
import org.permcheck.oracle.layout.RowIdMap;
import org.permcheck.tensor.DType;

/**
 * The rules a call exercises (docs/spec.md, docs/checks.md): what a test name and the coverage
 * report cite. Whether the call is padded, holds a zero probability (D3) or a token routed nowhere
 * (C3) is read from the oracle's layout view and routes, not worked out again here.
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
                r.add(Rule.D1);
                r.add(Rule.D2);
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
                DType d = inv.input(Ports.INP).dtype();
                if (d == DType.F32 || d == DType.BF16 || d == DType.F16) r.add(Rule.R2);
                break;
            }
            case COMBINE:
                r.add(Rule.C1);
                if (hasTokenRoutedNowhere(inv)) r.add(Rule.C3);
                r.add(Rule.C4);
                r.add(Rule.C5);
                break;
            case DISPATCH_BACKWARD:
                r.add(Rule.G1);
                if (inv.inputs().containsKey(Ports.GRAD_PERMUTED_PROBS)) r.add(Rule.G2);
                r.add(Rule.C5);
                break;
            case COMBINE_BACKWARD:
                r.add(Rule.G3);
                if (inv.inputs().containsKey(Ports.MERGING_PROBS)) {
                    r.add(Rule.G4);
                    r.add(Rule.C5);
                }
                break;
            case SORT_CHUNKS:
                r.add(Rule.S1);
                r.add(Rule.S2);
                break;
            case SORT_CHUNKS_BACKWARD: r.add(Rule.S3); break;
            case RAGGED_A2A_PARAMS: r.add(Rule.A1); break;
            case REVERSE_RAGGED_A2A_PARAMS: r.add(Rule.A2); break;
            case LOCAL_PERMUTE_AFTER_A2A: r.add(Rule.A3); break;
            case LOCAL_UNPERMUTE_BEFORE_A2A: r.add(Rule.A4); break;
            case MEGATRON_PERMUTE:
                r.add(Rule.Q1);
                r.add(Rule.Q2);
                if (inv.optionalAttr(Attrs.DROP_AND_PAD).orElse(0L) == 1) {
                    r.add(Rule.Q3);
                    r.add(Rule.Q4);
                }
                break;
            case BLOCK_ALIGN:
                // K1-K5 always; K6 with an expert_map (the order inside a group is not judged, K2)
                r.add(Rule.K1);
                r.add(Rule.K2);
                r.add(Rule.K3);
                r.add(Rule.K4);
                r.add(Rule.K5);
                if (inv.inputs().containsKey(org.permcheck.contract.Ports.EXPERT_MAP)) r.add(Rule.K6);
                break;
            case TE_INDEX_PERMUTE:
                // T1-T3 always; T4 when num_out_tokens keeps fewer than the T*K slots
                r.add(Rule.T1);
                r.add(Rule.T2);
                r.add(Rule.T3);
                if (indexMapDrops(inv)) r.add(Rule.T4);
                break;
            case TORCHAO_PERMUTE_AND_PAD:
                // W1-W5 always: every call has groups, their sizes and offsets, pads (or none) and the tail up to max_len
                r.add(Rule.W1);
                r.add(Rule.W2);
                r.add(Rule.W3);
                r.add(Rule.W4);
                r.add(Rule.W5);
                break;
            case TORCHAO_UNPERMUTE:
                r.add(Rule.W6);
                break;
            case DEEPEP_DISPATCH_LAYOUT:
                // L1-L3: every output always
                r.add(Rule.L1);
                r.add(Rule.L2);
                r.add(Rule.L3);
                break;
            case TE_EP_DISPATCH:
                // Y1, Y3 always (slabs judged as multisets); Y2 when some slab has pad rows
                r.add(Rule.Y1);
                if (inv.optionalAttr(org.permcheck.contract.Attrs.ALIGNMENT).orElse(0L) > 1) r.add(Rule.Y2);
                r.add(Rule.Y3);
                break;
            case TE_EP_COMBINE:
                r.add(Rule.Y4);
                r.add(Rule.C5);
                break;
            case MCORE_INFERENCE_UNPERMUTE:
                r.add(Rule.V6);
                r.add(Rule.C5);
                break;
            case MCORE_INFERENCE_PERMUTE:
                // V1-V5 always (the order inside a group is not judged, V3)
                r.add(Rule.V1);
                r.add(Rule.V2);
                r.add(Rule.V3);
                r.add(Rule.V4);
                r.add(Rule.V5);
                break;
            case MEGATRON_PAD_ROUTING_MAP:
                // Q7, Q8 always; Q9 when some expert has too few tokens to align (align_up(count, m) > T)
                r.add(Rule.Q7);
                r.add(Rule.Q8);
                if (padTooFewTokens(inv)) r.add(Rule.Q9);
                break;
            case TE_INDEX_UNPERMUTE:
                r.add(Rule.T5);
                r.add(Rule.C5);
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

    /** C3 applies: the row_id_map input (M4's count column, read by the oracle) routes some token nowhere. */
    /** Q9: some expert's align_up(count, pad_multiple) is above T. */
    private static boolean padTooFewTokens(Invocation inv) {
        org.permcheck.tensor.Tensor map = inv.input(org.permcheck.contract.Ports.ROUTING_MAP);
        long m = inv.attr(org.permcheck.contract.Attrs.PAD_MULTIPLE);
        for (long e = 0; e < map.dim(1); e++) {
            long count = 0;
            for (long t = 0; t < map.dim(0); t++) count += map.getLong(t, e);
            if ((count + m - 1) / m * m > map.dim(0)) return true;
        }
        return false;
    }

    /** T4: a te_index_permute whose num_out_tokens (not 0) is below the T*K slots. */
    private static boolean indexMapDrops(Invocation inv) {
        long n = inv.optionalAttr(org.permcheck.contract.Attrs.NUM_OUT_TOKENS).orElse(0L);
        return n > 0 && n < inv.input(org.permcheck.contract.Ports.INDICES).numel();
    }

    private static boolean hasTokenRoutedNowhere(Invocation inv) {
        RowIdMap.Routes routes = Oracle.routes(inv).orElseThrow();
        for (int t = 0; t < routes.numTokens(); t++) if (routes.count(t) == 0) return true;
        return false;
    }
}
