package org.permcheck.engine.cpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import org.permcheck.tensor.DType;
import org.permcheck.tensor.FloatFormats;
import org.permcheck.tensor.Tensor;

/** Rounds a row of f32 accumulators into a tensor's dtype and stores it with one row write. */
final class RowEncoder {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final Tensor target;
    private final byte[] buffer;

    RowEncoder(Tensor target) {
        this.target = target;
        this.buffer = new byte[target.rowBytes()];
    }

    void write(long row, float[] values) {
        int n = (int) target.rowElems();
        DType d = target.dtype();
        switch (d) {
            case F32: for (int i = 0; i < n; i++) I32.set(buffer, 4 * i, Float.floatToRawIntBits(values[i])); break;
            case BF16: for (int i = 0; i < n; i++) I16.set(buffer, 2 * i, (short) FloatFormats.f32ToBf16(values[i])); break;
            case F16: for (int i = 0; i < n; i++) I16.set(buffer, 2 * i, (short) FloatFormats.f32ToF16(values[i])); break;
            default:
                for (int i = 0; i < n; i++) target.setF32(row, i, values[i]);
                return;
        }
        target.writeRowBytes(row, buffer, 0);
    }
}
