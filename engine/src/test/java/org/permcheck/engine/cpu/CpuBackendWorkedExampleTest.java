package org.permcheck.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Profile;
import org.permcheck.spi.Outputs;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The CPU backend on the worked examples of docs/sources.md#te-1 and #te-3-4, expected values
 * copied from there by hand: T=5, E=3, R=[[1,1,0],[1,0,1],[0,0,1],[1,1,0],[0,0,0]], count=[3,2,2];
 * unpadded rows 0:(t0,e0) 1:(t1,e0) 2:(t3,e0) 3:(t0,e1) 4:(t3,e1) 5:(t1,e2) 6:(t2,e2).
 */
class CpuBackendWorkedExampleTest {
    private static final Tensor ROUTING = Tensor.i32(Tensor.shape(5, 3), 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0);
    /** Token t's row is [t+1, -(t+1)]. */
    private static final Tensor INP = Tensor.ofFloats(DType.F32, Tensor.shape(5, 2), 1, -1, 2, -2, 3, -3, 4, -4, 5, -5);

    private static Outputs dispatch(Profile profile, Long align, long numOut) {
        Map<String, Long> attrs = align == null ? Map.of("num_out_tokens", numOut) : Map.of("num_out_tokens", numOut, "align_size", align);
        return new CpuBackend().run(new Invocation(Op.DISPATCH, profile, Map.of("inp", INP, "routing_map", ROUTING), attrs));
    }

    private static long[] tokensOfRows(Tensor out) {
        long[] t = new long[(int) out.rows()];
        for (int r = 0; r < t.length; r++) t[r] = (long) out.getF32(r, 0) - 1; // -1 marks a zero row
        return t;
    }

    @Test
    void unpaddedLayoutAndRowIdMap() {
        Outputs o = dispatch(Profile.TE_JAX, null, 7);
        assertEquals("[0, 1, 3, 0, 3, 1, 2]", java.util.Arrays.toString(tokensOfRows(o.get("output"))));
        Tensor m = o.get("row_id_map");
        // token 0: rows [3, 0] (descending dst), experts [1, 0], n = 2
        assertEquals(3, m.getLong(0, 0));
        assertEquals(0, m.getLong(0, 1));
        assertEquals(1, m.getLong(0, 3));
        assertEquals(0, m.getLong(0, 4));
        assertEquals(2, m.getLong(0, 6));
        // token 1: rows [5, 1], experts [2, 0]; token 2: [6], [2]; token 4: n = 0
        assertEquals(5, m.getLong(1, 0));
        assertEquals(1, m.getLong(1, 1));
        assertEquals(2, m.getLong(1, 3));
        assertEquals(6, m.getLong(2, 0));
        assertEquals(1, m.getLong(2, 6));
        assertEquals(0, m.getLong(4, 6));
        assertEquals("[3, 2, 2]", ints(o.get("tokens_per_expert")));
        assertEquals(DType.I32, o.get("tokens_per_expert").dtype());
        assertNull(o.get("pad_offsets"));
    }

    @Test
    void paddedTeJaxWorstCaseBuffer() {
        // A=4: target=[4,4,4], pad_offsets=[0,1,3]; W = floor((7 + 3*3)/4)*4 = 16
        Outputs o = dispatch(Profile.TE_JAX, 4L, 7);
        assertEquals("[0, 1, 3, -1, 0, 3, -1, -1, 1, 2, -1, -1, -1, -1, -1, -1]", java.util.Arrays.toString(tokensOfRows(o.get("output"))));
        assertEquals("[0, 1, 3]", ints(o.get("pad_offsets")));
        assertEquals("[4, 4, 4]", ints(o.get("tokens_per_expert")));
        assertEquals(3, o.get("row_id_map").getLong(0, 0), "row_id_map holds the unpadded destination");
    }

    @Test
    void paddedTorchExactBufferWithInt64Counts() {
        Outputs o = dispatch(Profile.TORCH_MASK_PAD, 4L, 7);
        assertEquals(12, o.get("output").rows());
        assertEquals(DType.I64, o.get("pad_offsets").dtype());
        assertEquals(DType.I64, o.get("tokens_per_expert").dtype());
        // align 1: every count already aligned, so torch-mask-pad returns no pad_offsets
        assertFalse(dispatch(Profile.TORCH_MASK_PAD, 1L, 7).tensors().containsKey("pad_offsets"));
    }

    @Test
    void combineWithHalfWeightsGivesTheTokensBack() {
        Outputs d = dispatch(Profile.TE_JAX, 4L, 7);
        // weights 1/n(t): 1/2 for t0, t1, t3; 1 for t2; t4 routed nowhere -> 0
        Tensor w = Tensor.ofFloats(DType.F32, Tensor.shape(5, 3), .5f, .5f, 0, .5f, 0, .5f, 0, 0, 1, .5f, .5f, 0, 0, 0, 0);
        Outputs c = new CpuBackend().run(new Invocation(Op.COMBINE, Profile.TE_JAX,
                Map.of("inp", d.get("output"), "row_id_map", d.get("row_id_map"), "merging_probs", w, "pad_offsets", d.get("pad_offsets")),
                Map.of()));
        Tensor out = c.get("output");
        for (int t = 0; t < 4; t++) assertEquals(t + 1f, out.getF32(t, 0));
        assertEquals(0f, out.getF32(4, 0));
        assertEquals(0, Float.floatToRawIntBits(out.getF32(4, 1)), "routed nowhere: +0.0");
    }

    /** docs/sources.md#te-3-4: split=[2,0,3], sorted_indices=[2,0,1], 5 rows => map=[3,4,0,1,2]. */
    @Test
    void chunkSortMap() {
        Tensor inp = Tensor.ofFloats(DType.F32, Tensor.shape(6, 1), 10, 11, 12, 13, 14, 15);
        Outputs o = new CpuBackend().run(new Invocation(Op.SORT_CHUNKS, Profile.TE_JAX,
                Map.of("inp", inp, "split_sizes", Tensor.i32(Tensor.shape(3), 2, 0, 3), "sorted_indices", Tensor.i32(Tensor.shape(3), 2, 0, 1)),
                Map.of()));
        assertEquals("[3, 4, 0, 1, 2, 5]", ints(o.get("row_id_map")), "row 5 is past the chunks: it stays");
        Tensor out = o.get("output");
        assertEquals("12.0 13.0 14.0 10.0 11.0 15.0", out.getF32(0) + " " + out.getF32(1) + " " + out.getF32(2) + " " + out.getF32(3) + " "
                + out.getF32(4) + " " + out.getF32(5));
    }

    private static String ints(Tensor t) {
        long[] v = new long[(int) t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = t.getLong(i);
        return java.util.Arrays.toString(v);
    }
}
