package org.permcheck.cuda.ops;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.tensor.DType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Which kernel variant a row gets: the widest access unit dividing the row's bytes (every row then
 * starts on a unit boundary, since buffers are 256-byte aligned). Expected values by hand.
 */
class UnitsTest {
    @Test
    void dataUnitIsTheWidestPowerOfTwoUpTo16DividingTheRow() {
        assertEquals(16, Units.data(14336));  // bf16 H=7168
        assertEquals(16, Units.data(0));      // H=0: nothing to move, any unit
        assertEquals(8, Units.data(24));
        assertEquals(4, Units.data(4 * 129)); // f32 H=129
        assertEquals(2, Units.data(2 * 33));  // bf16 H=33
        assertEquals(1, Units.data(129));     // fp8 H=129
    }

    @Test
    void reductionUnitKeepsWholeElements() {
        assertEquals(16, Units.reduction(DType.F32, 4 * 64));
        assertEquals(4, Units.reduction(DType.F32, 4 * 129));
        assertEquals(4, Units.reduction(DType.BF16, 2 * 2));
        assertEquals(2, Units.reduction(DType.F16, 2 * 33));
    }

    @Test
    void fp8HasNoReductionKernelsAndSaysWhichRule() {
        PreconditionViolation v = assertThrows(PreconditionViolation.class, () -> Units.code(DType.F8E4M3));
        assertEquals("X5", v.rule());
        assertEquals(0, Units.code(DType.F32));
        assertEquals(1, Units.code(DType.BF16));
        assertEquals(2, Units.code(DType.F16));
        assertEquals("bf16", Units.name(DType.BF16));
    }

    @Test
    void indexInputsAreI32OrI64() {
        assertEquals(4, Units.indexSize(DType.I32));
        assertEquals(8, Units.indexSize(DType.I64));
        assertEquals("X5", assertThrows(PreconditionViolation.class, () -> Units.indexSize(DType.U8)).rule());
    }
}
