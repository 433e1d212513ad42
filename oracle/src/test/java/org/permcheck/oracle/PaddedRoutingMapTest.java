package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.longs;
import static org.permcheck.oracle.Calls.shape;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.CallPreconditions;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.oracle.megatron.PaddedRoutingMap;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Megatron-Core's pad_routing_map (docs/spec.md Q7-Q9, X39) on examples computed by hand. The main one: T = 6, E = 4,
 * m = 4, routing_map rows [1,0,0,0] [0,1,0,0] [1,0,0,0] [0,0,0,1] [1,1,0,1] [0,0,0,1]. Expert 0 has tokens {0,2,4}
 * (count 3, aligned 4: one pad, its lowest non-routed token 1); expert 1 {1,4} (2 -> 4: tokens 0 and 2); expert 2 none
 * (0 is aligned: stays empty); expert 3 {3,4,5} (3 -> 4: token 0). So the output rows are [1,1,0,1] [1,1,0,0]
 * [1,1,0,0] [0,0,0,1] [1,1,0,1] [0,0,0,1].
 */
class PaddedRoutingMapTest {
    static final long[] MAP = {1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1};

    static Calls pad(Tensor map, long m) {
        return Calls.of(Op.MEGATRON_PAD_ROUTING_MAP).in(Ports.ROUTING_MAP, map).attr(Attrs.PAD_MULTIPLE, m);
    }

    static Tensor map(DType d) { return Tensor.ofInts(d, shape(6, 4), MAP); }

    @Test
    void rule_Q7_Q8_handExample() {
        Expected x = pad(map(DType.BOOL), 4).run();
        Tensor out = x.values().get(Ports.PADDED_ROUTING_MAP);
        assertArrayEquals(new long[] {1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1}, longs(out));
        assertEquals(DType.BOOL, out.dtype());
        assertArrayEquals(new long[] {6, 4}, out.shape());
        assertTrue(x.specified().isEmpty());
        // int32 and int64 maps (Megatron's docstring: "boolean or integer") give the same bool map
        assertArrayEquals(longs(out), longs(pad(map(DType.I32), 4).run().values().get(Ports.PADDED_ROUTING_MAP)));
        assertArrayEquals(longs(out), longs(pad(map(DType.I64), 4).run().values().get(Ports.PADDED_ROUTING_MAP)));
    }

    @Test
    void rule_Q7_alignedAndMultipleOneChangeNothing() {
        // m = 1: every count is aligned; m = 2 on the hand map pads experts 0 and 3 (3 -> 4) by their lowest zero, token 1 and 0
        assertArrayEquals(MAP, longs(pad(map(DType.BOOL), 1).run().values().get(Ports.PADDED_ROUTING_MAP)));
        assertArrayEquals(new long[] {1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1},
                longs(pad(map(DType.BOOL), 2).run().values().get(Ports.PADDED_ROUTING_MAP)));
    }

    @Test
    void rule_Q9_tooFewTokens() {
        // T = 5, E = 2, m = 8: expert 0 has {1,3} (2 -> 8 > 5): every cell is set, count 5 (unaligned); expert 1 stays empty
        Tensor m = Tensor.ofInts(DType.BOOL, shape(5, 2), 0, 0, 1, 0, 0, 0, 1, 0, 0, 0);
        assertArrayEquals(new long[] {1, 0, 1, 0, 1, 0, 1, 0, 1, 0}, longs(pad(m, 8).run().values().get(Ports.PADDED_ROUTING_MAP)));
        // Megatron-LM #6086's example: T = 100, 90 tokens to expert 0, m = 128: expert 0 ends with 100, expert 1 with 0
        Tensor big = Tensor.zeros(DType.BOOL, 100, 2);
        for (int t = 0; t < 90; t++) big.setLong(t, 0, 1);
        PaddedRoutingMap v = PaddedRoutingMap.of(pad(big, 128).invocation());
        assertEquals(128, v.alignedCount(0));
        assertTrue(v.tooFewTokens(0));
        assertFalse(v.tooFewTokens(1));
        assertEquals(100, v.paddedCount(0));
        assertEquals(0, v.paddedCount(1));
        long ones = 0;
        for (long c : longs(pad(big, 128).run().values().get(Ports.PADDED_ROUTING_MAP))) ones += c;
        assertEquals(100, ones);
    }

    @Test
    void rule_Q7_noTokens() {
        assertEquals(0, pad(Tensor.zeros(DType.BOOL, 0, 3), 16).run().values().get(Ports.PADDED_ROUTING_MAP).numel());
    }

    @Test
    void rule_X39_preconditions() {
        pad(map(DType.BOOL), 0).rejects("X39");
        pad(map(DType.BOOL), -4).rejects("X39");
        Calls.of(Op.MEGATRON_PAD_ROUTING_MAP).in(Ports.ROUTING_MAP, map(DType.BOOL)).rejects("X39"); // no pad_multiple
        pad(Tensor.ofInts(DType.I32, shape(2, 2), 1, 2, 0, 0), 4).rejects("X39"); // a 2 is no routing cell
        pad(Tensor.ofInts(DType.U16, shape(2, 2), 1, 0, 0, 0), 4).rejects("X39");
        pad(Tensor.ofInts(DType.BOOL, shape(4), 1, 0, 0, 0), 4).rejects("X39"); // not [T,E]
        CallPreconditions.check(pad(map(DType.I64), 4).invocation());
    }
}
