package org.permcheck.engine.cpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import org.permcheck.tensor.Tensor;

/** One token's row of an int32 row_id_map, built in a buffer and stored with one row write. */
final class MapRow {
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private final Tensor map;
    private final byte[] bytes;

    MapRow(Tensor map) {
        this.map = map;
        this.bytes = new byte[map.rowBytes()];
    }

    void set(int column, int value) { I32.set(bytes, 4 * column, value); }

    void write(long token) { map.writeRowBytes(token, bytes, 0); }
}
