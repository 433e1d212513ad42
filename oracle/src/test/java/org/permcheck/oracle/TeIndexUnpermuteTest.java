package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.permcheck.oracle.Calls.shape;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * TE's index-map unpermute (docs/spec.md T5, X26) computed by hand: T=2, K=2, H=8 bf16, rows of inp all r+1
 * (row 0 = 1, row 1 = 2, row 2 = 3), row_id_map (k-major) [1, -1, 0, 2]: token 0 gathers row 1 (k=0) and row 0
 * (k=1), token 1 only row 2 (k=1; its k=0 slot dropped).
 */
class TeIndexUnpermuteTest {
    static Tensor rows(DType d, float... v) {
        Tensor x = Tensor.zeros(d, v.length, 8);
        for (int r = 0; r < v.length; r++) for (int c = 0; c < 8; c++) x.setF32(r, c, v[r]);
        return x;
    }

    static Calls unpermute(Tensor inp, Tensor map, Tensor probs, long tokens, long topK) {
        Calls c = Calls.of(Op.TE_INDEX_UNPERMUTE).in(Ports.INP, inp).in(Ports.ROW_ID_MAP, map).attr(Attrs.NUM_TOKENS, tokens).attr(Attrs.TOP_K, topK);
        return probs == null ? c : c.in(Ports.MERGING_PROBS, probs);
    }

    static final Tensor MAP = Calls.i32(shape(4), 1, -1, 0, 2);

    @Test
    void rule_T5_weightedGatherSkipsDroppedSlots() {
        Tensor probs = Calls.f32(shape(2, 2), 0.5f, 0.25f, 1f, 0.75f);
        Expected x = unpermute(rows(DType.BF16, 1, 2, 3), MAP, probs, 2, 2).run();
        Tensor out = x.values().get(Ports.OUTPUT);
        assertEquals(DType.BF16, out.dtype());
        assertEquals(1.25f, out.getF32(0, 0)); // 2*.5 + 1*.25
        assertEquals(2.25f, out.getF32(1, 7)); // 3*.75, the dropped k=0 slot adds nothing
        assertEquals(1.25, x.reference().get(Ports.OUTPUT).getF64(0, 3));
    }

    @Test
    void rule_T5_withoutProbsAPlainSumAndAnAllDroppedTokenIsZero() {
        Expected x = unpermute(rows(DType.F32, 1, 2, 3), Calls.i32(shape(4), 1, -1, 0, -1), null, 2, 2).run();
        Tensor out = x.values().get(Ports.OUTPUT);
        assertEquals(3f, out.getF32(0, 0));
        assertEquals(0L, out.bits(1, 0)); // every slot of token 1 dropped: +0.0
    }

    @Test
    void rule_T5_accumulatesInThePayloadDtype() {
        // bf16 rows 256, 1, 1 all to token 0 (K=3): 256+1 rounds back to 256 twice in bf16 (ties to even),
        // the float64 reference is 258, and the band (n+2) * 2^-8 * 258 covers the difference
        Tensor inp = rows(DType.BF16, 256, 1, 1);
        Expected x = unpermute(inp, Calls.i32(shape(3), 0, 1, 2), null, 1, 3).run();
        assertEquals(256f, x.values().get(Ports.OUTPUT).getF32(0, 0));
        assertEquals(258.0, x.reference().get(Ports.OUTPUT).getF64(0, 0));
        assertEquals(5 * 0x1p-8 * 258, x.reference().get(Ports.OUTPUT + ".slack").getF64(0, 0), 1e-12);
    }

    @Test
    void rule_X26_unpermuteInputs() {
        Tensor inp = rows(DType.F32, 1, 2, 3);
        unpermute(inp, Calls.i32(shape(3), 1, -1, 0), null, 2, 2).rejects("X26"); // not T*K entries
        unpermute(inp, Calls.i32(shape(4), 1, -1, 3, 2), null, 2, 2).rejects("X26"); // row 3 of 3
        unpermute(inp, Calls.i32(shape(4), 1, -2, 0, 2), null, 2, 2).rejects("X26"); // below -1
        unpermute(inp, MAP, Calls.f32(shape(2, 1), 1f, 1f), 2, 2).rejects("X26"); // merging_probs [T,1]
        unpermute(inp, MAP, Tensor.zeros(DType.BF16, 2, 2), 2, 2).rejects("X26"); // merging_probs bf16
        unpermute(inp, MAP, null, 2, 0).rejects("X26");
        unpermute(Tensor.zeros(DType.F8E4M3, 3, 16), MAP, null, 2, 2).rejects("X5");
    }
}
