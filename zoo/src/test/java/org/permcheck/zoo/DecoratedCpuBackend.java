package org.permcheck.zoo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Op;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The engine's own CPU backend with one post-hoc bug applied to its answer: the bugs that live in
 * a port's packaging of the outputs (an extra or missing output, a widened dtype, one column too
 * many) rather than in the algorithm.
 */
final class DecoratedCpuBackend implements Backend {

    /** The post-hoc bugs. */
    enum Decoration {
        EXTRA_PAD_OFFSETS_UNPADDED("cpu+extra-pad-offsets-unpadded",
                "unpadded dispatch also returns pad_offsets (all zero) instead of leaving it out",
                "TE #2613 (JAX 5-tuple: pad_offsets only when padding)", "P4"),
        MISSING_PERMUTED_PROBS_PADDED("cpu+missing-permuted-probs-padded",
                "padded dispatch with probs drops permuted_probs",
                "TE PR #1921 (fused permute+pad with probs)", "D4"),
        ROW_ID_MAP_EXTRA_COLUMN("cpu+row-id-map-extra-column",
                "row_id_map has 2E+2 columns (a trailing padding column kept from the workspace)",
                "docs/sources.md#te-2-1 (row_id_map is [T, 2E+1])", "M1"),
        GRAD_PROBS_WIDENED("cpu+grad-probs-widened",
                "dispatch backward returns grad_probs as f32 whatever the dtype of grad_permuted_probs",
                "docs/sources.md#te-9 (gradients keep the dtype of their cotangent)", "G2"),
        MEGATRON_ZERO_PROB_ROWS("cpu+megatron-zero-prob-rows",
                "Megatron permute writes a zero row where the row's probability is 0 (TE's fused store on the unfused contract)",
                "Megatron-LM #1921 (pad rows of pad_routing_map came back as zero rows)", "Q2"),
        MEGATRON_DROP_POLICY_IGNORED("cpu+megatron-drop-policy-ignored",
                "drop_and_pad with the probs policy silently keeps the lowest tokens (the position policy)",
                "Megatron-LM #812, #815, PR #811 (the policy's spelling decided which branch ran)", "Q4"),
        MEGATRON_SPARE_ROWS_AT_END("cpu+megatron-spare-rows-at-end",
                "drop_and_pad packs the kept tokens expert after expert and leaves every padding row at the end (the last expert's)",
                "Megatron-LM #5288 (the spare capacity ends up in the last expert)", "Q3"),
        MEGATRON_UNSTABLE_ARGSORT("cpu+megatron-unstable-argsort",
                "dropless permute sorts without stable=True: an expert's tokens come back in descending order",
                "docs/sources.md#megatron-permute (Megatron's argsort is stable; ROCm/Megatron-LM PR #138 rewrote the permute around it)", "Q1"),
        MEGATRON_UNPERMUTE_UNINITIALIZED("cpu+megatron-unpermute-uninitialized",
                "unpermute's output is not zero-initialized: a token no row names keeps garbage (NaN)",
                "Megatron-LM #6547, PR #7096 (the second torch.zeros of unpermute removed as redundant)", "Q6");

        final String id;
        final String bugClass;
        final String fieldRef;
        final String rule;

        Decoration(String id, String bugClass, String fieldRef, String rule) {
            this.id = id;
            this.bugClass = bugClass;
            this.fieldRef = fieldRef;
            this.rule = rule;
        }
    }

    private final CpuBackend cpu = new CpuBackend();
    private final Decoration decoration;

    DecoratedCpuBackend(Decoration decoration) { this.decoration = decoration; }

    @Override
    public BackendInfo info() {
        BackendInfo i = cpu.info();
        return new BackendInfo(i.name() + "+" + decoration.id, i.version(), i.device(), i.capabilities(), Optional.empty(),
                Map.of("planted_bug", decoration.id));
    }

