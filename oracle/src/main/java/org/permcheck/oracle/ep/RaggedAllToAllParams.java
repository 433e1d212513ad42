package org.permcheck.oracle.ep;

import org.permcheck.contract.Ports;
import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.contract.Expected;
import org.permcheck.contract.Invocation;

/**
 * {@code compute_ragged_all_to_all_params} (A1) and {@code compute_reverse_ragged_all_to_all_params}
 * (A2): the four index vectors of {@code jax.lax.ragged_all_to_all}, with SENDER-side output offsets.
 */
public record RaggedAllToAllParams(long[] inputOffsets, long[] sendSizes, long[] outputOffsets, long[] recvSizes) {

    /** A1: this shard sends its tokens of shard j's experts to shard j. */
    public static RaggedAllToAllParams forward(ShardCounts c) {
        int ns = c.numShards();
        int s = c.shard();
        long[] send = new long[ns];
        long[] recv = new long[ns];
        long[] outOff = new long[ns];
        for (int j = 0; j < ns; j++) {
            send[j] = c.sendTo(s, j);
            recv[j] = c.sendTo(j, s);
            for (int i = 0; i < s; i++) outOff[j] += c.sendTo(i, j); // shards before me write first on j
        }
        return new RaggedAllToAllParams(exclusiveCumsum(send), send, outOff, recv);
    }

    /** A2: the transpose of A1 (expert outputs travel back to the shards that own the tokens). */
    public static RaggedAllToAllParams reverse(ShardCounts c) {
        int ns = c.numShards();
        int s = c.shard();
        long[] send = new long[ns];
        long[] recv = new long[ns];
        long[] outOff = new long[ns];
        for (int j = 0; j < ns; j++) {
            send[j] = c.sendTo(j, s);
            recv[j] = c.sendTo(s, j);
            for (int i = 0; i < s; i++) outOff[j] += c.sendTo(j, i);
        }
        return new RaggedAllToAllParams(exclusiveCumsum(send), send, outOff, recv);
    }

    static long[] exclusiveCumsum(long[] v) {
        long[] out = new long[v.length];
        for (int i = 1; i < v.length; i++) out[i] = out[i - 1] + v[i - 1];
        return out;
    }

    public static Expected expected(Invocation inv, boolean reverse) {
        ShardCounts c = ShardCounts.from(inv);
        RaggedAllToAllParams p = reverse ? reverse(c) : forward(c);
        Map<String, org.permcheck.tensor.Tensor> values = new LinkedHashMap<>();
        values.put(Ports.INPUT_OFFSETS, c.vector(p.inputOffsets));
        values.put(Ports.SEND_SIZES, c.vector(p.sendSizes));
        values.put(Ports.OUTPUT_OFFSETS, c.vector(p.outputOffsets));
        values.put(Ports.RECV_SIZES, c.vector(p.recvSizes));
        return new Expected(values, Map.of(), Map.of());
    }
}
