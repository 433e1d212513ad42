package org.permcheck.zoo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Profile;
import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.GuardBreach;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.Tensor;

/**
 * The engine's CPU backend with TE's mask permute behaviour on X3 inputs (docs/spec.md B1, B2; TE §7,
 * #3346): when the routed count exceeds {@code num_out_tokens}, dispatch ignores the limit and
 * scatters every routed row into an output allocated for the declared rows only. Every other input
 * (valid, or outside the contract under another rule) goes to the CPU backend unchanged, so valid
 * cases all pass and only the robustness tier can tell.
 *
 * <p>The out-of-bounds write is simulated on the host: the output is allocated with {@link #GUARD_ROWS}
 * rows of guard band filled with a pattern, the whole answer is written, and the band is compared
 * afterwards, as a GPU port with guard bands does (docs/protocol.md 3.3 {@code guard_breaches}).
 */
final class PastNumOutDispatch implements Backend {
    /** Rows of guard band past the allocated output (writes beyond it are lost, unseen, as in real memory). */
    static final int GUARD_ROWS = 64;
    /** The guard byte pattern. */
    private static final long GUARD_BITS = 0xA5A5A5A5A5A5A5A5L;

    /** What the dispatch does with the rows past the allocated output. */
    enum Mode {
        /** TE #3346: writes them past the end (a guard breach, B2). */
        WRITES_PAST("dispatch-writes-past-num-out-tokens",
                "dispatch ignores num_out_tokens below the routed count and writes the extra rows past the end of its output",
                "TE #3346 (Triton mask permute, 48 invalid writes under compute-sanitizer)", "B2"),
        /** Drops them: the answer is truncated to the allocated rows (within bounds: B1 passes, contents unspecified). */
        TRUNCATES("free:dispatch-truncates-past-num-out-tokens",
                "dispatch ignores num_out_tokens below the routed count but drops the rows that do not fit (a truncated answer)",
                "TE PR #3347 (drop rows past num_out_tokens), without declaring it", "B1");

        final String id;
        final String bugClass;
        final String fieldRef;
        final String rule;

        Mode(String id, String bugClass, String fieldRef, String rule) {
            this.id = id;
            this.bugClass = bugClass;
            this.fieldRef = fieldRef;
            this.rule = rule;
        }
    }

    private final CpuBackend cpu = new CpuBackend();
    private final Mode mode;

    PastNumOutDispatch(Mode mode) { this.mode = mode; }

    @Override
    public BackendInfo info() {
        BackendInfo i = cpu.info();
        return new BackendInfo(i.name() + "+" + mode.id, i.version(), i.device(), i.capabilities(), Optional.empty(), Map.of("planted_bug", mode.id));
    }

    @Override
    public Outputs run(Invocation inv) {
        try {
            return cpu.run(inv);
        } catch (PreconditionViolation e) {
            if (inv.op() != Op.DISPATCH || !"X3".equals(e.rule())) throw e;
            long numOut = inv.optionalAttr(Attrs.NUM_OUT_TOKENS).orElse(0L);
            long routed = routed(inv.input(Ports.ROUTING_MAP));
            if (numOut <= 0 || routed <= numOut) throw e;
            // the kernel computes destinations for every routed row, as if num_out_tokens were the routed count ...
            Map<String, Long> attrs = new LinkedHashMap<>(inv.attrs());
            attrs.put(Attrs.NUM_OUT_TOKENS, routed);
            Outputs full = cpu.run(new Invocation(inv.op(), inv.profile(), inv.inputs(), attrs));
            // ... but the buffers were allocated for the declared num_out_tokens
            long allocated = allocatedRows(inv, numOut);
            Map<String, Tensor> out = new LinkedHashMap<>(full.tensors());
            List<GuardBreach> breaches = new ArrayList<>();
            for (String port : List.of(Ports.OUTPUT, Ports.PERMUTED_PROBS)) {
                Tensor t = out.get(port);
                if (t == null || t.dim(0) <= allocated) continue;
                Tensor buffer = Tensor.zeros(t.dtype(), withRows(t.shape(), allocated + GUARD_ROWS));
                for (long r = allocated; r < allocated + GUARD_ROWS; r++) for (long c = 0; c < buffer.rowElems(); c++) buffer.setBits(r, c, GUARD_BITS);
                long written = mode == Mode.WRITES_PAST ? Math.min(t.dim(0), allocated + GUARD_ROWS) : allocated;
                for (long r = 0; r < written; r++) buffer.copyRowFrom(t, r, r);
                GuardBreach b = compareGuard(port, buffer, allocated);
                if (b != null) breaches.add(b);
                out.put(port, rows(buffer, allocated));
            }
            return new Outputs(out, breaches);
        }
    }

    /**
     * The rows the declared call allocates: N unpadded, the profile's buffer length padded (D5, P3).
     * An exact-length profile (torch-mask-pad) sizes its buffer from the counts, which the declared
     * N cannot cover here; the most the declared call may hold is then N + E·(align − 1) rows, the
     * output's bound (OutputShape), so that is what a kernel sized from N allocates.
     */
    private static long allocatedRows(Invocation inv, long numOut) {
        Optional<Long> align = inv.optionalAttr(Attrs.ALIGN_SIZE);
        if (align.isEmpty()) return numOut;
        long a = align.get(), e = inv.input(Ports.ROUTING_MAP).dim(1);
        return inv.profile().bufferLength() == Profile.BufferLength.WORST_CASE ? (numOut + e * (a - 1)) / a * a : numOut + e * (a - 1);
    }

    /** The first changed guard byte (offset from the output's end) and how many changed; null when the band is intact. */
    private static GuardBreach compareGuard(String port, Tensor buffer, long allocated) {
        int rowBytes = buffer.rowBytes();
        byte[] row = new byte[rowBytes];
        long first = -1, changed = 0;
        byte pattern = (byte) (GUARD_BITS & 0xFF);
        for (long r = allocated; r < buffer.dim(0); r++) {
            buffer.readRowBytes(r, row, 0);
            for (int i = 0; i < rowBytes; i++) {
                if (row[i] != pattern) {
                    if (first < 0) first = (r - allocated) * rowBytes + i;
                    changed++;
                }
            }
        }
        return changed == 0 ? null : new GuardBreach(port, first, changed);
    }

    private static long routed(Tensor map) {
        long n = 0;
        for (long t = 0; t < map.rows(); t++) for (long e = 0; e < map.rowElems(); e++) n += map.getLong(t, e) != 0 ? 1 : 0;
        return n;
    }

    private static long[] withRows(long[] shape, long rows) {
        long[] s = shape.clone();
        s[0] = rows;
        return s;
    }

    /** The first {@code n} rows of {@code t}. */
    private static Tensor rows(Tensor t, long n) {
        Tensor c = Tensor.zeros(t.dtype(), withRows(t.shape(), n));
        for (long r = 0; r < n; r++) c.copyRowFrom(t, r, r);
        return c;
    }
}