    @Override
    public Outputs run(Invocation inv) {
        // the one pre-hoc bug: the probs policy never reaches the kernel
        Invocation call = decoration == Decoration.MEGATRON_DROP_POLICY_IGNORED ? withoutAttr(inv, Attrs.DROP_POLICY) : inv;
        Map<String, Tensor> out = new LinkedHashMap<>(cpu.run(call).tensors());
        boolean padded = inv.attrs().containsKey("align_size");
        switch (decoration) {
            case EXTRA_PAD_OFFSETS_UNPADDED:
                if (inv.op() == Op.DISPATCH && !padded) out.put("pad_offsets", Tensor.zeros(DType.I32, inv.input("routing_map").dim(1)));
                break;
            case MISSING_PERMUTED_PROBS_PADDED:
                if (inv.op() == Op.DISPATCH && padded) out.remove("permuted_probs");
                break;
            case ROW_ID_MAP_EXTRA_COLUMN:
                if (inv.op() == Op.DISPATCH) {
                    Tensor m = out.get("row_id_map");
                    Tensor wide = Tensor.zeros(m.dtype(), m.dim(0), m.dim(1) + 1);
                    for (long t = 0; t < m.dim(0); t++) for (long c = 0; c < m.dim(1); c++) wide.setBits(t, c, m.bits(t, c));
                    out.put("row_id_map", wide);
                }
                break;
            case GRAD_PROBS_WIDENED:
                Tensor g = out.get("grad_probs");
                if (inv.op() == Op.DISPATCH_BACKWARD && g != null && g.dtype() != DType.F32) {
                    Tensor w = Tensor.zeros(DType.F32, g.shape());
                    for (long i = 0; i < g.numel(); i++) w.setF32(i, g.getF32(i));
                    out.put("grad_probs", w);
                }
                break;
            case MEGATRON_ZERO_PROB_ROWS: {
                Tensor pp = out.get(Ports.PERMUTED_PROBS);
                if (inv.op() == Op.MEGATRON_PERMUTE && pp != null) {
                    Tensor o = out.get(Ports.OUTPUT).copy();
                    for (long r = 0; r < pp.dim(0); r++) {
                        if (pp.getF64(r, 0) != 0) continue;
                        for (long c = 0; c < o.dim(1); c++) o.setBits(r, c, 0);
                    }
                    out.put(Ports.OUTPUT, o);
                }
                break;
            }
            case MEGATRON_UNSTABLE_ARGSORT:
                if (inv.op() == Op.MEGATRON_PERMUTE && inv.optionalAttr(Attrs.DROP_AND_PAD).orElse(0L) == 0) descendingGroups(inv, out);
                break;
            case MEGATRON_UNPERMUTE_UNINITIALIZED:
                if (inv.op() == Op.MEGATRON_UNPERMUTE) {
                    Tensor o = out.get(Ports.OUTPUT).copy();
                    Tensor sorted = inv.input(Ports.SORTED_INDICES);
                    boolean[] named = new boolean[(int) o.dim(0)];
                    for (long r = 0; r < sorted.numel(); r++) named[(int) sorted.getLong(r)] = true;
                    for (int t = 0; t < named.length; t++) if (!named[t]) for (long c = 0; c < o.dim(1); c++) o.setF32(t, c, Float.NaN);
                    out.put(Ports.OUTPUT, o);
                }
                break;
            case MEGATRON_SPARE_ROWS_AT_END:
                if (inv.op() == Op.MEGATRON_PERMUTE && inv.optionalAttr(Attrs.DROP_AND_PAD).orElse(0L) == 1) spareRowsAtEnd(inv, out);
                break;
            default:
                break;
        }
        return new Outputs(out);
    }

    /** Moves every padding row (its token not routed to the row's expert r // C) behind all the kept rows, order kept. */
    private static void spareRowsAtEnd(Invocation inv, Map<String, Tensor> out) {
        Tensor map = inv.input(Ports.ROUTING_MAP);
        Tensor sorted = out.get(Ports.SORTED_INDICES);
        int rows = (int) sorted.dim(0);
        long capacity = rows / map.dim(1);
        java.util.List<Integer> order = new java.util.ArrayList<>();
        for (int pass = 1; pass >= 0; pass--) {
            for (int r = 0; r < rows; r++) if (map.getLong(sorted.getLong(r), r / capacity) == pass) order.add(r);
        }
        for (String port : new String[] {Ports.OUTPUT, Ports.PERMUTED_PROBS, Ports.SORTED_INDICES}) {
            Tensor t = out.get(port);
            if (t == null) continue;
            Tensor moved = t.copy();
            for (int r = 0; r < rows; r++) moved.copyRowFrom(t, order.get(r), r);
            out.put(port, moved);
        }
    }

    /** Reverses the rows of every expert's group of a dropless permute (rows past the routed pairs stay). */
    private static void descendingGroups(Invocation inv, Map<String, Tensor> out) {
        Tensor map = inv.input(Ports.ROUTING_MAP);
        int[] order = new int[(int) out.get(Ports.SORTED_INDICES).dim(0)];
        for (int r = 0; r < order.length; r++) order[r] = r;
        int start = 0;
        for (long e = 0; e < map.dim(1); e++) {
            int count = 0;
            for (long t = 0; t < map.dim(0); t++) count += (int) map.getLong(t, e);
            for (int i = 0; i < count; i++) order[start + i] = start + count - 1 - i;
            start += count;
        }
        for (String port : new String[] {Ports.OUTPUT, Ports.PERMUTED_PROBS, Ports.SORTED_INDICES}) {
            Tensor t = out.get(port);
            if (t == null) continue;
            Tensor moved = t.copy();
            for (int r = 0; r < order.length; r++) moved.copyRowFrom(t, order[r], r);
            out.put(port, moved);
        }
    }

    private static Invocation withoutAttr(Invocation inv, String name) {
        Map<String, Long> attrs = new LinkedHashMap<>(inv.attrs());
        attrs.remove(name);
        return new Invocation(inv.op(), inv.profile(), inv.inputs(), attrs);
    }
}
