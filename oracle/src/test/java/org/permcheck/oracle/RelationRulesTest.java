package org.permcheck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.Attrs;
import org.permcheck.contract.Expected;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * The oracle-free relations R3 and R4 (docs/spec.md) hold for the oracle itself, on examples computed
 * by hand: T = 2 tokens, E = 2 experts, H = 1, routing [[1, 1], [0, 1]], inp [[1], [2]].
 */
class RelationRulesTest {
    private static final Tensor INP = Tensor.ofFloats(DType.F32, Tensor.shape(2, 1), 1f, 2f);

    private static Expected dispatch(long... routing) {
        return Calls.of(Op.DISPATCH).in(Ports.INP, INP).in(Ports.ROUTING_MAP, Tensor.i32(Tensor.shape(2, 2), routing))
                .attr(Attrs.NUM_OUT_TOKENS, 3).run();
    }

    private static float[] floats(Tensor t) {
        float[] f = new float[(int) t.numel()];
        for (int i = 0; i < f.length; i++) f[i] = t.getF32(i);
        return f;
    }

    /** By hand: J t = [1, 1, 2] (expert 0: token 0; expert 1: tokens 0, 1); with c = [3, 4, 5], Jᵀ c = [3 + 4, 5] and both sides are 17. */
    @Test
    void rule_R3_dispatchAndItsBackwardAreTransposes() {
        Expected fwd = dispatch(1, 1, 0, 1);
        Tensor y = fwd.values().get(Ports.OUTPUT);
        assertArrayEquals(new float[] {1, 1, 2}, floats(y));
        Tensor c = Tensor.ofFloats(DType.F32, Tensor.shape(3, 1), 3f, 4f, 5f);
        Expected bwd = Calls.of(Op.DISPATCH_BACKWARD).in(Ports.GRAD_OUTPUT, c).in(Ports.ROW_ID_MAP, fwd.values().get(Ports.ROW_ID_MAP)).run();
        Tensor g = bwd.values().get(Ports.GRAD_INP);
        assertArrayEquals(new float[] {7, 5}, floats(g));
        assertEquals(17, 1 * 3 + 1 * 4 + 2 * 5);
        assertEquals(17, 1 * 7 + 2 * 5);
    }

    /** By hand: swapping the experts (π = [1, 0]) gives routing [[1, 1], [1, 0]]: group 0 = tokens 0, 1 ([1, 2]), group 1 = token 0 ([1]). */
    @Test
    void rule_R4_relabelledExpertsMoveTheirGroups() {
        Expected swapped = dispatch(1, 1, 1, 0);
        assertArrayEquals(new float[] {1, 2, 1}, floats(swapped.values().get(Ports.OUTPUT)));
        Tensor tpe = swapped.values().get(Ports.TOKENS_PER_EXPERT);
        assertEquals(2, tpe.getLong(0)); // old expert 1's count
        assertEquals(1, tpe.getLong(1)); // old expert 0's count
    }
}
