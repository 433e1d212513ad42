package org.permcheck.spi.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/**
 * The one bench case (issue 10): its pieces, concatenated, are the whole call bit for bit whatever
 * the piece boundaries (CudaBench uploads pieces, the CPU benches time the whole call), and the
 * values keep the promises the benches rely on, checked against the stated properties by hand.
 */
class DispatchCaseTest {

    private static BenchRequest req(long t, long e, long k, long h, DType dt, boolean probs, long seed) {
        return new BenchRequest(t, e, k, h, dt, probs, 0, seed, 0, 1);
    }

    /** Routing and probs of every token by pieces of {@code piece} tokens, concatenated. */
    private static int[] routingByPieces(DispatchCase dc, int piece, float[] probsOut) {
        int e = (int) dc.request().experts();
        long t = dc.request().tokens();
        int[] all = new int[(int) t * e];
        int[] r = new int[piece * e];
        float[] p = new float[piece * e];
        // stale values in the buffers must not leak into the next piece: start them dirty
        Arrays.fill(r, 7);
        Arrays.fill(p, 7f);
        for (long t0 = 0; t0 < t; t0 += piece) {
            int n = (int) Math.min(piece, t - t0);
            dc.tokenRows(t0, n, r, p);
            System.arraycopy(r, 0, all, (int) t0 * e, n * e);
            System.arraycopy(p, 0, probsOut, (int) t0 * e, n * e);
        }
        return all;
    }

    private static byte[] payloadByPieces(DispatchCase dc, int piece) {
        long total = dc.payloadBytes();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[piece];
        for (long off = 0; off < total; off += piece) {
            int n = (int) Math.min(piece, total - off);
            dc.payload(off, n, buf);
            all.write(buf, 0, n);
        }
        return all.toByteArray();
    }

