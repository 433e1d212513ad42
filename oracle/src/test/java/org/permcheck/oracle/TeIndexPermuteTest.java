package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.permcheck.oracle.Calls.longs;
import static org.permcheck.oracle.Calls.shape;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.CallPreconditions;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * TE's index-map permute (docs/spec.md T1-T4, X14, X24, X25) on one example computed by hand: T=4, K=2, H=4 f32,
 * indices = [[2,-1],[0,2],[2,2],[-1,0]] (a -1 in two rows, expert 2 twice in row 2). Flat slots j = t*2+k have keys
 * 2,-1,0,2,2,2,-1,0; sorted (uint32, ties by j): j = 2,7 (id 0), 0,3,4,5 (id 2), 1,6 (-1 last), i.e. tokens
 * 1,3,0,1,2,2,0,3; positions of j = 0..7: 2,6,0,3,4,5,7,1; row_id_map[k*4+t]: k=0 (j=0,2,4,6) 2,0,4,7, k=1 (j=1,3,5,7) 6,3,5,1.
 */
class TeIndexPermuteTest {
    static final Tensor IDS = Calls.i32(shape(4, 2), 2, -1, 0, 2, 2, 2, -1, 0);

    static Calls permute(long numOut) {
        return Calls.of(Op.TE_INDEX_PERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 4, 4)).in(Ports.INDICES, IDS).attr(Attrs.NUM_OUT_TOKENS, numOut);
    }

    static long[] firstColumn(Tensor out) {
        long[] v = new long[(int) out.dim(0)];
        for (int r = 0; r < v.length; r++) v[r] = (long) out.getF32(r, 0);
        return v;
    }

    @Test
    void rule_T1_T2_T3_everySlotKept() {
        Expected x = permute(0).run(); // 0 = T*K = 8 rows
        assertArrayEquals(new long[] {2, 0, 4, 7, 6, 3, 5, 1}, longs(x.values().get(Ports.ROW_ID_MAP)));
        assertEquals(DType.I32, x.values().get(Ports.ROW_ID_MAP).dtype());
        // T3: row p is token t's row (first column 10*t + 1)
        assertArrayEquals(new long[] {11, 31, 1, 11, 21, 21, 1, 31}, firstColumn(x.values().get(Ports.OUTPUT)));
        assertTrue(x.specified().isEmpty());
    }

    @Test
    void rule_T4_capacityDropsTheLastSortedSlots() {
        Expected x = permute(6).run(); // the two -1 slots (positions 6, 7) are dropped
        assertArrayEquals(new long[] {2, 0, 4, -1, -1, 3, 5, 1}, longs(x.values().get(Ports.ROW_ID_MAP)));
        assertArrayEquals(new long[] {11, 31, 1, 11, 21, 21}, firstColumn(x.values().get(Ports.OUTPUT)));
        Expected y = permute(3).run(); // keeps id 0's two slots and j=0 (token 0, id 2)
        assertArrayEquals(new long[] {2, 0, -1, -1, -1, -1, -1, 1}, longs(y.values().get(Ports.ROW_ID_MAP)));
    }

    @Test
    void rule_T1_largeIdsSortAfterSmallOnesAndBeforeMinusOne() {
        Tensor ids = Calls.i32(shape(3, 1), -1, Integer.MAX_VALUE, 5);
        Expected x = Calls.of(Op.TE_INDEX_PERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 3, 4)).in(Ports.INDICES, ids).attr(Attrs.NUM_OUT_TOKENS, 0).run();
        // sorted: 5 (t2), 2^31-1 (t1), -1 (t0); K = 1 so row_id_map[t]
        assertArrayEquals(new long[] {2, 1, 0}, longs(x.values().get(Ports.ROW_ID_MAP)));
    }

    @Test
    void rule_T3_rowsPastTheSlotsAreUnspecified() {
        Expected x = permute(10).run();
        Tensor mask = x.specified().get(Ports.OUTPUT);
        assertEquals(10, x.values().get(Ports.OUTPUT).dim(0));
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, longs(mask));
        assertArrayEquals(new long[] {2, 0, 4, 7, 6, 3, 5, 1}, longs(x.values().get(Ports.ROW_ID_MAP)));
    }

    @Test
    void rule_X14_X24_X25_preconditions() {
        permute(-1).rejects("X14");
        Calls.of(Op.TE_INDEX_PERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 4, 4)).in(Ports.INDICES, IDS.reinterpret(DType.F32))
                .attr(Attrs.NUM_OUT_TOKENS, 0).rejects("X24");
        Tensor i64 = Tensor.ofInts(DType.I64, shape(4, 2), 2, -1, 0, 2, 2, 2, -1, 0);
        Calls.of(Op.TE_INDEX_PERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 4, 4)).in(Ports.INDICES, i64).attr(Attrs.NUM_OUT_TOKENS, 0).rejects("X24");
        Calls.of(Op.TE_INDEX_PERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 3, 4)).in(Ports.INDICES, IDS).attr(Attrs.NUM_OUT_TOKENS, 0).rejects("X24");
        // X25: 6 bf16 = 12 bytes, 2 f32 = 8 bytes; 8 bf16 = 16 bytes is fine
        Calls.of(Op.TE_INDEX_PERMUTE).in(Ports.INP, Calls.tokens(DType.BF16, 4, 6)).in(Ports.INDICES, IDS).attr(Attrs.NUM_OUT_TOKENS, 0).rejects("X25");
        Calls.of(Op.TE_INDEX_PERMUTE).in(Ports.INP, Calls.tokens(DType.F32, 4, 2)).in(Ports.INDICES, IDS).attr(Attrs.NUM_OUT_TOKENS, 0).rejects("X25");
        Calls ok = Calls.of(Op.TE_INDEX_PERMUTE).in(Ports.INP, Calls.tokens(DType.BF16, 4, 8)).in(Ports.INDICES, IDS).attr(Attrs.NUM_OUT_TOKENS, 0);
        assertEquals(8, ok.run().values().get(Ports.OUTPUT).dim(0));
        CallPreconditions.check(ok.invocation());
        PreconditionViolation v = org.junit.jupiter.api.Assertions.assertThrows(PreconditionViolation.class, () -> CallPreconditions.check(permute(-1).invocation()));
        assertEquals("X14", v.rule());
    }
}
