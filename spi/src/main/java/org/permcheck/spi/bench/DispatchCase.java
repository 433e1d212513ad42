package org.permcheck.spi.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Profile;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The one token_dispatch call every benchmark times, CPU and GPU alike (issue 10: the CLI and the
 * CUDA bench used to draw different inputs for the "same" shape). Deterministic in the request's
 * seed, and random access: any range of tokens or payload bytes can be drawn on its own, so a device
 * bench can upload a large case piece by piece with bounded host memory, and the pieces equal the
 * whole {@link #invocation()} bit for bit whatever the piece boundaries.
 *
 * <ul>
 *   <li>routing_map [T, E] int32 0/1: token t routed to exactly top-k distinct experts, drawn
 *       uniformly by a partial Fisher-Yates shuffle from a generator of its own (seeded from the
 *       request seed and t), so token t's row does not depend on which tokens were drawn before;</li>
 *   <li>probs [T, E] f32: in [0.01, 1] (inside (0, 1]) where routed, 0 elsewhere, drawn after the
 *       token's routing from the same generator; the CUDA bench also uses them as combine's merging
 *       probs;</li>
 *   <li>inp [T, H]: every 16-bit lane {@code (bits & 0x83FF) | 0x3800} of a hash of its byte
 *       offset: sign and low mantissa random, exponent mid-range, so every element is finite and
 *       nonzero read as bf16, f16, or f32 (whose high half is such a lane). Combine computes on the
 *       payload, and zeros or NaNs could run at another speed than real data.</li>
 * </ul>
 */
public final class DispatchCase {
    /** Host bytes of one routing piece (and of one probs piece: f32 is as wide as int32). */
    public static final int ROUTING_PIECE_BYTES = 16 << 20;
    /** Host bytes of one payload piece. */
    public static final int PAYLOAD_PIECE_BYTES = 64 << 20;

    // SplitMix64's increment; keys the payload hash apart from the per-token routing generators
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long PAYLOAD_KEY = 0x5EED_0F_DA7AL;
    private static final long LANE_KEEP = 0x83FF_83FF_83FF_83FFL;
    private static final long LANE_SET = 0x3800_3800_3800_3800L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final BenchRequest request;
    private final int experts;
    private final int topk;
    private final long payloadBase;

    public DispatchCase(BenchRequest request) {
        this.request = request;
        this.payloadBase = mix(request.seed() ^ PAYLOAD_KEY);
        this.experts = Math.toIntExact(request.experts());
        this.topk = Math.toIntExact(request.topk());
    }

    public BenchRequest request() { return request; }

    /** Bytes of the whole payload, T * H * dtype size. */
    public long payloadBytes() {
        return Math.multiplyExact(Math.multiplyExact(request.tokens(), request.hidden()), (long) request.dtype().size());
    }

    /** Tokens per routing (and probs) piece: as many rows of E int32 as fit {@link #ROUTING_PIECE_BYTES}, at least one. */
    public int routingPieceTokens() {
        return (int) Math.max(1, ROUTING_PIECE_BYTES / (experts * 4L));
    }

    /**
     * Routing rows and probs rows of tokens {@code [first, first + count)}, row-major, E entries a
     * token, into {@code routing} and {@code probs} (either may be null when not wanted). Entries
     * past {@code count * E} are left as they are.
     */
    public void tokenRows(long first, int count, int[] routing, float[] probs) {
        if (first < 0 || count < 0 || first + count > request.tokens()) {
            throw new IllegalArgumentException("tokens [" + first + ", " + (first + count) + ") outside [0, " + request.tokens() + ")");
        }
        int[] order = new int[experts];
        for (int i = 0; i < experts; i++) order[i] = i;
        int[] swapped = new int[topk];
        for (int t = 0; t < count; t++) {
            SplittableRandom rng = new SplittableRandom(mix(request.seed() + (first + t + 1) * GOLDEN));
            int base = t * experts;
            if (routing != null) Arrays.fill(routing, base, base + experts, 0);
            if (probs != null) Arrays.fill(probs, base, base + experts, 0f);
            for (int i = 0; i < topk; i++) {
                int j = i + rng.nextInt(experts - i);
                swapped[i] = j;
                int tmp = order[i]; order[i] = order[j]; order[j] = tmp;
            }
            for (int i = 0; i < topk; i++) {
                // always drawn, so probs do not depend on whether routing was asked for, nor the reverse
                float p = (float) (0.01 + 0.99 * rng.nextDouble());
                if (routing != null) routing[base + order[i]] = 1;
                if (probs != null) probs[base + order[i]] = p;
            }
            // undo the swaps in reverse: order is the identity again for the next token
            for (int i = topk - 1; i >= 0; i--) {
                int j = swapped[i];
                int tmp = order[i]; order[i] = order[j]; order[j] = tmp;
            }
        }
    }

    /** Payload bytes {@code [offset, offset + count)} (little-endian, row-major) into {@code dst[0, count)}. */
    public void payload(long offset, int count, byte[] dst) {
        if (offset < 0 || count < 0 || offset + count > payloadBytes()) {
            throw new IllegalArgumentException("payload bytes [" + offset + ", " + (offset + count) + ") outside [0, " + payloadBytes() + ")");
        }
        long end = offset + count;
        long b = offset;
        // byte by byte up to a word boundary, whole words (the bulk), byte by byte for the tail
        for (; b < end && (b & 7) != 0; b++) dst[(int) (b - offset)] = byteAt(b);
        for (; b + 8 <= end; b += 8) LONGS.set(dst, (int) (b - offset), lanes(b >>> 3));
        for (; b < end; b++) dst[(int) (b - offset)] = byteAt(b);
    }

    /** The whole call (for the CPU benches): the same tensors the pieces give, probs only when the request has them. */
    public Invocation invocation() {
        long t = request.tokens();
        Tensor routing = Tensor.zeros(DType.I32, t, experts);
        Tensor probs = request.probs() ? Tensor.zeros(DType.F32, t, experts) : null;
        int piece = routingPieceTokens();
        int[] r = new int[(int) Math.min(t, piece) * experts];
        float[] p = probs == null ? null : new float[r.length];
        for (long t0 = 0; t0 < t; t0 += piece) {
            int n = (int) Math.min(piece, t - t0);
            tokenRows(t0, n, r, p);
            for (int i = 0; i < n; i++) {
                for (int x = 0; x < experts; x++) {
                    routing.setLong(t0 + i, x, r[i * experts + x]);
                    if (probs != null) probs.setF32(t0 + i, x, p[i * experts + x]);
                }
            }
        }
        Tensor inp = Tensor.zeros(request.dtype(), t, request.hidden());
        long offset = 0;
        for (int c = 0; c < inp.chunkCount(); c++) {
            byte[] chunk = inp.chunk(c); // chunks are whole rows in row order: consecutive payload bytes
            payload(offset, chunk.length, chunk);
            offset += chunk.length;
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put(Ports.INP, inp);
        inputs.put(Ports.ROUTING_MAP, routing);
        if (probs != null) inputs.put(Ports.PROBS, probs);
        Map<String, Long> attrs = new LinkedHashMap<>();
        attrs.put(Attrs.NUM_OUT_TOKENS, t * topk);
        if (request.alignSize() > 0) attrs.put(Attrs.ALIGN_SIZE, request.alignSize());
        return new Invocation(Op.DISPATCH, Profile.TE_JAX, inputs, attrs);
    }

    private byte byteAt(long b) { return (byte) (lanes(b >>> 3) >>> (8 * (b & 7))); }

    /** Eight payload bytes, the ones at offsets [8w, 8w + 8): four 16-bit lanes of a hash of w. */
    private long lanes(long w) {
        return (mix(payloadBase + w * GOLDEN) & LANE_KEEP) | LANE_SET;
    }

    /** SplitMix64's finalizer: a bijection of 64-bit words that scatters nearby inputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