    private static byte[] bytesOf(Tensor x) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int c = 0; c < x.chunkCount(); c++) all.writeBytes(x.chunk(c));
        return all.toByteArray();
    }

    @Test
    void piecesConcatenatedAreTheWholeInvocationBitForBit() {
        // token pieces of 3 and payload pieces of 7 bytes divide none of these T nor byte counts;
        // the last shape (2 MiB routing rows: 8 tokens per real piece) makes invocation() itself
        // cross a routing piece boundary at token 8 of 11, against the test's boundaries at 3, 6, 9
        List<BenchRequest> shapes = List.of(
                req(10, 7, 3, 5, DType.BF16, true, 1),
                req(13, 4, 4, 3, DType.F32, true, 2),
                req(1, 1, 1, 1, DType.F16, true, 3),
                req(5, 6, 2, 3, DType.U8, false, 4),
                req(11, 1 << 19, 2, 9, DType.BF16, true, 5));
        for (BenchRequest r : shapes) {
            DispatchCase dc = new DispatchCase(r);
            Invocation inv = dc.invocation();
            int e = (int) r.experts();
            float[] probs = new float[(int) r.tokens() * e];
            int[] routing = routingByPieces(dc, 3, probs);
            Tensor rm = inv.input(Ports.ROUTING_MAP);
            assertTrue(rm.sameShape(r.tokens(), r.experts()) && rm.dtype() == DType.I32, r.describe());
            for (int i = 0; i < routing.length; i++) assertEquals(routing[i], rm.getLong(i), r.describe() + " routing " + i);
            if (r.probs()) {
                Tensor p = inv.input(Ports.PROBS);
                assertTrue(p.sameShape(r.tokens(), r.experts()) && p.dtype() == DType.F32, r.describe());
                for (int i = 0; i < probs.length; i++) {
                    assertEquals(Float.floatToRawIntBits(probs[i]), (int) p.bits(i), r.describe() + " probs " + i);
                }
            } else {
                assertFalse(inv.inputs().containsKey(Ports.PROBS), r.describe());
            }
            Tensor inp = inv.input(Ports.INP);
            assertTrue(inp.sameShape(r.tokens(), r.hidden()) && inp.dtype() == r.dtype(), r.describe());
            assertEquals(r.tokens() * r.hidden() * r.dtype().size(), dc.payloadBytes(), r.describe());
            assertArrayEquals(bytesOf(inp), payloadByPieces(dc, 7), r.describe());
            assertArrayEquals(bytesOf(inp), payloadByPieces(dc, 1), r.describe());
            assertEquals(r.tokens() * r.topk(), inv.attr(Attrs.NUM_OUT_TOKENS), r.describe());
        }
    }

    @Test
    void aPieceAtAnyOffsetIsTheSameSlice() {
        // random access: a piece that starts mid-word or mid-token reads what the whole call holds there
        DispatchCase dc = new DispatchCase(req(9, 5, 2, 7, DType.F16, true, 11));
        byte[] whole = bytesOf(dc.invocation().input(Ports.INP));
        byte[] piece = new byte[13];
        dc.payload(5, 13, piece);
        assertArrayEquals(Arrays.copyOfRange(whole, 5, 18), piece);
        int[] r = new int[2 * 5];
        dc.tokenRows(4, 2, r, null);
        Tensor rm = dc.invocation().input(Ports.ROUTING_MAP);
        for (int i = 0; i < r.length; i++) assertEquals(rm.getLong(4 * 5 + i), r[i], "routing " + i);
    }

    @Test
    void everyTokenHasExactlyTopkExpertsWithProbsInsideZeroOne() {
        BenchRequest r = req(300, 16, 5, 4, DType.BF16, true, 9);
        Invocation inv = new DispatchCase(r).invocation();
        Tensor rm = inv.input(Ports.ROUTING_MAP), p = inv.input(Ports.PROBS);
        for (long t = 0; t < r.tokens(); t++) {
            int routed = 0;
            for (long x = 0; x < r.experts(); x++) {
                long v = rm.getLong(t, x);
                float q = p.getF32(t, x);
                assertTrue(v == 0 || v == 1, "0/1 routing");
                if (v == 1) {
                    routed++;
                    assertTrue(q > 0f && q <= 1f, "prob " + q + " of a routed entry in (0, 1]");
                } else {
                    assertEquals(0, Float.floatToRawIntBits(q), "prob of an unrouted entry is +0");
                }
            }
            assertEquals(r.topk(), routed, "token " + t);
        }
    }

    @Test
    void everyExpertIsDrawnAboutEquallyOften() {
        // uniform top-k: each of E=8 experts is hit T*k/E = 4000*2/8 = 1000 times in expectation,
        // binomial sd about sqrt(8000 * 1/8 * 7/8) = 29.6; 150 is five sd
        BenchRequest r = req(4000, 8, 2, 1, DType.U8, false, 21);
        Tensor rm = new DispatchCase(r).invocation().input(Ports.ROUTING_MAP);
        for (long x = 0; x < 8; x++) {
            long hits = 0;
            for (long t = 0; t < r.tokens(); t++) hits += rm.getLong(t, x);
            assertTrue(Math.abs(hits - 1000) < 150, "expert " + x + " hit " + hits + " times");
        }
    }

    @Test
    void thePayloadIsFiniteAndNonzeroInEveryFloatDtypeCombineComputesOn() {
        for (DType dt : List.of(DType.BF16, DType.F16, DType.F32)) {
            Tensor inp = new DispatchCase(req(64, 4, 1, 33, dt, false, 5)).invocation().input(Ports.INP);
            Set<Long> seen = new HashSet<>();
            for (long i = 0; i < inp.numel(); i++) {
                float v = FloatFormats.toF32(dt, inp.bits(i));
                assertTrue(Float.isFinite(v) && v != 0f, dt + " element " + i + " = " + v);
                seen.add(inp.bits(i));
            }
            // not a constant: the load is data, not a fill (random 11 bits a lane: far more than 100 values)
            assertTrue(seen.size() > 100, dt + ": " + seen.size() + " distinct of " + inp.numel());
        }
    }

    @Test
    void theSameSeedGivesTheSameCallAndAnotherSeedAnother() {
        Invocation a = new DispatchCase(req(64, 16, 2, 8, DType.BF16, true, 1)).invocation();
        Invocation b = new DispatchCase(req(64, 16, 2, 8, DType.BF16, true, 1)).invocation();
        Invocation c = new DispatchCase(req(64, 16, 2, 8, DType.BF16, true, 2)).invocation();
        for (String port : List.of(Ports.INP, Ports.ROUTING_MAP, Ports.PROBS)) {
            assertTrue(a.input(port).bitEquals(b.input(port)), port + " same seed");
            assertFalse(a.input(port).bitEquals(c.input(port)), port + " other seed");
        }
    }

    @Test
    void piecesStayWithinTheirHostBudget() {
        // 16 MiB of int32 rows: E=256 -> 16 MiB / 1 KiB = 16384 tokens; E=3 -> floor(16 MiB / 12 B) = 1398101
        assertEquals(16384, new DispatchCase(req(1, 256, 8, 1, DType.BF16, true, 0)).routingPieceTokens());
        assertEquals(1398101, new DispatchCase(req(1, 3, 1, 1, DType.BF16, true, 0)).routingPieceTokens());
        // a row wider than the budget still makes progress, one token a piece
        assertEquals(1, new DispatchCase(req(1, 5L << 20, 1, 1, DType.BF16, true, 0)).routingPieceTokens());
        assertEquals(16 << 20, DispatchCase.ROUTING_PIECE_BYTES);
        assertEquals(64 << 20, DispatchCase.PAYLOAD_PIECE_BYTES);
    }

    @Test
    void aPieceOutsideTheCallIsAOneLineError() {
        DispatchCase dc = new DispatchCase(req(4, 4, 2, 2, DType.BF16, true, 0));
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> dc.tokenRows(3, 2, new int[8], null));
        assertEquals("tokens [3, 5) outside [0, 4)", t.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> dc.payload(10, 7, new byte[7]));
        assertEquals("payload bytes [10, 17) outside [0, 16)", b.getMessage());
    }
}
