package org.permcheck.engine.fuzz;

import org.permcheck.contract.Ports;
import org.permcheck.contract.Attrs;
import java.util.ArrayList;
import java.util.List;

import org.permcheck.contract.Invocation;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/** The rule ids a call exercises (docs/spec.md, docs/checks.md): what a test name and the coverage report cite. */
public final class CaseRules {
    private CaseRules() {}

    public static List<String> of(Invocation inv) {
        List<String> r = new ArrayList<>();
        boolean padded = inv.attrs().containsKey(Attrs.ALIGN_SIZE) || inv.inputs().containsKey(Ports.PAD_OFFSETS);
        switch (inv.op()) {
            case DISPATCH: {
                r.add("D1");
                r.add("D2");
                if (inv.inputs().containsKey(Ports.PROBS)) {
                    if (hasZero(inv.input(Ports.PROBS), inv.input(Ports.ROUTING_MAP))) r.add("D3");
                    r.add("D4");
                }
                if (padded) {
                    r.add("P1");
                    r.add("P2");
                    r.add("P3");
                    r.add("P4");
                } else {
                    r.add("D5");
                }
                r.add("N1");
                r.add("M1");
                r.add("M2");
                r.add("M3");
                r.add("M4");
                DType d = inv.input(Ports.INP).dtype();
                if (d == DType.F32 || d == DType.BF16 || d == DType.F16) r.add("R2");
                break;
            }
            case COMBINE:
                r.add("C1");
                if (hasTokenNowhere(inv.input(Ports.ROW_ID_MAP))) r.add("C3");
                r.add("C4");
                r.add("C5");
                break;
            case DISPATCH_BACKWARD:
                r.add("G1");
                if (inv.inputs().containsKey(Ports.GRAD_PERMUTED_PROBS)) r.add("G2");
                r.add("C5");
                break;
            case COMBINE_BACKWARD:
                r.add("G3");
                if (inv.inputs().containsKey(Ports.MERGING_PROBS)) {
                    r.add("G4");
                    r.add("C5");
                }
                break;
            case SORT_CHUNKS:
                r.add("S1");
                r.add("S2");
                break;
            case SORT_CHUNKS_BACKWARD:
                r.add("S3");
                break;
            case RAGGED_A2A_PARAMS: r.add("A1"); break;
            case REVERSE_RAGGED_A2A_PARAMS: r.add("A2"); break;
            case LOCAL_PERMUTE_AFTER_A2A: r.add("A3"); break;
            case LOCAL_UNPERMUTE_BEFORE_A2A: r.add("A4"); break;
            default: break;
        }
        r.add("R1");
        return r;
    }

    private static boolean hasZero(Tensor probs, Tensor routing) {
        for (long t = 0; t < routing.dim(0); t++) {
            for (long e = 0; e < routing.dim(1); e++) {
                if (routing.bits(t, e) != 0 && FloatFormats.toF64(probs.dtype(), probs.bits(t, e)) == 0.0) return true;
            }
        }
        return false;
    }

    private static boolean hasTokenNowhere(Tensor rowIdMap) {
        for (long t = 0; t < rowIdMap.dim(0); t++) if (rowIdMap.getLong(t, rowIdMap.dim(1) - 1) == 0) return true;
        return false;
    }
}
