package org.permcheck.engine.cpu;

import org.permcheck.tensor.Tensor;

/** One token's row of routing_map (bool, int32 or int64), read with one row copy: is the token routed to e? */
final class RoutingRow {
    private final Tensor routing;
    private final int size;
    private final byte[] bytes;

    RoutingRow(Tensor routing) {
        this.routing = routing;
        this.size = routing.dtype().size();
        this.bytes = new byte[routing.rowBytes()];
    }

    void read(long token) { routing.readRowBytes(token, bytes, 0); }

    /** Any nonzero byte in element e (values are 0 or 1 by precondition X2). */
    boolean routed(int e) {
        int o = e * size;
        for (int k = 0; k < size; k++) if (bytes[o + k] != 0) return true;
        return false;
    }
}
